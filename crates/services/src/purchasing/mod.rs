//! Purchasing: purchase orders to suppliers, the receipts that bring their
//! goods into stock, and the reorder rules that suggest them. An order
//! moves only as the purchase state machine (`domain::purchasing`) allows,
//! with one conditional status update, and every change runs in one
//! transaction with its audit entry.
//!
//! - `orders`: drafting, reading, replacing, sending and cancelling orders.
//! - `receipts`: receiving goods, in part or in full, at average cost.
//! - `rules`: reorder rules (a product kept between min and max).
//! - `replenishment`: stock alerts, suggestions and the orders they make.
//! - `valuation`: the value of the stock at weighted average cost.

mod orders;
mod receipts;
mod replenishment;
mod rules;
mod valuation;

pub use orders::{
    OrderFilters, PurchaseLineRequest, PurchaseOrderRequest, cancel_order, create_order, get_order,
    list_orders, order_filter, send_order, update_order,
};
pub use receipts::{Receipt, ReceiptLine, ReceiptRequest, receive};
pub use replenishment::{
    StockAlert, Suggestion, SuggestionKey, alerts, order_suggestions, suggestions,
};
pub use rules::{
    ReorderRuleRequest, RuleFilters, create_rule, delete_rule, list_rules, rule_filter, update_rule,
};
pub use valuation::{Valuation, ValueOf, valuation};

use crate::ServiceError;
use crate::ServiceResult;
use crate::records::audited;
use comptoir_db::purchasing::{self as store, PurchaseOrder, PurchaseOrderLine};
use comptoir_db::{Db, Tx};
use comptoir_domain::documents::{LineAmounts, TaxLine, totals};
use comptoir_domain::purchasing::{PurchaseAction, PurchaseStatus, purchase_transition};
use serde::Serialize;
use uuid::Uuid;

audited!(PurchaseOrder => "purchase_order");

/// A purchase order with its lines and VAT breakdown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderDetail {
    #[serde(flatten)]
    pub order: PurchaseOrder,
    pub lines: Vec<PurchaseOrderLine>,
    pub tax_breakdown: Vec<TaxLine>,
}

async fn detail(
    db: &Db,
    organization_id: Uuid,
    order: PurchaseOrder,
) -> ServiceResult<PurchaseOrderDetail> {
    let lines = store::lines(db, organization_id, order.id).await?;
    let amounts: Vec<LineAmounts> = lines.iter().map(PurchaseOrderLine::amounts).collect();
    Ok(PurchaseOrderDetail {
        tax_breakdown: totals(&amounts).tax_breakdown,
        order,
        lines,
    })
}

/// Where `action` takes an order, or why it cannot.
fn next_status(order: &PurchaseOrder, action: PurchaseAction) -> ServiceResult<PurchaseStatus> {
    purchase_transition(order.status, action).map_err(ServiceError::InvalidTransition)
}

/// Moves a locked order to `next` with one conditional update; an order
/// moved by someone else meanwhile is refused.
async fn move_to(
    tx: &mut Tx,
    organization_id: Uuid,
    order: &PurchaseOrder,
    next: PurchaseStatus,
) -> ServiceResult<PurchaseOrder> {
    store::set_status(tx, organization_id, order.id, order.status, next)
        .await?
        .ok_or_else(|| ServiceError::InvalidTransition("the order changed meanwhile; retry".into()))
}
