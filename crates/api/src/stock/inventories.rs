//! Physical inventories: `/inventories`, counts, close and cancel.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::inventories::Inventory;
use comptoir_services::stock::inventories;
use comptoir_services::stock::{
    CountRequest, InventoryDetail, InventoryFilters, OpenInventoryRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_inventories, open_inventory))
        .routes(routes!(get_inventory))
        .routes(routes!(record_counts))
        .routes(routes!(close_inventory))
        .routes(routes!(cancel_inventory))
}

/// Open an inventory. Until it is closed or cancelled, movements of the
/// products in its scope are refused (409 naming the inventory).
#[utoipa::path(post, path = "/inventories", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = OpenInventoryRequest,
    responses((status = 201, body = InventoryDetail), (status = 422, body = ErrorBody)))]
async fn open_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<OpenInventoryRequest>,
) -> ApiResult<(StatusCode, axum::Json<InventoryDetail>)> {
    let opened = inventories::open(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(opened)))
}

/// List inventories.
#[utoipa::path(get, path = "/inventories", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, InventoryFilters), responses((status = 200, body = PageOf<Inventory>)))]
async fn list_inventories(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<InventoryFilters>,
) -> ApiResult<axum::Json<PageOf<Inventory>>> {
    let page = params.page()?;
    let sort = params.sort::<Inventory>()?;
    let listing = inventories::list(
        &ctx.db,
        &auth.caller(),
        filters,
        params.q.as_deref(),
        sort,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// An inventory with expected, counted and difference per line.
#[utoipa::path(get, path = "/inventories/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody)))]
async fn get_inventory(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let inventory = inventories::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(inventory))
}

/// Record a round of counts; a line counted again keeps the last count
/// and who made it.
#[utoipa::path(post, path = "/inventories/{id}/counts", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = Vec<CountRequest>,
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_counts(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(counts): Json<Vec<CountRequest>>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let counted = inventories::record_counts(&ctx.db, &auth.caller(), id, counts).await?;
    Ok(axum::Json(counted))
}

/// Close an inventory: one adjustment movement per counted difference,
/// all in one transaction; the stock moves again.
#[utoipa::path(post, path = "/inventories/{id}/close", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn close_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let closed = inventories::close(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(closed))
}

/// Cancel an inventory without adjusting the stock.
#[utoipa::path(post, path = "/inventories/{id}/cancel", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InventoryDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_inventory(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InventoryDetail>> {
    let cancelled = inventories::cancel(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(cancelled))
}
