//! Search-as-you-type pickers: a search box (`{base}_q`) above a
//! `<select>` of records (`{base}_id`). Typing asks the server, through
//! htmx, for the options matching what is typed; the chosen record stays
//! chosen if it matches, else the first match is. Without script the
//! select offers the first records by name and the one chosen, and the
//! form posts as any other. The one mechanism behind the sales editor's
//! client picker and the supplier and product pickers of purchase orders
//! and reorder rules (`macros.html`: `search_select`; the options:
//! `picker_options.html`).

use super::{ListQuery, show, typed};
use crate::WebContext;
use crate::error::PageResult;
use crate::session::{Allowed, Viewer};
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use comptoir_db::catalog::Product;
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::resource::Table;
use comptoir_db::{Db, Listing, Page, Record};
use comptoir_services::catalog::products::{self, ProductFilters};
use comptoir_services::parties::{ClientFilters, SupplierFilters, list_clients, list_suppliers};
use comptoir_services::{Actor, ServiceResult, records, require};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/pickers/suppliers", get(suppliers))
        .route("/pickers/products", get(products))
}

/// How many records a picker offers at once.
const OFFERED: i64 = 50;

/// The records a picker chooses from.
#[derive(Clone, Copy)]
pub enum Records {
    Clients,
    Suppliers,
    Products,
}

/// A choice of a picker: the record's id and what the reader sees.
#[derive(Serialize, Clone)]
pub struct Choice {
    pub id: Uuid,
    pub label: String,
}

/// A picker's options, as `picker_options.html` reads them.
#[derive(Serialize)]
pub struct Options {
    choices: Vec<Choice>,
    /// The id chosen, or empty.
    selected: String,
    /// Whether these are the matches of a search: then there is no empty
    /// first choice, and an option saying nothing matched.
    searched: bool,
    /// The empty first choice's label, and the no-match option's.
    choose: &'static str,
    none: &'static str,
}

impl Options {
    /// With `label` as the empty first choice (what choosing nothing
    /// means on this form), when the picker's records know it.
    pub fn choosing(mut self, records: Records, label: &str) -> Self {
        if let Some(&known) = records.labels().0.iter().find(|&&known| known == label) {
            self.choose = known;
        }
        self
    }
}

fn client(c: Client) -> Choice {
    Choice {
        id: c.id,
        label: format!("{} ({})", c.name, c.code),
    }
}

fn supplier(s: Supplier) -> Choice {
    Choice {
        id: s.id,
        label: format!("{} · {}", s.code, s.name),
    }
}

fn product(p: Product) -> Choice {
    Choice {
        id: p.id,
        label: format!("{} · {}", p.code, p.name),
    }
}

/// The records of a listing as choices.
fn listed<T>(listing: Listing<T>, choice: fn(T) -> Choice) -> Vec<Choice> {
    listing.items.into_iter().map(choice).collect()
}

/// The chosen record as a choice, when it exists.
async fn one<T: Record + Table>(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    choice: fn(T) -> Choice,
) -> Option<Choice> {
    records::get::<T>(db, actor, id).await.ok().map(choice)
}

