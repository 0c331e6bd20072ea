//! Returns: goods a client sends back, restocked or not; what was billed
//! is credited through draft credit notes, one per invoice.

use super::drafts::create;
use super::events::event;
use super::views::{DocumentDetail, detail};
use super::{load, next_order};
use crate::audit::log;
use crate::validate::{check_reference, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::catalog::Product;
use comptoir_db::sales::{
    self as store, DocumentInput, LineInput, SalesLine, SalesReturn, SalesReturnLine,
};
use comptoir_db::stock::{self as stock_store, Item, Location, MovementNote};
use comptoir_db::{Db, Tx, resource};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::sales::progress::creditable;
use comptoir_domain::sales::{DocumentKind, OrderAction, ReturnReason};
use comptoir_domain::stock::{MovementPlan, MovementType};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Order;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnLineRequest {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnRequest {
    pub lines: Option<Vec<ReturnLineRequest>>,
    /// `defect`, `dissatisfaction`, `wrong_item` or `other`.
    #[schema(required = true, nullable = false)]
    pub reason: Option<String>,
    /// Put the goods back into stock; default true.
    pub restock: Option<bool>,
    /// Where restocked goods go; default the warehouse's `returns`
    /// location, else where the line was reserved.
    pub location_id: Option<Uuid>,
}

/// A return, its lines, and the draft credit notes it prepared.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReturnNote {
    #[serde(flatten)]
    pub sales_return: SalesReturn,
    pub lines: Vec<SalesReturnLine>,
    /// Drafts for what had already been invoiced, one per invoice; issue
    /// them with `POST /credit-notes/{id}/issue`.
    pub credit_notes: Vec<DocumentDetail>,
}

/// Takes delivered goods back. Restocked goods come back through a
/// receipt movement (to the returns location by default), each audited.
/// What the client had not been billed for yet is simply no longer
/// invoiced; for what was invoiced, a draft credit note is prepared per
/// invoice. More than delivered and not yet returned is the quantity's
/// error.
pub async fn return_goods(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: ReturnRequest,
) -> ServiceResult<ReturnNote> {
    let mut errors = FieldErrors::new();
    let reason = required_parsed(&mut errors, "reason", request.reason, ReturnReason::parse);
    let restock = request.restock.unwrap_or(true);
    let mut tx = db.begin().await?;
    if let Some(location_id) = request.location_id {
        check_reference::<Location>(
            &mut tx,
            &mut errors,
            actor.organization_id,
            "location_id",
            Some(location_id),
        )
        .await?;
    }
    let order = load(&mut tx, actor.organization_id, id, KIND).await?;
    next_order(&order, OrderAction::Return)?;
    let order_lines = store::lines_in(&mut tx, actor.organization_id, id).await?;
    let requested = request.lines.unwrap_or_default();
    if requested.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut returns = Vec::new();
    for (index, line) in requested.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let Some(order_line) = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id))
        else {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
            continue;
        };
        let quantity = required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        match quantity {
            Some(q) if q <= Quantity::ZERO => {
                errors.add(format!("{prefix}quantity"), "must be positive")
            }
            Some(q) if q > order_line.progress().returnable() => errors.add(
                format!("{prefix}quantity"),
                format!(
                    "more than delivered: {} can still come back on this line",
                    order_line.progress().returnable()
                ),
            ),
            Some(q) => returns.push((order_line.clone(), q, prefix)),
            None => {}
        }
    }
    let Some(reason) = errors.finish(|| reason)? else {
        return Err(ServiceError::field("reason", "is required"));
    };
    let sales_return = store::insert_return(
        &mut tx,
        actor.organization_id,
        id,
        reason.as_str(),
        restock,
        actor.user_id,
    )
    .await?;
    let reference = order.number.clone().unwrap_or_default();
    let note_reason = format!("return: {}", reason.as_str().replace('_', " "));
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: Some(&note_reason),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut lines = Vec::new();
    let mut credits: Vec<(Uuid, Vec<LineInput>)> = Vec::new();
    for (line, quantity, prefix) in returns {
        // What the client kept unbilled is simply no longer invoiced; the
        // rest was billed and has to be credited.
        let unbilled = line.progress().billable().units().max(0);
        let to_credit = Quantity::from_units((quantity.units() - unbilled).max(0));
        if !store::return_line(
            &mut tx,
            actor.organization_id,
            id,
            line.id,
            quantity,
            to_credit,
        )
        .await?
        {
            return Err(ServiceError::field(
                &format!("{prefix}quantity"),
                "more than delivered: the line was returned meanwhile",
            ));
        }
        if to_credit > Quantity::ZERO {
            plan_credit(
                &mut tx,
                actor.organization_id,
                &mut credits,
                &line,
                to_credit,
            )
            .await?;
        }
        let movement_id = match (restock, line.item()) {
            (true, Some(item)) if is_goods(&mut tx, actor.organization_id, item).await? => {
                let location_id = match (request.location_id, line.location_id) {
                    (Some(location_id), _) => location_id,
                    (None, Some(reserved_at)) => {
                        stock_store::returns_location(&mut tx, actor.organization_id, reserved_at)
                            .await?
                    }
                    (None, None) => stock_store::default_location(
                        &mut tx,
                        actor.organization_id,
                        order.warehouse_id,
                    )
                    .await?
                    .ok_or_else(|| {
                        ServiceError::conflict("no warehouse to put the goods back in")
                    })?,
                };
                let plan =
                    MovementPlan::new(MovementType::Receipt, quantity, None, Some(location_id))
                        .map_err(|_| {
                            ServiceError::field(&format!("{prefix}quantity"), "must be positive")
                        })?;
                let movement = stock_store::record_movement(
                    &mut tx,
                    actor.organization_id,
                    item,
                    &plan,
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
                Some(movement.id)
            }
            _ => None,
        };
        lines.push(
            store::insert_return_line(
                &mut tx,
                actor.organization_id,
                sales_return.id,
                line.id,
                quantity,
                movement_id,
            )
            .await?,
        );
    }
    let mut credit_notes = Vec::new();
    for (invoice_id, credit_lines) in credits {
        let invoice = load(
            &mut tx,
            actor.organization_id,
            invoice_id,
            DocumentKind::Invoice,
        )
        .await?;
        let input = DocumentInput {
            client_id: invoice.client_id,
            warehouse_id: invoice.warehouse_id,
            currency: invoice.currency.clone(),
            issue_date: None,
            valid_until: None,
            notes: Some(format!(
                "Retour {reference}: {}",
                reason.as_str().replace('_', " ")
            )),
            discount_percent: invoice.discount_percent.0,
            lines: credit_lines,
        };
        credit_notes.push(
            create(
                &mut tx,
                actor,
                DocumentKind::CreditNote,
                None,
                Some(invoice_id),
                &input,
            )
            .await?,
        );
    }
    log(
        &mut tx,
        actor,
        "return",
        "order",
        id,
        None,
        Some(&sales_return),
    )
    .await?;
    let credit_note_ids: Vec<Uuid> = credit_notes.iter().map(|c| c.id).collect();
    event(
        &mut tx,
        actor,
        "return_received",
        &order,
        json!({ "return_id": sales_return.id, "reason": reason, "restock": restock, "credit_note_ids": credit_note_ids }),
    )
    .await?;
    tx.commit().await?;
    let mut details = Vec::new();
    for credit_note in credit_notes {
        details.push(detail(db, actor, credit_note).await?);
    }
    Ok(ReturnNote {
        sales_return,
        lines,
        credit_notes: details,
    })
}

