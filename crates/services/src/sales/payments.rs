//! Payments received on issued invoices and refunds of what was paid past
//! their total; each is chained (`db::compliance`), audited and an event.

use super::events::event;
use super::views::{DocumentDetail, balance_due, balance_of, detail};
use super::{load, next_invoice, read};
use crate::audit::log;
use crate::validate::{MAX_NAME, optional, parsed, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::sales::{self as store, Payment, PaymentInput, SalesDocument};
use comptoir_db::{Db, Tx, compliance};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::{
    DocumentKind, InvoiceAction, InvoiceStatus, PaymentKind, PaymentMethod,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Invoice;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PaymentRequest {
    #[schema(required = true, nullable = false, example = "120.00")]
    pub amount: Option<String>,
    /// Default today.
    pub date: Option<NaiveDate>,
    /// `transfer`, `card`, `cash`, `check` or `other`.
    #[schema(required = true, nullable = false)]
    pub method: Option<String>,
    pub reference: Option<String>,
}

impl PaymentRequest {
    /// The amount (positive), method and reference, each bad one recorded
    /// in `errors`; the date is checked against its invoice apart.
    pub(crate) fn fields(
        &mut self,
        errors: &mut FieldErrors,
    ) -> (Option<Money>, Option<PaymentMethod>, Option<String>) {
        let amount = required_parsed(errors, "amount", self.amount.take(), Money::parse);
        if amount.is_some_and(|a| a <= Money::ZERO) {
            errors.add("amount", "must be positive");
        }
        let method = required_parsed(errors, "method", self.method.take(), PaymentMethod::parse);
        let reference = optional(errors, "reference", self.reference.take(), MAX_NAME);
        (amount, method, reference)
    }
}

/// A payment and the invoice after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordedPayment {
    #[serde(flatten)]
    pub payment: Payment,
    pub invoice: DocumentDetail,
}

/// Records a payment on an issued invoice: at most the balance due, dated
/// between the invoice's issue date and today; the invoice becomes
/// `partially_paid`, then `paid`.
pub async fn record_payment(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    mut request: PaymentRequest,
) -> ServiceResult<RecordedPayment> {
    let mut errors = FieldErrors::new();
    let (amount, method, reference) = request.fields(&mut errors);
    let mut tx = db.begin().await?;
    let invoice = load(&mut tx, actor.organization_id, id, KIND).await?;
    next_invoice(&invoice, InvoiceAction::Pay { complete: false })?;
    let date = payment_date(&mut errors, request.date, invoice.issue_date, actor.today());
    let balance = balance_due(&invoice);
    if let Some(amount) = amount
        && amount > balance
    {
        errors.add("amount", format!("more than the balance due of {balance}"));
    }
    let Some((amount, method)) = errors.finish(|| amount.zip(method))? else {
        return Err(ServiceError::field("amount", "is required"));
    };
    let complete = amount == balance;
    let to = next_invoice(&invoice, InvoiceAction::Pay { complete })?;
    let payment = PaymentInput {
        amount,
        date,
        method,
        reference,
    };
    let (paid, recorded) =
        record_money(&mut tx, actor, &invoice, to, PaymentKind::Payment, &payment).await?;
    if complete {
        event(&mut tx, actor, "invoice_paid", &paid, json!({})).await?;
    }
    tx.commit().await?;
    Ok(RecordedPayment {
        payment: recorded,
        invoice: detail(db, actor, paid).await?,
    })
}

/// The payments of an invoice, and the refunds made on it, oldest first.
pub async fn invoice_payments(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<Vec<Payment>> {
    read(db, actor.organization_id, id, KIND).await?;
    Ok(store::payments_of(db, actor.organization_id, id).await?)
}

/// The date of a payment or refund on an invoice `issued` then: today by
/// default, never in the future nor before the invoice was issued.
pub(crate) fn payment_date(
    errors: &mut FieldErrors,
    date: Option<NaiveDate>,
    issued: Option<NaiveDate>,
    today: NaiveDate,
) -> NaiveDate {
    let date = date.unwrap_or(today);
    if date > today {
        errors.add("date", "cannot be in the future");
    }
    if let Some(issued) = issued
        && date < issued
    {
        errors.add(
            "date",
            format!("cannot be before the invoice's issue date, {issued}"),
        );
    }
    date
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefundRequest {
    /// Default: all that is owed back (`refund_due`).
    #[schema(example = "200.00")]
    pub amount: Option<String>,
    /// Default today.
    pub date: Option<NaiveDate>,
    /// `transfer`, `card`, `cash`, `check` or `other`.
    #[schema(required = true, nullable = false)]
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// Pays back to the client what payments and credit notes together took
/// past the invoice's total (its `refund_due`), all of it by default; more
/// than is owed back is the amount's error. The refund is chained like a
/// payment and counts out of `amount_paid`.
pub async fn record_refund(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: RefundRequest,
) -> ServiceResult<RecordedPayment> {
    let mut errors = FieldErrors::new();
    let amount = parsed(&mut errors, "amount", request.amount, Money::parse);
    if amount.is_some_and(|a| a <= Money::ZERO) {
        errors.add("amount", "must be positive");
    }
    let method = required_parsed(&mut errors, "method", request.method, PaymentMethod::parse);
    let reference = optional(&mut errors, "reference", request.reference, MAX_NAME);
    let mut tx = db.begin().await?;
    let invoice = load(&mut tx, actor.organization_id, id, KIND).await?;
    let to = next_invoice(&invoice, InvoiceAction::Refund)?;
    let date = payment_date(&mut errors, request.date, invoice.issue_date, actor.today());
    let owed = balance_of(&invoice).refund_due;
    let amount = amount.unwrap_or(owed);
    if owed == Money::ZERO {
        errors.add(
            "amount",
            "nothing is owed back to the client on this invoice",
        );
    } else if amount > owed {
        errors.add(
            "amount",
            format!("more than is owed back to the client, {owed}"),
        );
    }
    let Some(method) = errors.finish(|| method)? else {
        return Err(ServiceError::field("method", "is required"));
    };
    let refund = PaymentInput {
        amount,
        date,
        method,
        reference,
    };
    let (refunded, recorded) =
        record_money(&mut tx, actor, &invoice, to, PaymentKind::Refund, &refund).await?;
    tx.commit().await?;
    Ok(RecordedPayment {
        payment: recorded,
        invoice: detail(db, actor, refunded).await?,
    })
}

/// Records a payment or a refund on a locked invoice moving to `to`, in
/// the sales chain, the audit log and the business events.
async fn record_money(
    tx: &mut Tx,
    actor: &Actor,
    invoice: &SalesDocument,
    to: InvoiceStatus,
    kind: PaymentKind,
    money: &PaymentInput,
) -> ServiceResult<(SalesDocument, Payment)> {
    let (changed, recorded) = store::record_payment(
        tx,
        actor.organization_id,
        invoice,
        to.into(),
        kind,
        money,
        actor.user_id,
    )
    .await?
    .ok_or_else(|| ServiceError::conflict("the invoice changed meanwhile; retry"))?;
    compliance::chain_payment(tx, actor.organization_id, &recorded).await?;
    let (action, event_type) = match kind {
        PaymentKind::Payment => ("pay", "payment_received"),
        PaymentKind::Refund => ("refund", "refund_made"),
    };
    log(
        tx,
        actor,
        action,
        "invoice",
        invoice.id,
        Some(invoice),
        Some(&changed),
    )
    .await?;
    event(
        tx,
        actor,
        event_type,
        &changed,
        json!({ "payment_id": recorded.id, "amount": money.amount, "method": money.method }),
    )
    .await?;
    Ok((changed, recorded))
}
