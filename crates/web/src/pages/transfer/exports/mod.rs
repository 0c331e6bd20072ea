//! Exports of the lists: `{list}/export?format=csv|excel|xlsx` with the
//! list's own search and filters, as its page reads them, answers the
//! export service's file. Authorized as the API's export routes: the
//! list's own permission and `data.export`. A new list gets its export
//! with a handler here that builds its filter with its service's
//! `*_filter` function from the list page's query (its `filters()`), one
//! route, and the `export_menu` macro in its template. `setup`: price
//! lists, reorder rules, warehouses, locations and users.

mod setup;

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::purchasing::orders::OrderListQuery;
use crate::pages::sales::PeriodListQuery;
use crate::pages::sales::payments::PaymentListQuery;
use crate::pages::settings::audit::LogQuery;
use crate::pages::stock::inventories::InventoryQuery;
use crate::pages::stock::movements::LedgerQuery;
use crate::pages::typed;
use crate::session::Allowed;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::Filter;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::audit::audit_filter;
use comptoir_services::catalog::{ProductFilters, product_filter};
use comptoir_services::parties::{ClientFilters, SupplierFilters, client_filter, supplier_filter};
use comptoir_services::purchasing::order_filter;
use comptoir_services::sales::{
    DocumentFilters, InvoiceFilters, delivery_filter, document_filter, payment_filter,
    return_filter,
};
use comptoir_services::stock::{LevelFilters, inventory_filter, level_filter, movement_filter};
use comptoir_services::transfer::exports::{self as service, Format, Listing};
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
        .route("/credit-notes/export", get(credit_notes))
        .route("/suppliers/export", get(suppliers))
        .route("/stock/export", get(levels))
        .route("/stock/movements/export", get(movements))
        .route("/purchase-orders/export", get(purchase_orders))
        .route("/deliveries/export", get(deliveries))
        .route("/payments/export", get(payments))
        .route("/returns/export", get(returns))
        .route("/inventories/export", get(inventories))
        .route("/settings/audit/export", get(audit))
        .merge(setup::router())
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
    /// Stock levels and locations: a warehouse's id.
    warehouse: Option<String>,
    /// Stock levels: `1` keeps the items under their reorder minimum.
    alert: Option<String>,
}

impl ExportQuery {
    fn search(&self) -> Option<String> {
        typed(self.q.clone())
    }

    /// The warehouse chosen; one that is no id is ignored, as the lists do.
    fn warehouse_id(&self) -> Option<Uuid> {
        typed(self.warehouse.clone()).and_then(|w| Uuid::parse_str(&w).ok())
    }
}

/// A list page's own query (search, filters, sort and page, which the
/// export ignores) and the export's format.
#[derive(Deserialize)]
struct Formatted<Q> {
    #[serde(flatten)]
    list: Q,
    format: Option<String>,
}

/// `csv` (the default), `excel` (CSV as French Excel reads it) or `xlsx`.
fn format(text: Option<&str>) -> PageResult<Format> {
    let (format, excel) = match text.unwrap_or("csv") {
        "csv" => ("csv", false),
        "excel" => ("csv", true),
        "xlsx" => ("xlsx", false),
        _ => return Err(PageError::BadRequest("format must be csv, excel or xlsx")),
    };
    Ok(Format::parse(Some(format), Some(excel))?)
}

/// The rows `filter` selects from `listing`, as a download in `format`.
async fn download(
    ctx: &WebContext,
    organization_id: Uuid,
    listing: Listing,
    filter: Filter,
    format: Option<&str>,
) -> PageResult<Response> {
    let format = self::format(format)?;
    let file = service::export(&ctx.db, organization_id, listing, filter, format).await?;
    Ok((file.headers(), Body::from_stream(file.into_bytes())).into_response())
}

async fn clients(
    viewer: Allowed<require::ClientsRead>,
    _export: Allowed<require::DataExport>,
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
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Clients, filter, format).await
}

async fn products(
    viewer: Allowed<require::CatalogRead>,
    _export: Allowed<require::DataExport>,
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
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Products, filter, format).await
}

async fn suppliers(
    viewer: Allowed<require::SuppliersRead>,
    _export: Allowed<require::DataExport>,
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
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Suppliers, filter, format).await
}

/// Stock levels, by product search, warehouse and alert as the list
/// filters them.
async fn levels(
    viewer: Allowed<require::StockRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filters = LevelFilters {
        product_id: None,
        variant_id: None,
        warehouse_id: query.warehouse_id(),
        location_id: None,
        below_min: Some(typed(query.alert.clone()).is_some()),
    };
    let filter = level_filter(organization_id, filters, query.search().as_deref());
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Stock, filter, format).await
}

/// Stock movements, as the ledger filters them.
async fn movements(
    viewer: Allowed<require::StockRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<LedgerQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = movement_filter(organization_id, query.list.filters(), search)?;
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Movements, filter, format).await
}

/// The export of one kind of sales document, authorized as its list.
macro_rules! documents_export {
    ($name:ident, $read:ty, $kind:expr) => {
        async fn $name(
            viewer: Allowed<$read>,
            _export: Allowed<require::DataExport>,
            State(ctx): State<WebContext>,
            Query(query): Query<ExportQuery>,
        ) -> PageResult<Response> {
            documents(&ctx, &viewer.actor, $kind, query).await
        }
    };
}

documents_export!(quotes, require::SalesRead, DocumentKind::Quote);
documents_export!(orders, require::SalesRead, DocumentKind::Order);
documents_export!(invoices, require::InvoicesRead, DocumentKind::Invoice);
documents_export!(
    credit_notes,
    require::InvoicesRead,
    DocumentKind::CreditNote
);

/// Quotes, orders, invoices or credit notes, as their list filters them.
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
    let q = query.search();
    let filter = document_filter(actor, kind, filters, invoice_filters, q.as_deref())?;
    let format = query.format.as_deref();
    download(
        ctx,
        actor.organization_id,
        Listing::Documents(kind),
        filter,
        format,
    )
    .await
}

/// Purchase orders, as their list filters them.
async fn purchase_orders(
    viewer: Allowed<require::PurchasesRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<OrderListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = order_filter(organization_id, query.list.filters(), search)?;
    let format = query.format.as_deref();
    download(
        &ctx,
        organization_id,
        Listing::PurchaseOrders,
        filter,
        format,
    )
    .await
}

/// Delivery notes, as their list filters them.
async fn deliveries(
    viewer: Allowed<require::SalesRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<PeriodListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = delivery_filter(organization_id, query.list.deliveries(), search);
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Deliveries, filter, format).await
}

/// Returns, as their list filters them.
async fn returns(
    viewer: Allowed<require::SalesRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<PeriodListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = return_filter(&viewer.actor, query.list.returns(), search);
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Returns, filter, format).await
}

/// Payments and refunds, as their list filters them.
async fn payments(
    viewer: Allowed<require::InvoicesRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<PaymentListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = payment_filter(organization_id, query.list.filters(), search)?;
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Payments, filter, format).await
}

/// Inventories, as their list filters them.
async fn inventories(
    viewer: Allowed<require::StockRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<InventoryQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = inventory_filter(organization_id, query.list.filters(), search)?;
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Inventories, filter, format).await
}

/// The audit log, as the log's page filters it.
async fn audit(
    viewer: Allowed<require::AuditRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<LogQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filter = audit_filter(organization_id, query.list.filters())?;
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Audit, filter, format).await
}
