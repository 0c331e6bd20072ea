//! The movement ledger and the levels it keeps: a movement is recorded
//! with its audit entry and its level change in one transaction, the level
//! rows locked last so they are held only until the commit.

use super::{LevelFilters, MovementFilters, check_item, level_filter, movement_filter};
use crate::audit::log;
use crate::records;
use crate::validate::{MAX_NAME, check_reference, optional, required_parsed};
use crate::{Actor, ServiceResult};
use comptoir_db::Db;
use comptoir_db::resource::{Listing, Page, Sort};
use comptoir_db::stock::{
    self as store, Item, Location, Movement, MovementNote, QuickWrite, StockLevel,
};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{MovementPlan, MovementType};
use serde::Deserialize;
use uuid::Uuid;

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

/// Records a movement and applies it to the levels. A well-formed issue
/// takes the one-statement path where the database allows it; taking more
/// than is available is [`crate::ServiceError::InsufficientStock`].
pub async fn record(db: &Db, actor: &Actor, request: MovementRequest) -> ServiceResult<Movement> {
    let organization_id = actor.organization_id;
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
        to_location_id = store::default_stock_location(db, organization_id).await?;
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
            actor: &actor.audit(),
            item,
            location_id,
            quantity: plan.quantity,
        };
        let quick = store::quick_issue(db, write, reason.as_deref(), reference.as_deref()).await?;
        if let Some(movement) = quick {
            return Ok(movement);
        }
    }
    let mut tx = db.begin().await?;
    if request.product_id.is_some() {
        check_item(&mut tx, organization_id, &mut errors, "", item).await?;
    }
    for (field, location) in [
        ("from_location_id", request.from_location_id),
        ("to_location_id", to_location_id),
    ] {
        check_reference::<Location>(&mut tx, &mut errors, organization_id, field, location).await?;
    }
    let plan = errors.finish(|| plan.expect("checked"))?;
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: reason.as_deref(),
        reference: reference.as_deref(),
        reservation_id: None,
        inventory_id: None,
    };
    let movement = store::prepare_movement(&mut tx, organization_id, item, &plan, &note).await?;
    log(
        &mut tx,
        actor,
        "create",
        "stock_movement",
        movement.id,
        None,
        Some(&movement),
    )
    .await?;
    // Last, so the level row is locked only until the commit that follows.
    store::apply_movement(&mut tx, organization_id, item, &plan).await?;
    tx.commit().await?;
    Ok(movement)
}

/// One page of the movements `filters` select, newest first unless
/// sorted otherwise.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: MovementFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Movement>> {
    let filter = movement_filter(actor.organization_id, filters, q)?;
    let sort = sort.or(Some(Sort {
        column: "created_at",
        descending: true,
    }));
    records::list(db, filter, sort, page).await
}

/// One page of the levels (per product, variant and location) `filters`
/// select, `q` searching the product's code and name.
pub async fn levels(
    db: &Db,
    actor: &Actor,
    filters: LevelFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<StockLevel>> {
    let filter = level_filter(actor.organization_id, filters, q);
    records::list(db, filter, sort, page).await
}