async fn is_goods(tx: &mut Tx, organization_id: Uuid, item: Item) -> ServiceResult<bool> {
    let product: Product = resource::get_in(tx, organization_id, item.product_id).await?;
    Ok(product.kind == ProductKind::Goods)
}

/// Spreads `quantity` of an order line over the issued invoice lines that
/// billed it, newest invoice first, within what each can still credit;
/// adds the credit lines to `credits`, per invoice.
async fn plan_credit(
    tx: &mut Tx,
    organization_id: Uuid,
    credits: &mut Vec<(Uuid, Vec<LineInput>)>,
    order_line: &SalesLine,
    quantity: Quantity,
) -> ServiceResult<()> {
    let mut left = quantity.units();
    for invoiced in store::issued_invoice_lines(tx, organization_id, order_line.id).await? {
        if left == 0 {
            break;
        }
        let already = store::credited_quantities(tx, organization_id, invoiced.invoice_id)
            .await?
            .into_iter()
            .find(|(line_id, _)| *line_id == invoiced.line.id)
            .map_or(Quantity::ZERO, |(_, q)| q);
        let planned: i64 = credits
            .iter()
            .filter(|(invoice_id, _)| *invoice_id == invoiced.invoice_id)
            .flat_map(|(_, lines)| lines)
            .filter(|line| line.source_line_id == Some(invoiced.line.id))
            .map(|line| line.amounts.quantity.units())
            .sum();
        let left_on_invoice = creditable(
            invoiced.line.quantity.0,
            already,
            Quantity::from_units(planned),
        );
        let take = left.min(left_on_invoice.units());
        if take <= 0 {
            continue;
        }
        left -= take;
        let mut amounts = invoiced.line.amounts();
        amounts.quantity = Quantity::from_units(take);
        let line = LineInput {
            item: invoiced.line.item(),
            description: invoiced.line.description.clone(),
            amounts,
            vat_exemption_reason: invoiced.line.vat_exemption_reason.clone(),
            location_id: None,
            source_line_id: Some(invoiced.line.id),
        };
        match credits
            .iter_mut()
            .find(|(id, _)| *id == invoiced.invoice_id)
        {
            Some((_, lines)) => lines.push(line),
            None => credits.push((invoiced.invoice_id, vec![line])),
        }
    }
    if left > 0 {
        return Err(ServiceError::conflict(
            "part of these goods is billed on an invoice still in draft: issue it (or change it) first",
        ));
    }
    Ok(())
}
