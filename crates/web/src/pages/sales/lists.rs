//! The lists of quotes, orders, invoices and credit notes: number, client,
//! date, status, totals (and for invoices what is due and whether it is
//! overdue), with search, status filter, sort and page in the URL.

use super::{CREDIT_NOTES, INVOICES, Kind, ORDERS, QUOTES, client_names};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{COUNTED, ListQuery, ListView, show, typed};
use crate::session::Allowed;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::require::{self, Requirement};
use comptoir_services::sales::{self as service, DocumentFilters, InvoiceFilters, Paging};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/quotes", get(quotes))
        .route("/orders", get(orders))
        .route("/invoices", get(invoices))
        .route("/credit-notes", get(credit_notes))
}

/// A list's handler for one kind, authorized as the API's list route.
macro_rules! list_of {
    ($name:ident, $need:ty, $kind:expr) => {
        async fn $name(
            viewer: Allowed<$need>,
            state: State<WebContext>,
            query: Query<DocumentListQuery>,
        ) -> PageResult<Response> {
            list(viewer, state, query, $kind).await
        }
    };
}

list_of!(quotes, require::SalesRead, &QUOTES);
list_of!(orders, require::SalesRead, &ORDERS);
list_of!(invoices, require::InvoicesRead, &INVOICES);
list_of!(credit_notes, require::InvoicesRead, &CREDIT_NOTES);

#[derive(Deserialize, Default)]
pub struct DocumentListQuery {
    #[serde(flatten)]
    list: ListQuery,
    status: Option<String>,
    /// Invoices: `1` lists only the overdue ones.
    overdue: Option<String>,
}

async fn list<R: Requirement>(
    viewer: Allowed<R>,
    State(ctx): State<WebContext>,
    Query(query): Query<DocumentListQuery>,
    kind: &'static Kind,
) -> PageResult<Response> {
    // A status edited by hand into the URL is ignored, as a bad page is.
    let status = typed(query.status.clone()).filter(|s| kind.statuses().contains(&s.as_str()));
    let overdue = kind.kind == DocumentKind::Invoice && query.overdue.as_deref() == Some("1");
    let filters = DocumentFilters {
        client_id: None,
        status: status.clone(),
    };
    let q = query.list.search();
    let paging = Paging {
        sort: query.list.sort::<SalesDocument>(),
        page: query.list.page(),
        count: COUNTED,
    };
    let listing = if kind.kind == DocumentKind::Invoice {
        let invoice_filters = InvoiceFilters {
            overdue: overdue.then_some(true),
        };
        service::list_invoices(&ctx.db, &viewer.actor, filters, invoice_filters, q, paging).await?
    } else {
        service::list_documents(&ctx.db, &viewer.actor, kind.kind, filters, q, paging).await?
    };
    let ids: Vec<Uuid> = listing
        .items
        .iter()
        .map(|row| row.document.client_id)
        .collect();
    let names = client_names(&ctx.db, &viewer.actor, &ids).await?;
    let view = ListView::new(listing, &query.list);
    let items: Vec<Value> = view
        .items
        .iter()
        .map(|row| {
            let mut value = serde_json::to_value(row).unwrap_or_default();
            value["client_name"] = names.get(&row.document.client_id).cloned().into();
            value
        })
        .collect();
    show(
        &viewer,
        "sales/list.html",
        kind.title,
        json!({
            "list": {
                "items": items,
                "total": view.total,
                "more": view.more,
                "page": view.page,
                "pages": view.pages,
                "q": view.q,
                "sort": view.sort,
            },
            "kind": kind.kind.as_str(),
            "base": kind.base,
            "statuses": kind.statuses(),
            "status": status.unwrap_or_default(),
            "overdue": overdue,
            "is_invoice": kind.kind == DocumentKind::Invoice,
            "may_write": kind.editor && viewer.actor.may(kind.write),
        }),
    )
    .map(IntoResponse::into_response)
}
