//! Exports of price lists, reorder rules, warehouses, locations and
//! users.

use super::{ExportParams, download};
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use axum::extract::State;
use axum::response::Response;
use comptoir_services::catalog::price_lists::{PriceListFilters, price_list_filter};
use comptoir_services::purchasing::{RuleFilters, rule_filter};
use comptoir_services::stock::LocationFilters;
use comptoir_services::stock::places::{location_filter, warehouse_filter};
use comptoir_services::transfer::exports::Listing;
use comptoir_services::users::user_filter;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_price_lists))
        .routes(routes!(export_reorder_rules))
        .routes(routes!(export_warehouses))
        .routes(routes!(export_locations))
        .routes(routes!(export_users))
}

/// Export price lists (the list's filters apply).
#[utoipa::path(get, path = "/price-lists/export", tag = "catalog", security(("bearer" = ["catalog.read", "data.export"])),
    params(ListParams, PriceListFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_price_lists(
    auth: Authorized<require::CatalogRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<PriceListFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = price_list_filter(auth.organization_id, filters, params.q.as_deref());
    download(
        &ctx,
        auth.organization_id,
        Listing::PriceLists,
        filter,
        export,
    )
    .await
}

/// Export reorder rules, the product, warehouse and supplier by code
/// (the list's filters apply).
#[utoipa::path(get, path = "/reorder-rules/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, RuleFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_reorder_rules(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(filters): Query<RuleFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = rule_filter(auth.organization_id, filters);
    let listing = Listing::ReorderRules;
    download(&ctx, auth.organization_id, listing, filter, export).await
}

/// Export warehouses (the list's search applies).
#[utoipa::path(get, path = "/warehouses/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_warehouses(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = warehouse_filter(auth.organization_id, params.q.as_deref());
    download(
        &ctx,
        auth.organization_id,
        Listing::Warehouses,
        filter,
        export,
    )
    .await
}

/// Export locations, the warehouse and parent by code (the list's
/// filters apply).
#[utoipa::path(get, path = "/locations/export", tag = "stock", security(("bearer" = ["stock.read", "data.export"])),
    params(ListParams, LocationFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_locations(
    auth: Authorized<require::StockRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<LocationFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = location_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Locations,
        filter,
        export,
    )
    .await
}

/// Export the organization's users, without their passwords (the list's
/// search applies).
#[utoipa::path(get, path = "/users/export", tag = "users", security(("bearer" = ["users.manage", "data.export"])),
    params(ListParams, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_users(
    auth: Authorized<require::UsersManage>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = user_filter(auth.organization_id, params.q.as_deref());
    download(&ctx, auth.organization_id, Listing::Users, filter, export).await
}
