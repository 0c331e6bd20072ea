//! The movement ledger (recording a movement, listing it) and the levels
//! it keeps; `check_item`, the item check movements, reservations,
//! receipts, inventories and reorder rules share.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, ListParams, PageOf, Query};
use crate::validate::{MAX_NAME, optional, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::Tx;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::resource;
use comptoir_db::stock::{
    self as store, Item, Location, Movement, MovementNote, QuickWrite, StockLevel,
};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{MovementPlan, MovementType};
use comptoir_services::stock::{LevelFilters, MovementFilters, level_filter, movement_filter};
use comptoir_services::validate::check_reference;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_movements, create_movement))
        .routes(routes!(list_levels))
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
