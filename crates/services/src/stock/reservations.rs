//! Reservations: stock held for document lines (all lines or none),
//! released back to the available stock, or consumed by a delivery into an
//! issue movement; each change is logged in its transaction.

use super::check_item;
use crate::audit::log;
use crate::records;
use crate::validate::{check_reference, optional, query_filter, required_parsed};
use crate::{Actor, ServiceResult};
use comptoir_db::resource::{Listing, Page, Sort};
use comptoir_db::stock::{
    self as store, Item, Location, Movement, MovementNote, QuickWrite, Reservation,
    ReservationRequest,
};
use comptoir_db::{Db, Filter};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::ReservationStatus;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

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

/// Reserves stock for document lines: all lines or none. A shortage is
/// [`crate::ServiceError::InsufficientStock`] listing every short line.
pub async fn reserve(
    db: &Db,
    actor: &Actor,
    request: ReservationsRequest,
) -> ServiceResult<Vec<Reservation>> {
    let organization_id = actor.organization_id;
    let mut errors = FieldErrors::new();
    let document_type = optional(&mut errors, "document_type", request.document_type, 40)
        .unwrap_or_else(|| "order_line".to_owned());
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    if let [line] = lines.as_slice()
        && errors.is_empty()
        && let Some(reservation) = quick_reservation(db, actor, &document_type, line).await?
    {
        return Ok(vec![reservation]);
    }
    let mut tx = db.begin().await?;
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
            check_item(&mut tx, organization_id, &mut errors, &prefix, item).await?;
        }
        check_reference::<Location>(
            &mut tx,
            &mut errors,
            organization_id,
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
    let reservations = store::insert_reservations(&mut tx, organization_id, &requests).await?;
    for reservation in &reservations {
        log(
            &mut tx,
            actor,
            "create",
            "reservation",
            reservation.id,
            None,
            Some(reservation),
        )
        .await?;
    }
    // Last, so the level rows are locked only until the commit that follows.
    store::hold(&mut tx, organization_id, &requests).await?;
    tx.commit().await?;
    Ok(reservations)
}

/// A well-formed one-line reservation in one statement where the database
/// allows it; `None` when the full path has to run (and say what is wrong).
async fn quick_reservation(
    db: &Db,
    actor: &Actor,
    document_type: &str,
    line: &ReservationLine,
) -> ServiceResult<Option<Reservation>> {
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
        actor: &actor.audit(),
        item: Item {
            product_id,
            variant_id: line.variant_id,
        },
        location_id,
        quantity,
    };
    Ok(store::quick_reservation(db, write, document_type, line_id).await?)
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

/// One page of the reservations `filters` select.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: ReservationFilters,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Reservation>> {
    let status = query_filter(
        "status",
        filters.status.as_deref(),
        ReservationStatus::parse,
    )?;
    let filter = Filter::organization(actor.organization_id)
        .eq("product_id", filters.product_id)
        .eq("document_line_id", filters.line_id)
        .eq("status", status.map(ReservationStatus::as_str));
    records::list(db, filter, sort, page).await
}

/// Releases a reservation: the stock becomes available again.
pub async fn release(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Reservation> {
    let mut tx = db.begin().await?;
    let released = store::release(&mut tx, actor.organization_id, id).await?;
    log(
        &mut tx,
        actor,
        "release",
        "reservation",
        id,
        None,
        Some(&released),
    )
    .await?;
    tx.commit().await?;
    Ok(released)
}

/// The reservation, delivered, and the issue movement that took the goods.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Consumed {
    pub reservation: Reservation,
    pub movement: Movement,
}

/// Delivers reserved stock: the reservation turns into an issue movement.
pub async fn consume(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Consumed> {
    let mut tx = db.begin().await?;
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: Some("delivery"),
        reference: None,
        reservation_id: None,
        inventory_id: None,
    };
    let (reservation, movement) = store::consume(&mut tx, actor.organization_id, id, &note).await?;
    log(
        &mut tx,
        actor,
        "consume",
        "reservation",
        id,
        None,
        Some(&reservation),
    )
    .await?;
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
    tx.commit().await?;
    Ok(Consumed {
        reservation,
        movement,
    })
}