impl Records {
    /// The labels an empty first choice may have (the first unless a
    /// form names another), and the answer to a search finding nothing.
    fn labels(self) -> (&'static [&'static str], &'static str) {
        match self {
            Records::Clients => (&["sales.editor.choose_client"], "sales.editor.no_client"),
            Records::Suppliers => (
                &[
                    "purchasing.choose",
                    "rules.cheapest",
                    "purchasing.all_suppliers",
                ],
                "pickers.no_supplier",
            ),
            Records::Products => (&["pickers.choose_product"], "pickers.no_product"),
        }
    }

    /// The active records matching `q`, by name.
    async fn matching(self, db: &Db, actor: &Actor, q: Option<&str>) -> ServiceResult<Vec<Choice>> {
        let by_name = ListQuery {
            sort: Some("name".into()),
            ..Default::default()
        };
        let first = Page {
            page: 1,
            page_size: OFFERED,
        };
        Ok(match self {
            Records::Clients => {
                let active = ClientFilters {
                    status: None,
                    kind: None,
                    include_archived: None,
                };
                let sort = by_name.sort::<Client>();
                listed(
                    list_clients(db, actor, active, q, sort, first).await?,
                    client,
                )
            }
            Records::Suppliers => {
                let active = SupplierFilters {
                    active: None,
                    include_archived: None,
                };
                let sort = by_name.sort::<Supplier>();
                listed(
                    list_suppliers(db, actor, active, q, sort, first).await?,
                    supplier,
                )
            }
            Records::Products => {
                let active = ProductFilters {
                    category_id: None,
                    kind: None,
                    active: None,
                    barcode: None,
                    include_archived: None,
                };
                let sort = by_name.sort::<Product>();
                listed(
                    products::list(db, actor, active, q, sort, first).await?,
                    product,
                )
            }
        })
    }

    /// The record `id` as a choice, when the reader may see it.
    async fn chosen(self, db: &Db, actor: &Actor, id: Uuid) -> Option<Choice> {
        match self {
            Records::Clients => one(db, actor, id, client).await,
            Records::Suppliers => one(db, actor, id, supplier).await,
            Records::Products => one(db, actor, id, product).await,
        }
    }

    /// The picker's options: without a search, the first records and the
    /// one `chosen` (first when it is not among them); with one, the
    /// matches, `chosen` kept if it matches, else the first match.
    pub async fn options(
        self,
        db: &Db,
        actor: &Actor,
        q: Option<&str>,
        chosen: &str,
    ) -> ServiceResult<Options> {
        let q = q.map(str::trim).filter(|q| !q.is_empty());
        let choices = self.matching(db, actor, q).await?;
        Ok(self.offered(db, actor, q, choices, chosen).await)
    }

    /// The options of several pickers of these records on one form (a
    /// row's each), the first records read once.
    pub async fn options_each(
        self,
        db: &Db,
        actor: &Actor,
        chosen: &[&str],
    ) -> ServiceResult<Vec<Options>> {
        let first = self.matching(db, actor, None).await?;
        let mut each = Vec::with_capacity(chosen.len());
        for chosen in chosen {
            each.push(self.offered(db, actor, None, first.clone(), chosen).await);
        }
        Ok(each)
    }

    /// `choices` as options, `chosen` selected as `options` says.
    async fn offered(
        self,
        db: &Db,
        actor: &Actor,
        q: Option<&str>,
        mut choices: Vec<Choice>,
        chosen: &str,
    ) -> Options {
        let chosen_id = Uuid::parse_str(chosen.trim()).ok();
        let listed = chosen_id.is_some_and(|id| choices.iter().any(|c| c.id == id));
        let selected = match (q, chosen_id) {
            (_, Some(id)) if listed => id.to_string(),
            (None, Some(id)) => match self.chosen(db, actor, id).await {
                Some(choice) => {
                    choices.insert(0, choice);
                    id.to_string()
                }
                None => String::new(),
            },
            (None, None) => String::new(),
            (Some(_), _) => choices
                .first()
                .map(|c| c.id.to_string())
                .unwrap_or_default(),
        };
        let (labels, none) = self.labels();
        Options {
            choices,
            selected,
            searched: q.is_some(),
            choose: labels[0],
            none,
        }
    }

    /// The options for a search box's query: `{base}_q` is what is typed,
    /// `{base}_id` the record chosen (the select, included by htmx),
    /// `choose` the empty first choice's label on this form.
    pub async fn answer(
        self,
        viewer: &Viewer,
        ctx: &WebContext,
        pairs: &[(String, String)],
    ) -> PageResult<Html<String>> {
        let ending = |suffix: &str| {
            pairs
                .iter()
                .find(|(name, _)| name.ends_with(suffix))
                .and_then(|(_, value)| typed(Some(value.clone())))
        };
        let q = ending("_q");
        let chosen = ending("_id").unwrap_or_default();
        let choose = pairs.iter().find(|(name, _)| name == "choose");
        let mut picker = self
            .options(&ctx.db, &viewer.actor, q.as_deref(), &chosen)
            .await?;
        if let Some((_, label)) = choose {
            picker = picker.choosing(self, label);
        }
        show(
            viewer,
            "picker_options.html",
            "pickers.options",
            json!({"picker": picker}),
        )
    }
}

async fn suppliers(
    viewer: Allowed<require::SuppliersRead>,
    State(ctx): State<WebContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let answer = Records::Suppliers.answer(&viewer, &ctx, &pairs).await?;
    Ok(answer.into_response())
}

async fn products(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let answer = Records::Products.answer(&viewer, &ctx, &pairs).await?;
    Ok(answer.into_response())
}
