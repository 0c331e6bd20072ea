//! How sales documents are shown: a document with its lines and VAT
//! breakdown, a list row, and where an invoice's money stands.

use crate::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::sales::{self as store, SalesDocument, SalesLine};
use comptoir_db::{Db, Fixed};
use comptoir_domain::documents::{LineAmounts, TaxLine, discounted_totals};
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::{
    DocumentKind, InvoiceBalance, InvoiceStatus, invoice_balance, is_overdue,
};
use serde::Serialize;

/// A quote, order or invoice with its lines and VAT breakdown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: SalesDocument,
    /// On an invoice, each line's `credited_quantity` is what its credit
    /// notes took back.
    pub lines: Vec<SalesLine>,
    pub tax_breakdown: Vec<TaxLine>,
    #[serde(flatten)]
    pub money: InvoiceMoney,
}

/// Where an invoice's money stands, on its detail and in its list rows;
/// other documents have none of it.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct InvoiceMoney {
    /// Invoices: what remains to be paid; never below zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "120.00")]
    pub balance_due: Option<Money>,
    /// Invoices: what is owed back to the client, payments and credit
    /// notes that together went past the total, less refunds made
    /// (`POST /invoices/{id}/refunds`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "0.00")]
    pub refund_due: Option<Money>,
    /// Invoices: issued, not fully paid and past the due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl InvoiceMoney {
    /// Empty for a document that is not an invoice.
    pub(super) fn of(document: &SalesDocument, today: NaiveDate) -> ServiceResult<Self> {
        if document.kind != DocumentKind::Invoice {
            return Ok(Self::default());
        }
        let status = InvoiceStatus::try_from(document.status).map_err(ServiceError::BadInput)?;
        let balance = balance_of(document);
        Ok(InvoiceMoney {
            balance_due: Some(balance.due),
            refund_due: Some(balance.refund_due),
            overdue: Some(is_overdue(status, document.due_date, today)),
        })
    }
}

/// A row of a document list: invoices also say what is due and whether
/// it is overdue.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentRow {
    #[serde(flatten)]
    pub document: SalesDocument,
    #[serde(flatten)]
    pub money: InvoiceMoney,
}

pub(super) async fn detail(
    db: &Db,
    actor: &Actor,
    document: SalesDocument,
) -> ServiceResult<DocumentDetail> {
    let organization_id = actor.organization_id;
    let mut lines = store::lines(db, organization_id, document.id).await?;
    if document.kind == DocumentKind::Invoice {
        let credited = store::credited_quantities_of(db, organization_id, document.id).await?;
        for line in &mut lines {
            if let Some((_, quantity)) = credited.iter().find(|(id, _)| *id == line.id) {
                line.credited_quantity = Fixed(*quantity);
            }
        }
    }
    detail_of(document, lines, actor.today())
}

/// The representation of a document whose lines are at hand.
/// `today` is the organization's, which decides whether it is overdue.
pub(super) fn detail_of(
    document: SalesDocument,
    lines: Vec<SalesLine>,
    today: NaiveDate,
) -> ServiceResult<DocumentDetail> {
    let amounts: Vec<LineAmounts> = lines.iter().map(SalesLine::amounts).collect();
    Ok(DocumentDetail {
        tax_breakdown: discounted_totals(&amounts, document.discount_percent.0).tax_breakdown,
        money: InvoiceMoney::of(&document, today)?,
        document,
        lines,
    })
}

/// What the client still owes on an invoice, and what is owed back.
pub(super) fn balance_of(invoice: &SalesDocument) -> InvoiceBalance {
    invoice_balance(
        invoice.total_incl_tax.0,
        invoice.amount_paid.0,
        invoice.amount_credited.0,
    )
}

/// What remains to be paid on an invoice; never below zero.
pub fn balance_due(invoice: &SalesDocument) -> Money {
    balance_of(invoice).due
}
