//! The movement ledger (recording a movement, listing it) and the levels
//! it keeps.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::stock::{Movement, StockLevel};
use comptoir_services::stock::movements;
use comptoir_services::stock::{LevelFilters, MovementFilters, MovementRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_movements, create_movement))
        .routes(routes!(list_levels))
}

/// Record a stock movement. Taking more than is available answers 409
/// `insufficient_stock`, with the requested and available quantities.
#[utoipa::path(post, path = "/stock/movements", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = MovementRequest,
    responses((status = 201, body = Movement), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_movement(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<MovementRequest>,
) -> ApiResult<(StatusCode, axum::Json<Movement>)> {
    let movement = movements::record(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(movement)))
}

/// The movement ledger, newest first unless sorted otherwise.
#[utoipa::path(get, path = "/stock/movements", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, MovementFilters), responses((status = 200, body = PageOf<Movement>)))]
async fn list_movements(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<MovementFilters>,
) -> ApiResult<axum::Json<PageOf<Movement>>> {
    let page = params.page()?;
    let sort = params.sort::<Movement>()?;
    let listing = movements::list(
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

/// Stock levels per product, variant and location; `q` searches the
/// product's code and name.
#[utoipa::path(get, path = "/stock", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, LevelFilters), responses((status = 200, body = PageOf<StockLevel>)))]
async fn list_levels(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<LevelFilters>,
) -> ApiResult<axum::Json<PageOf<StockLevel>>> {
    let page = params.page()?;
    let sort = params.sort::<StockLevel>()?;
    let listing = movements::levels(
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
