//! Warehouses (each created with its `STOCK` location, one the default)
//! and the location trees inside them.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch, query_filter};
use crate::validate::{MAX_NAME, optional, parsed, required, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{self as store, Location, LocationInput, Warehouse, WarehouseInput};
use comptoir_db::{Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::Code;
use comptoir_domain::stock::LocationKind;
use comptoir_services::validate::check_reference;
use serde::{Deserialize, Serialize};
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct WarehouseRequest {
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub address: Option<String>,
    pub active: Option<bool>,
    /// `true` makes it the organization's default warehouse (the first
    /// one created is); the default is moved, never removed.
    pub is_default: Option<bool>,
}

impl WarehouseRequest {
    /// The warehouse's fields, and whether it is to be the default.
    fn validate(self) -> Result<(WarehouseInput, Option<bool>), FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let address = optional(&mut errors, "address", self.address, 1000);
        errors.finish(|| {
            (
                WarehouseInput {
                    code: code.expect("checked").into_inner(),
                    name: name.unwrap_or_default(),
                    address,
                    active: self.active.unwrap_or(true),
                },
                self.is_default,
            )
        })
    }
}

/// A new warehouse and the default internal location it comes with.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedWarehouse {
    #[serde(flatten)]
    pub warehouse: Warehouse,
    pub default_location_id: Uuid,
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
    let filter = Filter::organization(auth.organization_id)
        .search(Warehouse::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Warehouse>()?, page).await?;
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
    let (input, is_default) = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    let (mut warehouse, location) =
        store::insert_warehouse(&mut tx, auth.organization_id, &input).await?;
    if is_default == Some(true) && !warehouse.is_default {
        warehouse =
            store::make_default_warehouse(&mut tx, auth.organization_id, warehouse.id).await?;
    }
    log(
        &mut tx,
        &auth,
        "create",
        "warehouse",
        warehouse.id,
        None,
        Some(&warehouse),
    )
    .await?;
    log(
        &mut tx,
        &auth,
        "create",
        "location",
        location.id,
        None,
        Some(&location),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedWarehouse {
            warehouse,
            default_location_id: location.id,
        }),
    ))
}

/// Get a warehouse.
#[utoipa::path(get, path = "/warehouses/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Warehouse), (status = 404, body = ErrorBody)))]
async fn get_warehouse(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Warehouse>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: Warehouse = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let (input, is_default) = merge_patch::<_, WarehouseRequest>(&current, patch)?.validate()?;
    if current.is_default && is_default == Some(false) {
        return Err(ApiError::field(
            "is_default",
            "the default warehouse changes by making another warehouse the default",
        ));
    }
    let mut updated =
        store::update_warehouse(&mut tx, auth.organization_id, id, current.version, &input).await?;
    if is_default == Some(true) && !current.is_default {
        updated = store::make_default_warehouse(&mut tx, auth.organization_id, id).await?;
    }
    log(
        &mut tx,
        &auth,
        "update",
        "warehouse",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LocationRequest {
    #[schema(required = true, nullable = false)]
    pub warehouse_id: Option<Uuid>,
    /// A location of the same warehouse this one sits in.
    pub parent_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// `internal`, `receiving`, `shipping`, `returns` or `scrap`.
    pub kind: Option<String>,
    pub active: Option<bool>,
}

impl LocationRequest {
    fn validate(self) -> Result<LocationInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.warehouse_id.is_none() {
            errors.add("warehouse_id", "is required");
        }
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let kind = parsed(&mut errors, "kind", self.kind, LocationKind::parse)
            .unwrap_or(LocationKind::Internal);
        errors.finish(|| LocationInput {
            warehouse_id: self.warehouse_id.expect("checked"),
            parent_id: self.parent_id,
            code: code.expect("checked").into_inner(),
            name: name.unwrap_or_default(),
            kind,
            active: self.active.unwrap_or(true),
        })
    }
}

/// Refuses a warehouse or parent that is not the organization's, a parent
/// in another warehouse, and a move under the location's own descendants.
async fn check_location(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Option<Uuid>,
    input: &LocationInput,
) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Warehouse>(
        tx,
        &mut errors,
        organization_id,
        "warehouse_id",
        Some(input.warehouse_id),
    )
    .await?;
    if let Some(parent_id) = input.parent_id {
        match resource::get_in::<Location>(tx, organization_id, parent_id).await {
            Ok(parent) if parent.warehouse_id != input.warehouse_id => {
                errors.add("parent_id", "must be a location of the same warehouse")
            }
            Ok(_) => {
                let ancestors = store::location_ancestors(tx, organization_id, parent_id).await?;
                if id.is_some_and(|id| id == parent_id || ancestors.contains(&id)) {
                    errors.add(
                        "parent_id",
                        "a location cannot be moved under itself or its descendants",
                    );
                }
            }
            Err(comptoir_db::DbError::NotFound) => errors.add("parent_id", "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    errors.finish(|| ()).map_err(ApiError::from)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocationFilters {
    pub warehouse_id: Option<Uuid>,
    pub parent_id: Option<Uuid>,
    /// `internal`, `receiving`, `shipping`, `returns` or `scrap`.
    #[param(value_type = Option<LocationKind>)]
    pub kind: Option<String>,
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
    let kind = query_filter("kind", filters.kind.as_deref(), LocationKind::parse)?;
    let filter = Filter::organization(auth.organization_id)
        .eq("warehouse_id", filters.warehouse_id)
        .eq("parent_id", filters.parent_id)
        .eq("kind", kind.map(LocationKind::as_str))
        .search(Location::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Location>()?, page).await?;
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
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    check_location(&mut tx, auth.organization_id, None, &input).await?;
    let location = store::insert_location(&mut tx, auth.organization_id, &input).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "location",
        location.id,
        None,
        Some(&location),
    )
    .await?;
    tx.commit().await?;
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
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: Location = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, LocationRequest>(&current, patch)?.validate()?;
    if input.warehouse_id != current.warehouse_id {
        return Err(ApiError::field(
            "warehouse_id",
            "a location cannot change warehouse; create one in the other warehouse",
        ));
    }
    check_location(&mut tx, auth.organization_id, Some(id), &input).await?;
    let updated =
        store::update_location(&mut tx, auth.organization_id, id, current.version, &input).await?;
    log(
        &mut tx,
        &auth,
        "update",
        "location",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}
