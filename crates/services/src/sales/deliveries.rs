//! Delivery notes (bons de livraison), numbered `BL-YYYY-NNNNN`: the goods
//! of a confirmed order leave the stock, consuming its reservations.

use super::events::event;
use super::orders::{OrderDetail, order_detail};
use super::{load, next_order};
use crate::audit::log;
use crate::validate::required_parsed;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{Datelike, NaiveDate};
use comptoir_db::sales::{self as store, Delivery, DeliveryLine};
use comptoir_db::stock::{self as stock_store, MovementNote};
use comptoir_db::{Db, numbering};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbering::Series;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::sales::{DocumentKind, OrderAction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Order;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeliveryLineRequest {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Default: where the line is reserved; goods leave from there.
    pub location_id: Option<Uuid>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct DeliveryRequest {
    /// The lines and quantities to deliver, or `"all"` (the default, also
    /// with no body at all): everything still to deliver.
    pub lines: Option<DeliveryLines>,
    /// Default today.
    pub date: Option<NaiveDate>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DeliveryLines {
    All(Everything),
    Chosen(Vec<DeliveryLineRequest>),
}

/// Everything still to deliver.
#[derive(Deserialize, utoipa::ToSchema)]
pub enum Everything {
    #[serde(rename = "all")]
    All,
}

/// A delivery note and the order after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryNote {
    #[serde(flatten)]
    pub delivery: Delivery,
    pub lines: Vec<DeliveryLine>,
    pub order: OrderDetail,
}

/// Delivers goods of a confirmed order, in part or in full: the lines'
/// reservations turn into issue movements (the rest stays reserved), each
/// audited, and a delivery note `BL-YYYY-NNNNN` records it. No lines, or
/// `"all"`, delivers everything still to deliver; more than ordered is
/// the quantity's error.
pub async fn deliver_order(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: DeliveryRequest,
) -> ServiceResult<DeliveryNote> {
    let mut tx = db.begin().await?;
    let order = load(&mut tx, actor.organization_id, id, KIND).await?;
    next_order(&order, OrderAction::Deliver { complete: false })?;
    let order_lines = store::lines_in(&mut tx, actor.organization_id, id).await?;
    let reservations = store::active_reservations(&mut tx, actor.organization_id, id).await?;
    let mut errors = FieldErrors::new();
    let requested = match request.lines {
        Some(DeliveryLines::Chosen(lines)) => lines,
        None | Some(DeliveryLines::All(Everything::All)) => order_lines
            .iter()
            .filter(|line| line.progress().undelivered() > Quantity::ZERO)
            .map(|line| DeliveryLineRequest {
                line_id: Some(line.id),
                quantity: Some(line.progress().undelivered().to_string()),
                location_id: None,
            })
            .collect(),
    };
    if requested.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut deliveries = Vec::new();
    for (index, line) in requested.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let order_line = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id));
        let Some(order_line) = order_line else {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
            continue;
        };
        let quantity = required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        let Some(quantity) = quantity else { continue };
        if quantity <= Quantity::ZERO {
            errors.add(format!("{prefix}quantity"), "must be positive");
            continue;
        }
        if quantity > order_line.progress().undelivered() {
            errors.add(
                format!("{prefix}quantity"),
                format!(
                    "more than ordered: {} still to deliver on this line",
                    order_line.progress().undelivered()
                ),
            );
            continue;
        }
        let reservation = reservations
            .iter()
            .find(|r| r.document_line_id == order_line.id);
        if let (Some(location_id), Some(reservation)) = (line.location_id, reservation)
            && location_id != reservation.location_id
        {
            errors.add(
                format!("{prefix}location_id"),
                "the line's goods are reserved at another location",
            );
            continue;
        }
        deliveries.push((order_line.clone(), quantity, reservation.cloned(), prefix));
    }
    errors.finish(|| ())?;
    let date = request.date.unwrap_or_else(|| actor.today());
    let number = numbering::next_number(
        &mut tx,
        actor.organization_id,
        Series::DeliveryNote,
        date.year(),
    )
    .await?;
    let delivery = store::insert_delivery(
        &mut tx,
        actor.organization_id,
        id,
        &number,
        date,
        actor.user_id,
    )
    .await?;
    let reference = order.number.clone().unwrap_or_default();
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: Some("delivery"),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut delivered = Vec::new();
    for (line, quantity, reservation, prefix) in deliveries {
        if !store::deliver_line(&mut tx, actor.organization_id, id, line.id, quantity).await? {
            return Err(ServiceError::field(
                &format!("{prefix}quantity"),
                "more than ordered: the line was delivered meanwhile",
            ));
        }
        let (location_id, movement_id) = match reservation {
            Some(reservation) => {
                let (_, movement) = stock_store::consume_part(
                    &mut tx,
                    actor.organization_id,
                    reservation.id,
                    quantity,
                    &note,
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
                (movement.from_location_id, Some(movement.id))
            }
            None => (line.location_id, None),
        };
        let location_id = match location_id {
            Some(location_id) => location_id,
            None => {
                stock_store::default_location(&mut tx, actor.organization_id, order.warehouse_id)
                    .await?
                    .ok_or_else(|| ServiceError::conflict("no warehouse to deliver from"))?
            }
        };
        delivered.push(
            store::insert_delivery_line(
                &mut tx,
                actor.organization_id,
                delivery.id,
                line.id,
                quantity,
                location_id,
                movement_id,
            )
            .await?,
        );
    }
    let complete = store::lines_in(&mut tx, actor.organization_id, id)
        .await?
        .iter()
        .all(|line| line.progress().undelivered() == Quantity::ZERO);
    let to = next_order(&order, OrderAction::Deliver { complete })?;
    let moved = if order.status == to {
        order.clone()
    } else {
        store::set_status(&mut tx, actor.organization_id, id, order.status, to.into())
            .await?
            .ok_or_else(|| {
                ServiceError::InvalidTransition("the order changed meanwhile; retry".into())
            })?
    };
    log(
        &mut tx,
        actor,
        "deliver",
        "order",
        id,
        Some(&order),
        Some(&moved),
    )
    .await?;
    event(
        &mut tx,
        actor,
        "delivery_done",
        &moved,
        json!({ "delivery_id": delivery.id, "delivery_number": delivery.number, "complete": complete }),
    )
    .await?;
    tx.commit().await?;
    Ok(DeliveryNote {
        delivery,
        lines: delivered,
        order: order_detail(db, actor, moved).await?,
    })
}
