//! Warehouses (each created with its `STOCK` location, one the default)
//! and the location trees inside them.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::stock::{Location, Warehouse};
use comptoir_services::records;
use comptoir_services::stock::places;
use comptoir_services::stock::{
    CreatedWarehouse, LocationFilters, LocationRequest, WarehouseRequest,
};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_warehouses, create_warehouse))
        .routes(routes!(get_warehouse, update_warehouse))
        .routes(routes!(list_locations, create_location))
        .routes(routes!(get_location, update_location))
}

/// List warehouses.
#[utoipa::path(get, path = "/warehouses", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams), responses((status = 200, body = PageOf<Warehouse>)))]
async fn list_warehouses(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<Warehouse>>> {
    let page = params.page()?;
    let sort = params.sort::<Warehouse>()?;
    let listing =
        places::list_warehouses(&ctx.db, &auth.caller(), params.q.as_deref(), sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a warehouse, with its default internal location `STOCK`.
#[utoipa::path(post, path = "/warehouses", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = WarehouseRequest,
    responses((status = 201, body = CreatedWarehouse), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_warehouse(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<WarehouseRequest>,
) -> ApiResult<(StatusCode, axum::Json<CreatedWarehouse>)> {
    let created = places::create_warehouse(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Get a warehouse.
#[utoipa::path(get, path = "/warehouses/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Warehouse), (status = 404, body = ErrorBody)))]
async fn get_warehouse(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Warehouse>> {
    let warehouse: Warehouse = records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(warehouse))
}

/// Change a warehouse (JSON merge patch); `active: false` archives it,
/// `is_default: true` makes it the organization's default warehouse.
#[utoipa::path(patch, path = "/warehouses/{id}", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = WarehouseRequest,
    responses((status = 200, body = Warehouse), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_warehouse(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Warehouse>> {
    let updated = places::update_warehouse(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// List locations.
#[utoipa::path(get, path = "/locations", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, LocationFilters), responses((status = 200, body = PageOf<Location>)))]
async fn list_locations(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<LocationFilters>,
) -> ApiResult<axum::Json<PageOf<Location>>> {
    let page = params.page()?;
    let sort = params.sort::<Location>()?;
    let listing = places::list_locations(
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

/// Create a location inside a warehouse.
#[utoipa::path(post, path = "/locations", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = LocationRequest,
    responses((status = 201, body = Location), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_location(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<LocationRequest>,
) -> ApiResult<(StatusCode, axum::Json<Location>)> {
    let location = places::create_location(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(location)))
}

/// Get a location.
#[utoipa::path(get, path = "/locations/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Location), (status = 404, body = ErrorBody)))]
async fn get_location(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Location>> {
    let location: Location = records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(location))
}

/// Change a location (JSON merge patch). It stays in its warehouse.
#[utoipa::path(patch, path = "/locations/{id}", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = LocationRequest,
    responses((status = 200, body = Location), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_location(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Location>> {
    let updated = places::update_location(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}
