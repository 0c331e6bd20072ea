//! Purchase orders and their receipts: `/purchase-orders`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::purchasing::PurchaseOrder;
use comptoir_services::purchasing::{
    self as service, OrderFilters, PurchaseOrderDetail, PurchaseOrderRequest, Receipt,
    ReceiptRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order, update_order))
        .routes(routes!(send_order))
        .routes(routes!(cancel_order))
        .routes(routes!(receive))
}

/// Create a draft purchase order, numbered `ACH-YYYY-NNNNN`.
#[utoipa::path(post, path = "/purchase-orders", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    request_body = PurchaseOrderRequest,
    responses((status = 201, body = PurchaseOrderDetail), (status = 422, body = ErrorBody)))]
async fn create_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<PurchaseOrderRequest>,
) -> ApiResult<(StatusCode, axum::Json<PurchaseOrderDetail>)> {
    let order = service::create_order(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(order)))
}

/// List purchase orders.
#[utoipa::path(get, path = "/purchase-orders", tag = "purchasing", security(("bearer" = ["purchases.read"])),
    params(ListParams, OrderFilters), responses((status = 200, body = PageOf<PurchaseOrder>)))]
async fn list_orders(
    auth: Authorized<require::PurchasesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<OrderFilters>,
) -> ApiResult<axum::Json<PageOf<PurchaseOrder>>> {
    let page = params.page()?;
    let sort = params.sort::<PurchaseOrder>()?;
    let listing = service::list_orders(
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

/// Get a purchase order with its lines.
#[utoipa::path(get, path = "/purchase-orders/{id}", tag = "purchasing", security(("bearer" = ["purchases.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody)))]
async fn get_order(
    auth: Authorized<require::PurchasesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        service::get_order(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Replace a draft order: the body is the whole order, lines included.
#[utoipa::path(put, path = "/purchase-orders/{id}", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)), request_body = PurchaseOrderRequest,
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<PurchaseOrderRequest>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        service::update_order(&ctx.db, &auth.caller(), id, if_match.0, request).await?,
    ))
}

/// Send a draft order to its supplier.
#[utoipa::path(post, path = "/purchase-orders/{id}/send", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn send_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        service::send_order(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Cancel an order that has received nothing yet.
#[utoipa::path(post, path = "/purchase-orders/{id}/cancel", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        service::cancel_order(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Receive goods of a sent order, in part or in full: one receipt
/// movement per line, and the products' average costs follow. Receiving
/// more than ordered is refused (422).
#[utoipa::path(post, path = "/purchase-orders/{id}/receipts", tag = "purchasing", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = ReceiptRequest,
    responses((status = 201, body = Receipt), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<ReceiptRequest>,
) -> ApiResult<(StatusCode, axum::Json<Receipt>)> {
    let receipt = service::receive(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt)))
}
