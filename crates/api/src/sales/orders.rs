//! Orders (commandes): `/orders`, numbered `CMD-YYYY-NNNNN`. Confirming
//! checks the client's credit and reserves every goods line, all or
//! nothing; deliveries (`BL-YYYY-NNNNN`) consume the reservations; the
//! delivered quantities are invoiced.

use super::exact;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, OptionalJson, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{
    self as service, ConfirmRequest, DeliveryNote, DeliveryRequest, DocumentDetail,
    DocumentFilters, DocumentRequest, DocumentRow, OrderDetail, ReturnNote, ReturnRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order, update_order, delete_order))
        .routes(routes!(confirm_order))
        .routes(routes!(cancel_order))
        .routes(routes!(deliver_order))
        .routes(routes!(invoice_order))
        .routes(routes!(return_goods))
}

const KIND: DocumentKind = DocumentKind::Order;

/// Create a draft order, numbered `CMD-YYYY-NNNNN`; line prices default to
/// what the client pays.
#[utoipa::path(post, path = "/orders", tag = "sales", security(("bearer" = ["sales.write"])),
    request_body = DocumentRequest,
    responses((status = 201, body = DocumentDetail), (status = 422, body = ErrorBody)))]
async fn create_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let created = service::create_draft(&ctx.db, &auth.caller(), KIND, request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// List orders.
#[utoipa::path(get, path = "/orders", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, DocumentFilters), responses((status = 200, body = PageOf<DocumentRow>)))]
async fn list_orders(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
) -> ApiResult<axum::Json<PageOf<DocumentRow>>> {
    let page = params.page()?;
    let sort = params.sort::<SalesDocument>()?;
    let q = params.q.as_deref();
    let listing =
        service::list_documents(&ctx.db, &auth.caller(), KIND, filters, q, exact(sort, page))
            .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Get an order with its lines and deliveries.
#[utoipa::path(get, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody)))]
async fn get_order(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<OrderDetail>> {
    Ok(axum::Json(
        service::get_order(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Replace a draft order: the body is the whole order, lines included.
#[utoipa::path(put, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)), request_body = DocumentRequest,
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    let caller = auth.caller();
    Ok(axum::Json(
        service::replace_draft(&ctx.db, &caller, KIND, id, if_match.0, request).await?,
    ))
}

/// Confirm a draft order: the client's open receivables plus this order
/// must stay within its credit limit (409 `credit_limit_exceeded`, unless
/// a manager overrides), then every goods line is reserved, all or nothing
/// (409 `insufficient_stock` naming every short product). The body may be
/// left out.
#[utoipa::path(post, path = "/orders/{id}/confirm", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)), request_body = ConfirmRequest,
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn confirm_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    OptionalJson(request): OptionalJson<ConfirmRequest>,
) -> ApiResult<axum::Json<OrderDetail>> {
    Ok(axum::Json(
        service::confirm_order(&ctx.db, &auth.caller(), id, request).await?,
    ))
}

/// Cancel an order not delivered yet; its reservations are released.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<OrderDetail>> {
    Ok(axum::Json(
        service::cancel_order(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Deliver goods of a confirmed order, in part or in full: the lines'
/// reservations turn into issue movements (the rest stays reserved) and a
/// delivery note `BL-YYYY-NNNNN` records it. No body, or `"lines": "all"`,
/// delivers everything still to deliver. More than ordered → 422.
#[utoipa::path(post, path = "/orders/{id}/deliveries", tag = "sales", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = DeliveryRequest,
    responses((status = 201, body = DeliveryNote), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn deliver_order(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    OptionalJson(request): OptionalJson<DeliveryRequest>,
) -> ApiResult<(StatusCode, axum::Json<DeliveryNote>)> {
    let note = service::deliver_order(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(note)))
}

/// Invoice what has been delivered and not invoiced yet: a draft invoice
/// (no number until it is issued) billing those quantities at the order's
/// prices.
#[utoipa::path(post, path = "/orders/{id}/invoice", tag = "sales", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 201, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn invoice_order(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let invoice = service::invoice_order(&ctx.db, &auth.caller(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(invoice)))
}

/// Take delivered goods back. Restocked goods come back through a receipt
/// movement (to the returns location by default). What the client had
/// not been billed for yet is simply no longer invoiced; for what was
/// invoiced, a draft credit note is prepared per invoice. More than
/// delivered and not yet returned → 422.
#[utoipa::path(post, path = "/orders/{id}/returns", tag = "sales", security(("bearer" = ["returns.write"])),
    params(("id" = Uuid, Path)), request_body = ReturnRequest,
    responses((status = 201, body = ReturnNote), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_goods(
    auth: Authorized<require::ReturnsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<ReturnRequest>,
) -> ApiResult<(StatusCode, axum::Json<ReturnNote>)> {
    let note = service::return_goods(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(note)))
}

/// Delete a draft order; once it has left the draft state it is part of
/// the record and never deleted (409). An order converted from a quote is
/// cancelled instead (409).
#[utoipa::path(delete, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::delete_draft(&ctx.db, &auth.caller(), KIND, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
