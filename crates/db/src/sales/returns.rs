//! Returns and credits: what the client sends back (counted on the order
//! line), the issued invoice lines a return's credit note takes back,
//! what credit notes already take back of an invoice, and an issued
//! credit note applied to its invoice.

use super::documents::{LINE_COLUMNS, SalesDocument, SalesLine, prefixed};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::numbers::{Money, Quantity};
use comptoir_domain::sales::DocumentStatus;
use serde::Serialize;
use uuid::Uuid;

/// Adds to an order line's returned quantity (and to what credit notes
/// take back of it), never beyond what was delivered; returns whether it
/// did. The bound is in the `WHERE`, so concurrent returns cannot together
/// pass it.
pub async fn return_line(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
    credited: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET returned_quantity = returned_quantity + $1, \
                 credited_quantity = credited_quantity + $2 \
                 WHERE id = $3 AND document_id = $4 AND organization_id = $5 AND returned_quantity + $1 <= delivered_quantity",
            )
            .bind(quantity)
            .bind(credited)
            .bind(line_id)
            .bind(document_id)
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// The lines of issued invoices billing an order line, newest first, with
/// their invoice's id.
pub async fn issued_invoice_lines(
    tx: &mut Tx,
    organization_id: Uuid,
    order_line_id: Uuid,
) -> Result<Vec<InvoicedLine>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "SELECT d.id AS invoice_id, {} FROM sales_lines l JOIN sales_documents d ON d.id = l.document_id \
             WHERE l.source_line_id = $1 AND d.kind = 'invoice' AND d.number IS NOT NULL \
             AND EXISTS (SELECT 1 FROM sales_lines o WHERE o.id = $1 AND o.organization_id = $2) \
             ORDER BY d.issued_at DESC, d.number DESC",
            prefixed("l", LINE_COLUMNS)
        ))
        .bind(order_line_id)
        .bind(organization_id),
    )
    .await
}

/// A line of an issued invoice and the invoice it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoicedLine {
    pub invoice_id: Uuid,
    #[sqlx(flatten)]
    pub line: SalesLine,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesReturn {
    pub id: Uuid,
    pub order_id: Uuid,
    /// `defect`, `dissatisfaction`, `wrong_item` or `other`.
    pub reason: String,
    /// Whether the goods went back into stock.
    pub restock: bool,
    pub created_at: DateTime<Utc>,
}

impl Table for SalesReturn {
    const TABLE: &'static str = "sales_returns";
    const COLUMNS: &'static str = RETURN_COLUMNS;
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
    /// `?q=` finds a return by its order's number and its client's name
    /// or code.
    const SEARCHABLE: &'static [&'static str] = &[
        "(SELECT d.number FROM sales_documents d WHERE d.id = sales_returns.order_id)",
        "(SELECT c.name FROM sales_documents d JOIN clients c ON c.id = d.client_id WHERE d.id = sales_returns.order_id)",
        "(SELECT c.code FROM sales_documents d JOIN clients c ON c.id = d.client_id WHERE d.id = sales_returns.order_id)",
    ];
    const DEFAULT_SORT: &'static str = "created_at";
}

const RETURN_COLUMNS: &str = "id, order_id, reason, restock, created_at";

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesReturnLine {
    pub id: Uuid,
    pub order_line_id: Uuid,
    #[schema(value_type = String, example = "1")]
    pub quantity: Fixed<Quantity>,
    /// The restocking receipt, if the goods went back into stock.
    pub movement_id: Option<Uuid>,
}

pub async fn insert_return(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    reason: &str,
    restock: bool,
    created_by: Uuid,
) -> Result<SalesReturn, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO sales_returns (id, organization_id, order_id, reason, restock, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {RETURN_COLUMNS}"
        ))
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(order_id)
        .bind(reason)
        .bind(restock)
        .bind(created_by)
        .bind(now()),
    )
    .await
}

pub async fn insert_return_line(
    tx: &mut Tx,
    organization_id: Uuid,
    return_id: Uuid,
    order_line_id: Uuid,
    quantity: Quantity,
    movement_id: Option<Uuid>,
) -> Result<SalesReturnLine, DbError> {
    tx.fetch_one(
        Sql::new(
            "INSERT INTO sales_return_lines (id, organization_id, return_id, order_line_id, quantity, movement_id) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, order_line_id, quantity, movement_id",
        )
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(return_id)
        .bind(order_line_id)
        .bind(quantity)
        .bind(movement_id),
    )
    .await
}

/// How much of each line of an invoice its credit notes (drafts
/// included) already take back: what a line may still be credited is its
/// quantity less this. Read it with the invoice row locked, as
/// `credit_invoice` does, so a concurrent credit note is counted.
pub async fn credited_quantities(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<(Uuid, Quantity)>, DbError> {
    let rows: Vec<(Uuid, i64)> = tx
        .fetch_all(credited_query(organization_id, invoice_id))
        .await?;
    Ok(quantities_per_line(rows))
}

/// What credit notes took back of each line of an invoice, outside a
/// transaction (to show it).
pub async fn credited_quantities_of(
    db: &Db,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<(Uuid, Quantity)>, DbError> {
    let rows: Vec<(Uuid, i64)> = db
        .fetch_all(credited_query(organization_id, invoice_id))
        .await?;
    Ok(quantities_per_line(rows))
}

fn credited_query(organization_id: Uuid, invoice_id: Uuid) -> Sql {
    Sql::new(
        "SELECT l.source_line_id, CAST(SUM(l.quantity) AS BIGINT) FROM sales_lines l \
         JOIN sales_documents d ON d.id = l.document_id \
         WHERE d.kind = 'credit_note' AND d.source_id = $1 AND l.source_line_id IS NOT NULL \
         AND EXISTS (SELECT 1 FROM sales_documents i WHERE i.id = $1 AND i.organization_id = $2) \
         GROUP BY l.source_line_id",
    )
    .bind(invoice_id)
    .bind(organization_id)
}

fn quantities_per_line(rows: Vec<(Uuid, i64)>) -> Vec<(Uuid, Quantity)> {
    rows.into_iter()
        .map(|(line_id, units)| (line_id, Quantity::from_units(units)))
        .collect()
}

/// Takes an issued credit note's amount off its invoice, still at
/// `version`; `None` if the invoice changed meanwhile.
pub async fn apply_credit(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SalesDocument,
    amount: Money,
    status: DocumentStatus,
) -> Result<Option<SalesDocument>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET amount_credited = amount_credited + $1, status = $2, \
             updated_at = $3, version = version + 1 \
             WHERE id = $4 AND organization_id = $5 AND version = $6 RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(amount)
        .bind(status.as_str())
        .bind(now())
        .bind(invoice.id)
        .bind(organization_id)
        .bind(invoice.version),
    )
    .await
}
