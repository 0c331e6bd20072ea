//! Payables: supplier invoices received as e-invoices (Factur-X, CII,
//! UBL) or typed by hand, matched to the supplier's purchase order,
//! approved or disputed, and paid in one or more payments out.
//!
//! - `receive`: a file read (`comptoir_documents::receive`), kept in the
//!   file store before its row, its supplier found by SIREN or VAT
//!   number (else proposed), its lines matched; or an invoice typed in.
//! - `workflow`: the supplier resolved, approval, disputes, payments, the
//!   original file and a typed invoice's PDF.
//!
//! Every status change is asked of `domain::payables` and written with
//! one conditional update; every change is audited in its transaction.

mod receive;
mod workflow;

pub use receive::{
    PayableLineRequest, SupplierInvoiceRequest, Upload, create_invoice, receive_file,
};
pub use workflow::{
    DisputeRequest, InvoiceFilters, OriginalFile, RecordedPayablePayment, SupplierChoice, approve,
    attach_pdf, dispute, get_invoice, invoice_filter, list_invoices, original, record_payment,
    resolve, resolve_supplier,
};

use crate::records::audited;
use crate::{ServiceError, ServiceResult};
use comptoir_db::payables::{self as store, SupplierInvoice, SupplierInvoiceLine, SupplierPayment};
use comptoir_db::{Db, Tx};
use comptoir_domain::numbers::Money;
use comptoir_domain::payables::{
    BilledLine, OrderedLine, PayableAction, PayableStatus, match_lines, net_price,
    payable_transition,
};
use serde::Serialize;
use uuid::Uuid;

audited!(SupplierInvoice => "supplier_invoice");

/// A supplier invoice with its lines (and how each compares with the
/// purchase order) and the payments made on it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SupplierInvoiceDetail {
    #[serde(flatten)]
    pub invoice: SupplierInvoice,
    /// What remains to pay.
    #[schema(value_type = String, example = "73.20")]
    pub balance_due: Money,
    pub lines: Vec<SupplierInvoiceLine>,
    pub payments: Vec<SupplierPayment>,
}

fn balance_due(invoice: &SupplierInvoice) -> Money {
    Money::from_units(invoice.amount_due.0.units() - invoice.amount_paid.0.units())
}

async fn detail(
    db: &Db,
    organization_id: Uuid,
    invoice: SupplierInvoice,
) -> ServiceResult<SupplierInvoiceDetail> {
    let lines = store::lines(db, organization_id, invoice.id).await?;
    let payments = store::payments_of(db, organization_id, invoice.id).await?;
    Ok(SupplierInvoiceDetail {
        balance_due: balance_due(&invoice),
        invoice,
        lines,
        payments,
    })
}

/// Where `action` takes an invoice, or why it cannot.
fn next_status(invoice: &SupplierInvoice, action: PayableAction) -> ServiceResult<PayableStatus> {
    payable_transition(invoice.status, action).map_err(ServiceError::InvalidTransition)
}

/// Pairs an invoice's lines with the purchase order its supplier quoted
/// (`buyer_order_reference`) and records the flags. Nothing is matched
/// before the supplier is known, nor for a credit note, nor when the
/// supplier has no order by that number.
async fn match_to_order(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SupplierInvoice,
) -> ServiceResult<()> {
    let (Some(supplier_id), Some(reference)) = (
        invoice.supplier_id,
        invoice.buyer_order_reference.as_deref(),
    ) else {
        return Ok(());
    };
    if invoice.kind != "invoice" {
        return Ok(());
    }
    let Some(order_id) =
        store::order_by_number(tx, organization_id, supplier_id, reference).await?
    else {
        return Ok(());
    };
    let ordered = store::order_lines_to_match(tx, organization_id, order_id, supplier_id).await?;
    let lines = store::lines_in(tx, organization_id, invoice.id).await?;
    let billed: Vec<BilledLine> = lines
        .iter()
        .map(|l| BilledLine {
            seller_item_id: l.seller_item_id.as_deref(),
            description: &l.description,
            quantity: l.quantity.0,
            net_price: l.unit_price.0,
        })
        .collect();
    let candidates: Vec<OrderedLine<usize>> = ordered
        .iter()
        .enumerate()
        .map(|(index, o)| OrderedLine {
            id: index,
            supplier_reference: o.supplier_reference.as_deref(),
            product_code: &o.product_code,
            description: &o.description,
            received_quantity: o.received_quantity.0,
            net_price: net_price(o.unit_price.0, o.discount_percent.0),
        })
        .collect();
    let matches: Vec<store::LineMatchInput> = match_lines(&billed, &candidates)
        .into_iter()
        .zip(&lines)
        .map(|(found, line)| {
            let order_line = found.order_line.map(|index| &ordered[index]);
            store::LineMatchInput {
                line_id: line.id,
                purchase_order_line_id: order_line.map(|o| o.id),
                product_id: order_line.map(|o| o.product_id),
                quantity_differs: found.quantity_differs,
                price_differs: found.price_differs,
            }
        })
        .collect();
    store::set_match(tx, organization_id, invoice.id, Some(order_id), &matches).await?;
    Ok(())
}
