//! Receipts: goods of a sent order received in part or in full. A receipt
//! never brings in more than a line still expects; each received line
//! writes one receipt movement and moves its product's weighted average
//! cost, and the order becomes partially or fully received, all in one
//! transaction.

use super::{PurchaseOrderDetail, detail, move_to, next_status};
use crate::audit::log;
use crate::validate::check_reference;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::Product;
use comptoir_db::purchasing::{self as store, PurchaseOrder, PurchaseOrderLine};
use comptoir_db::resource;
use comptoir_db::stock::{self as stock_store, Item, Location, Movement, MovementNote};
use comptoir_db::{Db, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::{Quantity, UnitPrice};
use comptoir_domain::purchasing::PurchaseAction;
use comptoir_domain::stock::{MovementPlan, MovementType};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptLine {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Default: the `STOCK` location of the order's warehouse, else of the
    /// organization's default warehouse.
    pub location_id: Option<Uuid>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptRequest {
    pub lines: Option<Vec<ReceiptLine>>,
}

/// The order after a receipt, and the movements the receipt wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub order: PurchaseOrderDetail,
    pub movements: Vec<Movement>,
}

/// A line of the order to receive, how much and where.
struct LineReceipt {
    line: PurchaseOrderLine,
    quantity: Quantity,
    location_id: Uuid,
    /// Where the line's errors go, `lines[i].`.
    prefix: String,
}

/// Validates the receipt's lines against the order's lines; a line
/// without a location goes to the default one.
async fn validate_receipt(
    tx: &mut Tx,
    organization_id: Uuid,
    order: &PurchaseOrder,
    request: ReceiptRequest,
) -> ServiceResult<Vec<LineReceipt>> {
    let order_lines = store::lines_in(tx, organization_id, order.id).await?;
    let mut errors = FieldErrors::new();
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut receipts = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let order_line = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id));
        if order_line.is_none() {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
        }
        let quantity = match line.quantity {
            Some(text) => errors.check(&format!("{prefix}quantity"), Quantity::parse(&text)),
            None => {
                errors.add(format!("{prefix}quantity"), "is required");
                None
            }
        };
        let location_id = match line.location_id {
            Some(id) => Some(id),
            None => {
                let default =
                    stock_store::default_location(tx, organization_id, order.warehouse_id).await?;
                if default.is_none() {
                    errors.add(
                        format!("{prefix}location_id"),
                        "is required: the organization has no warehouse to receive into",
                    );
                }
                default
            }
        };
        check_reference::<Location>(
            tx,
            &mut errors,
            organization_id,
            &format!("{prefix}location_id"),
            location_id,
        )
        .await?;
        if let (Some(order_line), Some(quantity), Some(location_id)) =
            (order_line, quantity, location_id)
        {
            if quantity <= Quantity::ZERO {
                errors.add(format!("{prefix}quantity"), "must be positive");
            } else {
                receipts.push(LineReceipt {
                    line: order_line.clone(),
                    quantity,
                    location_id,
                    prefix,
                });
            }
        }
    }
    errors.finish(|| ())?;
    Ok(receipts)
}

/// Receives goods of a sent order: one receipt movement per line, and the
/// products' average costs follow. Receiving more than ordered is refused.
pub async fn receive(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: ReceiptRequest,
) -> ServiceResult<Receipt> {
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let order: PurchaseOrder = resource::get_in(&mut tx, organization_id, id).await?;
    next_status(&order, PurchaseAction::Receive { complete: false })?;
    let receipts = validate_receipt(&mut tx, organization_id, &order, request).await?;
    let reference = order.number.clone();
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: Some("purchase receipt"),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut movements = Vec::new();
    for LineReceipt {
        line,
        quantity,
        location_id,
        prefix,
    } in receipts
    {
        if !store::receive_line(&mut tx, organization_id, id, line.id, quantity).await? {
            return Err(ServiceError::field(
                &format!("{prefix}quantity"),
                &format!(
                    "more than ordered: {} still expected on this line",
                    line_remaining(&mut tx, organization_id, id, line.id).await?
                ),
            ));
        }
        let product: Product = resource::get_in(&mut tx, organization_id, line.product_id).await?;
        let unit_cost = UnitPrice::round(
            line.unit_price.0.value() * (Decimal::ONE_HUNDRED - line.discount_percent.0.value())
                / Decimal::ONE_HUNDRED,
        );
        store::update_average_cost(
            &mut tx,
            organization_id,
            product.id,
            product.average_cost.0,
            quantity,
            unit_cost,
        )
        .await?;
        let plan = MovementPlan::new(MovementType::Receipt, quantity, None, Some(location_id))
            .map_err(|_| ServiceError::field("quantity", "must be positive"))?;
        let item = Item {
            product_id: line.product_id,
            variant_id: line.variant_id,
        };
        let movement =
            stock_store::record_movement(&mut tx, organization_id, item, &plan, &note).await?;
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
        movements.push(movement);
    }
    let complete = store::lines_in(&mut tx, organization_id, id)
        .await?
        .iter()
        .all(|line| line.remaining() == Quantity::ZERO);
    let next = next_status(&order, PurchaseAction::Receive { complete })?;
    let moved = move_to(&mut tx, organization_id, &order, next).await?;
    log(
        &mut tx,
        actor,
        "receive",
        "purchase_order",
        id,
        Some(&order),
        Some(&moved),
    )
    .await?;
    tx.commit().await?;
    Ok(Receipt {
        order: detail(db, organization_id, moved).await?,
        movements,
    })
}

/// What a line of the order still expects.
async fn line_remaining(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    line_id: Uuid,
) -> ServiceResult<Quantity> {
    Ok(store::lines_in(tx, organization_id, order_id)
        .await?
        .iter()
        .find(|line| line.id == line_id)
        .map(PurchaseOrderLine::remaining)
        .unwrap_or_default())
}
