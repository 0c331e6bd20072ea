//! The pages behind the login, a module per area, and what they share:
//! rendering for the reader, list parameters, form values.

pub mod catalog;
pub mod clients;
pub mod home;
pub mod login;
pub mod parties;
pub mod pickers;
pub mod purchasing;
pub mod sales;
pub mod settings;
pub mod stock;
pub mod suppliers;
pub mod transfer;

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::render;
use crate::session::Viewer;
use axum::Router;
use axum::response::Html;
use comptoir_domain::FieldErrors;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `upload_limit_bytes` bounds an import's upload, as the API's.
pub fn router(upload_limit_bytes: usize) -> Router<WebContext> {
    Router::new()
        .merge(home::router())
        .merge(login::signed_in_router())
        .merge(clients::router())
        .merge(catalog::router())
        .merge(sales::router())
        .merge(transfer::router(upload_limit_bytes))
        .merge(suppliers::router())
        .merge(purchasing::router())
        .merge(pickers::router())
        .merge(settings::router())
        .merge(stock::router())
}

/// Renders `template` for the reader, titled by the catalog key `title`.
pub fn show(
    viewer: &Viewer,
    template: &str,
    title: &'static str,
    values: impl Serialize,
) -> PageResult<Html<String>> {
    render::page(template, viewer.frame(title), values)
        .map(Html)
        .map_err(PageError::internal)
}

/// A list's page, sort and search, as its URL carries them. Pages are
/// lenient where the API is strict: a page number or sort a reader edited
/// by hand falls back to the default instead of an error.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub page: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
}

pub const PAGE_SIZE: i64 = 25;

impl ListQuery {
    pub fn page(&self) -> comptoir_db::resource::Page {
        let page = self
            .page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .filter(|p| (1..=1_000_000).contains(p))
            .unwrap_or(1);
        comptoir_db::resource::Page {
            page,
            page_size: PAGE_SIZE,
        }
    }

    pub fn sort<T: comptoir_db::resource::Table>(&self) -> Option<comptoir_db::resource::Sort> {
        let text = self.sort.as_deref()?;
        let (field, descending) = match text.strip_prefix('-') {
            Some(field) => (field, true),
            None => (text, false),
        };
        T::SORTABLE
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, column)| comptoir_db::resource::Sort { column, descending })
    }

    pub fn search(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }
}

/// The largest count a list of many rows shows; past it, the page says
/// "more than".
pub const COUNT_SHOWN: i64 = 10_000;
/// How the lists that grow without end (sales documents) count: one past
/// what is shown, to know there is more.
pub const COUNTED: comptoir_db::Count = comptoir_db::Count::UpTo(COUNT_SHOWN + 1);

/// What a list template needs to draw its search box, sortable headers
/// and page links, keeping the other parameters in every link.
#[derive(Serialize)]
pub struct ListView<T> {
    pub items: Vec<T>,
    pub total: i64,
    /// More rows than `total` says (a list counted up to [`COUNTED`]).
    pub more: bool,
    pub page: i64,
    pub pages: i64,
    pub q: String,
    pub sort: String,
}

impl<T> ListView<T> {
    pub fn new(listing: comptoir_db::Listing<T>, query: &ListQuery) -> Self {
        let page = query.page();
        let more = listing.total > COUNT_SHOWN;
        let total = listing.total.min(COUNT_SHOWN);
        let mut pages = ((total + page.page_size - 1) / page.page_size).max(1);
        if more {
            // Past the counted pages, the next one still exists.
            pages = pages.max(page.page + 1);
        }
        ListView {
            items: listing.items,
            total,
            more,
            page: page.page,
            pages,
            q: query.search().unwrap_or_default().to_owned(),
            sort: query.sort.clone().unwrap_or_default(),
        }
    }

    /// The same page with each row as `row` shows it.
    pub fn map<U>(self, row: impl FnMut(T) -> U) -> ListView<U> {
        ListView {
            items: self.items.into_iter().map(row).collect(),
            total: self.total,
            more: self.more,
            page: self.page,
            pages: self.pages,
            q: self.q,
            sort: self.sort,
        }
    }
}

/// Field → its messages, as the form templates mark them.
pub fn by_field(errors: FieldErrors) -> BTreeMap<String, Vec<String>> {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for error in errors.into_vec() {
        fields.entry(error.field).or_default().push(error.message);
    }
    fields
}

/// A form field's value as typed: empty means absent.
pub fn typed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(total: i64, page: &str) -> ListView<()> {
        let query = ListQuery {
            page: Some(page.to_owned()),
            ..Default::default()
        };
        ListView::new(
            comptoir_db::Listing {
                items: Vec::new(),
                total,
            },
            &query,
        )
    }

    #[test]
    fn a_list_counted_past_what_it_shows_says_more_and_keeps_a_next_page() {
        let exact = view(COUNT_SHOWN, "1");
        assert!(!exact.more);
        assert_eq!((exact.total, exact.pages), (COUNT_SHOWN, 400));
        let more = view(COUNT_SHOWN + 1, "1");
        assert!(more.more);
        assert_eq!((more.total, more.pages), (COUNT_SHOWN, 400));
        let far = view(COUNT_SHOWN + 1, "400");
        assert_eq!(far.pages, 401, "past the counted pages, a next one");
    }
}
