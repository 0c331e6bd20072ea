//! The pages behind the login, a module per area, and what they share:
//! rendering for the reader, list parameters, form values.

pub mod catalog;
pub mod clients;
pub mod home;
pub mod login;
pub mod parties;
pub mod payables;
pub mod pickers;
pub mod printing;
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

/// `upload_limit_bytes` bounds an import's upload and a supplier's
/// e-invoice, as the API's.
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
        .merge(payables::router(upload_limit_bytes))
        .merge(printing::router())
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

/// A form posted with line rows, split: the fields named in `columns`
/// gathered per row (every row sends each of them, in document order),
/// and the others, in order, for the form's head.
pub fn split_rows<const N: usize>(
    fields: Vec<(String, String)>,
    columns: [&str; N],
) -> (Vec<(String, String)>, Vec<[String; N]>) {
    let mut head = Vec::new();
    let mut cells: [Vec<String>; N] = std::array::from_fn(|_| Vec::new());
    for (name, value) in fields {
        match columns.iter().position(|column| *column == name) {
            Some(column) => cells[column].push(value),
            None => head.push((name, value)),
        }
    }
    let count = cells.iter().map(Vec::len).max().unwrap_or(0);
    let rows = (0..count)
        .map(|i| std::array::from_fn(|column| cells[column].get(i).cloned().unwrap_or_default()))
        .collect();
    (head, rows)
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
    fn a_form_with_rows_is_split_into_its_head_and_its_rows() {
        let fields = [
            ("_csrf", "t"),
            ("number", "F-1"),
            ("quantity", "2"),
            ("price", "3"),
            ("quantity", ""),
            ("price", "5"),
        ]
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .to_vec();
        let (head, rows) = split_rows(fields, ["quantity", "price"]);
        assert_eq!(head.len(), 2);
        assert_eq!(head[1], ("number".to_owned(), "F-1".to_owned()));
        assert_eq!(
            rows,
            [["2", "3"], ["", "5"]].map(|row| row.map(str::to_owned))
        );
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
