//! Stock routes: warehouses, locations, levels, the movement ledger and
//! reservations. The rules of what a movement does are in
//! `comptoir_domain::stock`; the conditional level updates in
//! `comptoir_db::stock`.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::catalog::check_reference;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch, query_filter};
use crate::validate::{MAX_NAME, optional, parsed, required, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{
    self as store, Item, Location, LocationInput, Movement, MovementNote, QuickWrite, Reservation,
    ReservationRequest, StockLevel, Warehouse, WarehouseInput,
};
use comptoir_db::{Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::identifiers::Code;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{LocationKind, MovementPlan, MovementType, ReservationStatus};
use comptoir_services::stock::{LevelFilters, MovementFilters, level_filter, movement_filter};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_warehouses, create_warehouse))
        .routes(routes!(get_warehouse, update_warehouse))
        .routes(routes!(list_locations, create_location))
        .routes(routes!(get_location, update_location))
        .routes(routes!(list_movements, create_movement))
        .routes(routes!(list_levels))
        .routes(routes!(list_reservations, create_reservations))
        .routes(routes!(release_reservation))
        .routes(routes!(consume_reservation))
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

/// Checks that the item is a stocked product (or one of its variants) of
/// the organization and that every location given is one of its own.
pub(crate) async fn check_item(
    tx: &mut Tx,
    organization_id: Uuid,
    errors: &mut FieldErrors,
    field: &str,
    item: Item,
) -> ApiResult<()> {
    match resource::read_in::<Product>(tx, organization_id, item.product_id).await {
        Ok(product) if product.kind == ProductKind::Service => {
            errors.add(format!("{field}product_id"), "services have no stock")
        }
        Ok(_) => {}
        Err(comptoir_db::DbError::NotFound) => {
            errors.add(format!("{field}product_id"), "no such record")
        }
        Err(other) => return Err(other.into()),
    }
    if let Some(variant_id) = item.variant_id {
        match resource::read_in::<Variant>(tx, organization_id, variant_id).await {
            Ok(variant) if variant.product_id == item.product_id => {}
            Ok(_) => errors.add(
                format!("{field}variant_id"),
                "is not a variant of this product",
            ),
            Err(comptoir_db::DbError::NotFound) => {
                errors.add(format!("{field}variant_id"), "no such record")
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct MovementRequest {
    /// `receipt`, `issue`, `transfer` or `adjustment`.
    #[serde(rename = "type")]
    #[schema(required = true, nullable = false)]
    pub movement_type: Option<String>,
    #[schema(required = true, nullable = false)]
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Positive; an adjustment may be negative (from `from_location_id`).
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    pub from_location_id: Option<Uuid>,
    /// A receipt without one goes to the default warehouse's `STOCK`.
    pub to_location_id: Option<Uuid>,
    pub reason: Option<String>,
    /// A document number or any outside reference.
    pub reference: Option<String>,
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
    let mut errors = FieldErrors::new();
    let movement_type = required_parsed(
        &mut errors,
        "type",
        request.movement_type,
        MovementType::parse,
    );
    let quantity = required_parsed(&mut errors, "quantity", request.quantity, Quantity::parse);
    if request.product_id.is_none() {
        errors.add("product_id", "is required");
    }
    let reason = optional(&mut errors, "reason", request.reason, MAX_NAME);
    let reference = optional(&mut errors, "reference", request.reference, MAX_NAME);
    let mut to_location_id = request.to_location_id;
    if movement_type == Some(MovementType::Receipt) && to_location_id.is_none() {
        to_location_id = store::default_stock_location(&ctx.db, auth.organization_id).await?;
    }
    let plan = match (movement_type, quantity) {
        (Some(movement_type), Some(quantity)) => MovementPlan::new(
            movement_type,
            quantity,
            request.from_location_id,
            to_location_id,
        )
        .map_err(|shape| {
            for (field, message) in shape {
                errors.add(field, message);
            }
        })
        .ok(),
        _ => None,
    };
    let item = Item {
        product_id: request.product_id.unwrap_or_default(),
        variant_id: request.variant_id,
    };
    if let Some(plan) = plan.as_ref().filter(|_| errors.is_empty())
        && plan.movement_type == MovementType::Issue
        && let Some(location_id) = plan.from_location_id
    {
        let write = QuickWrite {
            actor: &auth.actor(),
            item,
            location_id,
            quantity: plan.quantity,
        };
        let quick =
            store::quick_issue(&ctx.db, write, reason.as_deref(), reference.as_deref()).await?;
        if let Some(movement) = quick {
            return Ok((StatusCode::CREATED, axum::Json(movement)));
        }
    }
    let mut tx = ctx.db.begin().await?;
    if request.product_id.is_some() {
        check_item(&mut tx, auth.organization_id, &mut errors, "", item).await?;
    }
    for (field, location) in [
        ("from_location_id", request.from_location_id),
        ("to_location_id", to_location_id),
    ] {
        check_reference::<Location>(&mut tx, &mut errors, auth.organization_id, field, location)
            .await?;
    }
    let plan = errors.finish(|| plan.expect("checked"))?;
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: reason.as_deref(),
        reference: reference.as_deref(),
        reservation_id: None,
        inventory_id: None,
    };
    let movement =
        store::prepare_movement(&mut tx, auth.organization_id, item, &plan, &note).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "stock_movement",
        movement.id,
        None,
        Some(&movement),
    )
    .await?;
    // Last, so the level row is locked only until the commit that follows.
    store::apply_movement(&mut tx, auth.organization_id, item, &plan).await?;
    tx.commit().await?;
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
    let filter = movement_filter(auth.organization_id, filters, params.q.as_deref())?;
    let sort = params.sort::<Movement>()?.or(Some(comptoir_db::Sort {
        column: "created_at",
        descending: true,
    }));
    let listing = resource::list(&ctx.db, filter, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Stock levels per product, variant and location.
#[utoipa::path(get, path = "/stock", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, LevelFilters), responses((status = 200, body = PageOf<StockLevel>)))]
async fn list_levels(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<LevelFilters>,
) -> ApiResult<axum::Json<PageOf<StockLevel>>> {
    let page = params.page()?;
    let filter = level_filter(auth.organization_id, filters);
    let listing = resource::list(&ctx.db, filter, params.sort::<StockLevel>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReservationLine {
    /// The document line holding the stock (an order line).
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub location_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReservationsRequest {
    /// What the lines belong to; default `order_line`.
    pub document_type: Option<String>,
    #[schema(required = true, nullable = false)]
    pub lines: Option<Vec<ReservationLine>>,
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
    let mut errors = FieldErrors::new();
    let document_type = optional(&mut errors, "document_type", request.document_type, 40)
        .unwrap_or_else(|| "order_line".to_owned());
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    if let [line] = lines.as_slice()
        && errors.is_empty()
        && let Some(reservation) = quick_reservation(&ctx, &auth, &document_type, line).await?
    {
        return Ok((StatusCode::CREATED, axum::Json(vec![reservation])));
    }
    let mut tx = ctx.db.begin().await?;
    let mut requests = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let quantity = required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        if quantity.is_some_and(|q| q <= Quantity::ZERO) {
            errors.add(format!("{prefix}quantity"), "must be positive");
        }
        for (field, value) in [
            ("line_id", line.line_id),
            ("product_id", line.product_id),
            ("location_id", line.location_id),
        ] {
            if value.is_none() {
                errors.add(format!("{prefix}{field}"), "is required");
            }
        }
        let item = Item {
            product_id: line.product_id.unwrap_or_default(),
            variant_id: line.variant_id,
        };
        if line.product_id.is_some() {
            check_item(&mut tx, auth.organization_id, &mut errors, &prefix, item).await?;
        }
        check_reference::<Location>(
            &mut tx,
            &mut errors,
            auth.organization_id,
            &format!("{prefix}location_id"),
            line.location_id,
        )
        .await?;
        if let (Some(line_id), Some(location_id), Some(quantity)) =
            (line.line_id, line.location_id, quantity)
        {
            requests.push(ReservationRequest {
                document_type: document_type.clone(),
                document_line_id: line_id,
                location_id,
                item,
                quantity,
            });
        }
    }
    errors.finish(|| ())?;
    let reservations = store::insert_reservations(&mut tx, auth.organization_id, &requests).await?;
    for reservation in &reservations {
        log(
            &mut tx,
            &auth,
            "create",
            "reservation",
            reservation.id,
            None,
            Some(reservation),
        )
        .await?;
    }
    // Last, so the level rows are locked only until the commit that follows.
    store::hold(&mut tx, &requests).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(reservations)))
}

/// A well-formed one-line reservation in one statement where the database
/// allows it; `None` when the full path has to run (and say what is wrong).
async fn quick_reservation(
    ctx: &ApiContext,
    auth: &Authorized<require::StockWrite>,
    document_type: &str,
    line: &ReservationLine,
) -> ApiResult<Option<Reservation>> {
    let quantity = line.quantity.as_deref().map(Quantity::parse);
    let (Some(line_id), Some(product_id), Some(location_id), Some(Ok(quantity))) =
        (line.line_id, line.product_id, line.location_id, quantity)
    else {
        return Ok(None);
    };
    if quantity <= Quantity::ZERO {
        return Ok(None);
    }
    let write = QuickWrite {
        actor: &auth.actor(),
        item: Item {
            product_id,
            variant_id: line.variant_id,
        },
        location_id,
        quantity,
    };
    Ok(store::quick_reservation(&ctx.db, write, document_type, line_id).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReservationFilters {
    pub product_id: Option<Uuid>,
    pub line_id: Option<Uuid>,
    /// `active`, `released` or `consumed`.
    #[param(value_type = Option<ReservationStatus>)]
    pub status: Option<String>,
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
    let filter = Filter::organization(auth.organization_id)
        .eq("product_id", filters.product_id)
        .eq("document_line_id", filters.line_id)
        .eq(
            "status",
            query_filter(
                "status",
                filters.status.as_deref(),
                ReservationStatus::parse,
            )?
            .map(ReservationStatus::as_str),
        );
    let listing = resource::list(&ctx.db, filter, params.sort::<Reservation>()?, page).await?;
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
    let mut tx = ctx.db.begin().await?;
    let released = store::release(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "release",
        "reservation",
        id,
        None,
        Some(&released),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(released))
}

/// The reservation, delivered, and the issue movement that took the goods.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Consumed {
    pub reservation: Reservation,
    pub movement: Movement,
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
    let mut tx = ctx.db.begin().await?;
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: Some("delivery"),
        reference: None,
        reservation_id: None,
        inventory_id: None,
    };
    let (reservation, movement) = store::consume(&mut tx, auth.organization_id, id, &note).await?;
    log(
        &mut tx,
        &auth,
        "consume",
        "reservation",
        id,
        None,
        Some(&reservation),
    )
    .await?;
    log(
        &mut tx,
        &auth,
        "create",
        "stock_movement",
        movement.id,
        None,
        Some(&movement),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(Consumed {
        reservation,
        movement,
    }))
}
