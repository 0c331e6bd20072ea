//! Money paid out on supplier invoices: only ever inserted, each with the
//! one conditional update of the invoice's `amount_paid` that allows it.

use super::SupplierInvoice;
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::numbers::Money;
use comptoir_domain::payables::PayableStatus;
use comptoir_domain::sales::PaymentMethod;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SupplierPayment {
    pub id: Uuid,
    pub supplier_invoice_id: Uuid,
    #[schema(value_type = String, example = "36.60")]
    pub amount: Fixed<Money>,
    #[serde(rename = "date")]
    pub payment_date: NaiveDate,
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

const PAYMENT_COLUMNS: &str =
    "id, supplier_invoice_id, amount, payment_date, method, reference, created_at";

pub struct PaymentInput {
    pub amount: Money,
    pub date: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

/// Records money paid out on an invoice still at its version, moving it
/// to `status`, in one conditional update of `amount_paid` that never
/// takes it past `amount_due`; `None` when the invoice changed.
pub async fn record_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SupplierInvoice,
    status: PayableStatus,
    payment: &PaymentInput,
    created_by: Uuid,
) -> Result<Option<(SupplierInvoice, SupplierPayment)>, DbError> {
    let changed: Option<SupplierInvoice> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE supplier_invoices SET amount_paid = amount_paid + $1, status = $2, \
                 updated_at = $3, version = version + 1 WHERE id = $4 AND organization_id = $5 \
                 AND version = $6 AND amount_paid + $1 <= amount_due RETURNING {}",
                SupplierInvoice::COLUMNS
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
    let recorded = tx
        .fetch_one(
            Sql::new(format!(
                "INSERT INTO supplier_payments (id, organization_id, supplier_invoice_id, amount, \
                 payment_date, method, reference, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {PAYMENT_COLUMNS}"
            ))
            .bind(Uuid::now_v7())
            .bind(organization_id)
            .bind(invoice.id)
            .bind(payment.amount)
            .bind(payment.date)
            .bind(payment.method.as_str())
            .bind(payment.reference.as_deref())
            .bind(created_by)
            .bind(now()),
        )
        .await?;
    Ok(Some((changed, recorded)))
}

pub async fn payments_of(
    db: &Db,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<SupplierPayment>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {PAYMENT_COLUMNS} FROM supplier_payments \
             WHERE supplier_invoice_id = $1 AND organization_id = $2 ORDER BY created_at, id"
        ))
        .bind(invoice_id)
        .bind(organization_id),
    )
    .await
}
