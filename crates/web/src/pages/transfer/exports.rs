//! Exports of the lists: `{list}/export?format=csv|excel|xlsx` with the
//! list's own search and filters, as its page reads them, answers the
//! export service's file. Authorized as the API's export routes
//! (`data.export`). A new list gets its export with a handler here that
//! builds its filter with its service's `*_filter` function, one route,
//! and the `export_menu` macro in its template.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::stock::movements::LedgerQuery;
use crate::pages::typed;
use crate::session::Allowed;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::Filter;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::catalog::{ProductFilters, product_filter};
use comptoir_services::parties::{ClientFilters, SupplierFilters, client_filter, supplier_filter};
use comptoir_services::sales::{DocumentFilters, InvoiceFilters, document_filter};
use comptoir_services::stock::{LevelFilters, level_filter, movement_filter};
use comptoir_services::transfer::exports::{self as service, Content, Export, Format, Listing};
use comptoir_services::{Actor, require};
use serde::Deserialize;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/clients/export", get(clients))
        .route("/products/export", get(products))
        .route("/quotes/export", get(quotes))
        .route("/orders/export", get(orders))
        .route("/invoices/export", get(invoices))
        .route("/suppliers/export", get(suppliers))
        .route("/stock/export", get(levels))
        .route("/stock/movements/export", get(movements))
}

/// An export's URL: the list's search and filters (each list reads the
/// ones it has) and the format.
#[derive(Deserialize, Default)]
struct ExportQuery {
    q: Option<String>,
    /// `csv` (the default), `excel` (CSV as French Excel reads it) or `xlsx`.
    format: Option<String>,
    status: Option<String>,
    /// Products: a category's id.
    category: Option<String>,
    /// Products: `goods` or `service`.
    kind: Option<String>,
    /// Invoices: `1` keeps only the overdue ones.
    overdue: Option<String>,
    /// Stock levels: a warehouse's id.
    warehouse: Option<String>,
    /// Stock levels: `1` keeps the items under their reorder minimum.
    alert: Option<String>,
}

impl ExportQuery {
    fn format(&self) -> PageResult<Format> {
        let (format, excel) = match self.format.as_deref().unwrap_or("csv") {
            "csv" => ("csv", false),
            "excel" => ("csv", true),
            "xlsx" => ("xlsx", false),
            _ => return Err(PageError::BadRequest("format must be csv, excel or xlsx")),
        };
        Ok(Format::parse(Some(format), Some(excel))?)
    }

    fn search(&self) -> Option<String> {
        typed(self.q.clone())
    }
}

/// The rows `filter` selects from `listing`, as a download.
async fn download(
    ctx: &WebContext,
    organization_id: Uuid,
    listing: Listing,
    filter: Filter,
    format: Format,
) -> PageResult<Response> {
    let Export { stem, content } =
        service::export(&ctx.db, organization_id, listing, filter, format).await?;
    let (content_type, extension, body) = match content {
        Content::Csv(text) => ("text/csv; charset=utf-8", "csv", Body::from_stream(text)),
        Content::Xlsx(bytes) => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            Body::from(bytes),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{extension}\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn clients(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filters = ClientFilters {
        status: typed(query.status.clone()),
        kind: None,
        include_archived: None,
    };
    let filter = client_filter(organization_id, filters, query.search().as_deref())?;
    download(
        &ctx,
        organization_id,
        Listing::Clients,
        filter,
        query.format()?,
    )
    .await
}

async fn products(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    // A category the list ignores (not an id) is ignored here too.
    let category_id = typed(query.category.clone()).and_then(|c| Uuid::parse_str(&c).ok());
    let filters = ProductFilters {
        category_id,
        kind: typed(query.kind.clone()),
        active: None,
        barcode: None,
        include_archived: None,
    };
    let filter = product_filter(organization_id, filters, query.search().as_deref())?;
    download(
        &ctx,
        organization_id,
        Listing::Products,
        filter,
        query.format()?,
    )
    .await
}

async fn suppliers(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let status = query.status.as_deref().unwrap_or_default();
    let filters = SupplierFilters {
        active: (status == "inactive").then_some(false),
        include_archived: (status == "all").then_some(true),
    };
    let filter = supplier_filter(organization_id, filters, query.search().as_deref());
    let format = query.format()?;
    download(&ctx, organization_id, Listing::Suppliers, filter, format).await
}

/// Stock levels, by warehouse and alert as the list filters them (its
/// product search is the list's own: the export takes every product).
async fn levels(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filters = LevelFilters {
        product_id: None,
        variant_id: None,
        warehouse_id: typed(query.warehouse.clone()).and_then(|w| Uuid::parse_str(&w).ok()),
        location_id: None,
        below_min: Some(typed(query.alert.clone()).is_some()),
    };
    let filter = level_filter(organization_id, filters);
    download(
        &ctx,
        organization_id,
        Listing::Stock,
        filter,
        query.format()?,
    )
    .await
}

/// The export's format, the ledger's own filters beside it.
#[derive(Deserialize)]
struct LedgerExport {
    #[serde(flatten)]
    ledger: LedgerQuery,
    format: Option<String>,
}

/// Stock movements, as the ledger filters them.
async fn movements(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<LedgerExport>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let format = ExportQuery {
        format: query.format.clone(),
        ..Default::default()
    }
    .format()?;
    let search = query.ledger.list.search();
    let filter = movement_filter(organization_id, query.ledger.filters(), search)?;
    download(&ctx, organization_id, Listing::Movements, filter, format).await
}

/// Quotes, orders or invoices, as their list filters them.
async fn documents(
    ctx: &WebContext,
    actor: &Actor,
    kind: DocumentKind,
    query: ExportQuery,
) -> PageResult<Response> {
    let filters = DocumentFilters {
        client_id: None,
        status: typed(query.status.clone()),
    };
    let invoice_filters = InvoiceFilters {
        overdue: (kind == DocumentKind::Invoice && query.overdue.as_deref() == Some("1"))
            .then_some(true),
    };
    let filter = document_filter(
        actor,
        kind,
        filters,
        invoice_filters,
        query.search().as_deref(),
    )?;
    let format = query.format()?;
    download(
        ctx,
        actor.organization_id,
        Listing::Documents(kind),
        filter,
        format,
    )
    .await
}

async fn quotes(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    documents(&ctx, &viewer.actor, DocumentKind::Quote, query).await
}

async fn orders(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    documents(&ctx, &viewer.actor, DocumentKind::Order, query).await
}

async fn invoices(
    viewer: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    documents(&ctx, &viewer.actor, DocumentKind::Invoice, query).await
}
