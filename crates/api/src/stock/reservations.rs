//! Reservations: stock held for document lines, released, or consumed by
//! a delivery into an issue movement.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::stock::Reservation;
use comptoir_services::stock::reservations;
use comptoir_services::stock::{Consumed, ReservationFilters, ReservationsRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_reservations, create_reservations))
        .routes(routes!(release_reservation))
        .routes(routes!(consume_reservation))
}

/// Reserve stock for document lines: all lines or none. A shortage answers
/// 409 `insufficient_stock` listing every short line.
#[utoipa::path(post, path = "/stock/reservations", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = ReservationsRequest,
    responses((status = 201, body = Vec<Reservation>), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_reservations(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ReservationsRequest>,
) -> ApiResult<(StatusCode, axum::Json<Vec<Reservation>>)> {
    let reserved = reservations::reserve(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(reserved)))
}

/// List reservations.
#[utoipa::path(get, path = "/stock/reservations", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, ReservationFilters), responses((status = 200, body = PageOf<Reservation>)))]
async fn list_reservations(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ReservationFilters>,
) -> ApiResult<axum::Json<PageOf<Reservation>>> {
    let page = params.page()?;
    let sort = params.sort::<Reservation>()?;
    let listing = reservations::list(&ctx.db, &auth.caller(), filters, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Release a reservation: the stock becomes available again.
#[utoipa::path(post, path = "/stock/reservations/{id}/release", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn release_reservation(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Reservation>> {
    let released = reservations::release(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(released))
}

/// Deliver reserved stock: the reservation turns into an issue movement.
#[utoipa::path(post, path = "/stock/reservations/{id}/consume", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Consumed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn consume_reservation(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Consumed>> {
    let consumed = reservations::consume(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(consumed))
}
