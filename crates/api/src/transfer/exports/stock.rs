//! Exports of stock levels and movements, inventories and purchase
//! orders.

use super::{ExportParams, download};
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use axum::extract::State;
use axum::response::Response;
use comptoir_services::purchasing::{OrderFilters, order_filter};
use comptoir_services::stock::{
    InventoryFilters, LevelFilters, MovementFilters, inventory_filter, level_filter,
    movement_filter,
};
use comptoir_services::transfer::exports::Listing;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_levels))
        .routes(routes!(export_movements))
        .routes(routes!(export_inventories))
        .routes(routes!(export_purchase_orders))
}

/// Export stock levels (the list's filters apply; `q` searches the
/// product's code and name).
#[utoipa::path(get, path = "/stock/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, LevelFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_levels(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<LevelFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = level_filter(auth.organization_id, filters, params.q.as_deref());
    download(&ctx, auth.organization_id, Listing::Stock, filter, export).await
}

/// Export stock movements (the list's filters apply), oldest first.
#[utoipa::path(get, path = "/stock/movements/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, MovementFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_movements(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<MovementFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = movement_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Movements,
        filter,
        export,
    )
    .await
}

/// Export inventories (the list's filters apply).
#[utoipa::path(get, path = "/inventories/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, InventoryFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_inventories(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<InventoryFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = inventory_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Inventories,
        filter,
        export,
    )
    .await
}

/// Export purchase orders with their supplier and totals (the list's
/// filters apply).
#[utoipa::path(get, path = "/purchase-orders/export", tag = "purchasing", security(("bearer" = ["purchases.read", "data.export"])),
    params(ListParams, OrderFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_purchase_orders(
    auth: Authorized<require::PurchasesRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<OrderFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = order_filter(auth.organization_id, filters, params.q.as_deref())?;
    let listing = Listing::PurchaseOrders;
    download(&ctx, auth.organization_id, listing, filter, export).await
}
