//! Payments and refunds of an invoice, each recorded with the one
//! conditional update of the invoice's paid amount that allows it.

use super::documents::SalesDocument;
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::{DocumentStatus, PaymentKind, PaymentMethod};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Payment {
    pub id: Uuid,
    pub invoice_id: Uuid,
    #[schema(value_type = String, example = "120.00")]
    pub amount: Fixed<Money>,
    #[serde(rename = "date")]
    pub payment_date: NaiveDate,
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// `payment` (received) or `refund` (paid back to the client).
    #[sqlx(try_from = "String")]
    pub kind: PaymentKind,
    pub created_at: DateTime<Utc>,
}

const PAYMENT_COLUMNS: &str =
    "id, invoice_id, amount, payment_date, method, reference, kind, created_at";

impl Table for Payment {
    const TABLE: &'static str = "payments";
    const COLUMNS: &'static str = PAYMENT_COLUMNS;
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("date", "payment_date"),
        ("amount", "amount"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["reference"];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct PaymentInput {
    pub amount: Money,
    pub date: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

/// Records money received (`Payment`) or paid back (`Refund`) on an
/// invoice still at `version`, in one conditional update of its
/// `amount_paid`; `None` when the invoice changed or the amount is out of
/// bounds: a payment never takes paid and credited past the total, a
/// refund never gives back more than they went past it (refunds count out
/// of `amount_paid`).
pub async fn record_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SalesDocument,
    status: DocumentStatus,
    kind: PaymentKind,
    payment: &PaymentInput,
    created_by: Uuid,
) -> Result<Option<(SalesDocument, Payment)>, DbError> {
    let (change, condition) = match kind {
        PaymentKind::Payment => (
            "amount_paid + $1",
            "amount_paid + amount_credited + $1 <= total_incl_tax",
        ),
        PaymentKind::Refund => (
            "amount_paid - $1",
            "amount_paid + amount_credited - total_incl_tax >= $1 AND amount_paid >= $1",
        ),
    };
    let changed: Option<SalesDocument> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE sales_documents SET amount_paid = {change}, status = $2, \
                 updated_at = $3, version = version + 1 \
                 WHERE id = $4 AND organization_id = $5 AND version = $6 AND {condition} RETURNING {}",
                SalesDocument::COLUMNS
            ))
            .bind(payment.amount)
            .bind(status.as_str())
            .bind(now())
            .bind(invoice.id)
            .bind(organization_id)
            .bind(invoice.version),
        )
        .await?;
    let Some(changed) = changed else {
        return Ok(None);
    };
    let recorded =
        insert_payment(tx, organization_id, invoice.id, kind, payment, created_by).await?;
    Ok(Some((changed, recorded)))
}

async fn insert_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice_id: Uuid,
    kind: PaymentKind,
    payment: &PaymentInput,
    created_by: Uuid,
) -> Result<Payment, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO payments (id, organization_id, invoice_id, amount, payment_date, method, \
             reference, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING {PAYMENT_COLUMNS}"
        ))
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(invoice_id)
        .bind(payment.amount)
        .bind(payment.date)
        .bind(payment.method.as_str())
        .bind(payment.reference.as_deref())
        .bind(kind.as_str())
        .bind(created_by)
        .bind(now()),
    )
    .await
}

pub async fn payment(db: &Db, organization_id: Uuid, id: Uuid) -> Result<Option<Payment>, DbError> {
    db.fetch_optional(
        Sql::new(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND organization_id = $2"
        ))
        .bind(id)
        .bind(organization_id),
    )
    .await
}

pub async fn payments_of(
    db: &Db,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<Payment>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            // The organization checked once on the invoice's primary key:
            // the payments stay read through their invoice's index.
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE invoice_id = $1 AND EXISTS \
             (SELECT 1 FROM sales_documents d WHERE d.id = $1 AND d.organization_id = $2) \
             ORDER BY created_at, id"
        ))
        .bind(invoice_id)
        .bind(organization_id),
    )
    .await
}
