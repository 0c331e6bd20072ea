//! The dashboard's sums and counts, for `services::dashboard`: revenue and
//! confirmed orders per day (the service buckets days into months and ISO
//! weeks with `domain::dashboard`, so no date function differs between
//! the backends), the invoices still owing money, quote and order counts,
//! the best clients and products of a period, and warehouse names.
//!
//! Revenue is the net total (`total_excl_tax`, whole ten-thousandths) of
//! issued invoices less that of issued credit notes, by issue date,
//! summed in SQL as integers: exact on both backends (`CAST(SUM(…) AS
//! BIGINT)` since PostgreSQL sums `BIGINT` into `NUMERIC`). The index of
//! `0016_dashboard.sql` covers the per-day sums.

use crate::error::DbError;
use crate::pool::{Db, Sql};
use crate::resource::Fixed;
use crate::sales::filters::OWING;
use chrono::NaiveDate;
use comptoir_domain::dashboard::{awaits_delivery, is_confirmed, was_sent};
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::{DocumentStatus, OrderStatus, QuoteStatus};
use uuid::Uuid;

/// Issued invoices and credit notes, of alias `d`.
const ISSUED: &str = "d.kind IN ('invoice', 'credit_note') AND d.status <> 'draft'";

/// `column` counted for an invoice and against it for a credit note.
fn signed(column: &str) -> String {
    format!("CASE WHEN d.kind = 'invoice' THEN {column} ELSE -{column} END")
}

/// `'a', 'b'`: the stored names of the statuses `keep` selects.
fn statuses<S: Copy + Into<DocumentStatus>>(all: &[S], keep: impl Fn(S) -> bool) -> String {
    all.iter()
        .copied()
        .filter(|status| keep(*status))
        .map(|status| format!("'{}'", status.into().as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A day's net revenue.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayAmount {
    pub day: NaiveDate,
    pub amount: Fixed<Money>,
}

/// Net revenue per issue day, from `from` to `to` included; days without
/// an issued document are absent.
pub async fn revenue_per_day(
    db: &Db,
    organization_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayAmount>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT d.issue_date AS day, CAST(SUM({}) AS BIGINT) AS amount \
             FROM sales_documents d \
             WHERE d.organization_id = $1 AND {ISSUED} AND d.issue_date >= $2 AND d.issue_date <= $3 \
             GROUP BY d.issue_date ORDER BY d.issue_date",
            signed("d.total_excl_tax")
        ))
        .bind(organization_id)
        .bind(from)
        .bind(to),
    )
    .await
}

/// A day's count of documents.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DayCount {
    pub day: NaiveDate,
    pub count: i64,
}

/// Confirmed orders (`domain::dashboard::is_confirmed`) per order date,
/// from `from` to `to` included.
pub async fn confirmed_orders_per_day(
    db: &Db,
    organization_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DayCount>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT d.issue_date AS day, COUNT(*) AS count FROM sales_documents d \
             WHERE d.organization_id = $1 AND d.kind = 'order' AND d.status IN ({}) \
             AND d.issue_date >= $2 AND d.issue_date <= $3 \
             GROUP BY d.issue_date ORDER BY d.issue_date",
            statuses(OrderStatus::ALL, is_confirmed)
        ))
        .bind(organization_id)
        .bind(from)
        .bind(to),
    )
    .await
}

/// What an invoice still owing money stands at (`domain::balance`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwingInvoice {
    #[sqlx(try_from = "String")]
    pub status: DocumentStatus,
    pub due_date: Option<NaiveDate>,
    pub total_incl_tax: Fixed<Money>,
    pub amount_paid: Fixed<Money>,
    pub amount_credited: Fixed<Money>,
}

/// The issued invoices not yet paid nor credited in full: the statuses
/// the overdue filter of the invoice list selects (`sales::filters`).
pub async fn owing_invoices(db: &Db, organization_id: Uuid) -> Result<Vec<OwingInvoice>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT status, due_date, total_incl_tax, amount_paid, amount_credited \
             FROM sales_documents WHERE organization_id = $1 AND kind = 'invoice' AND {OWING}"
        ))
        .bind(organization_id),
    )
    .await
}

/// Quotes waiting for an answer, and those of a period that were sent and
/// that were converted into an order.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct QuoteCounts {
    pub awaiting: i64,
    pub sent: i64,
    pub converted: i64,
}

/// [`QuoteCounts`], the period's being the quotes dated from `since` to
/// `until` included.
pub async fn quote_counts(
    db: &Db,
    organization_id: Uuid,
    since: NaiveDate,
    until: NaiveDate,
) -> Result<QuoteCounts, DbError> {
    let in_period = "d.issue_date >= $2 AND d.issue_date <= $3";
    db.fetch_one(
        Sql::new(format!(
            "SELECT COUNT(CASE WHEN d.status = 'sent' THEN 1 END) AS awaiting, \
             COUNT(CASE WHEN {in_period} AND d.status IN ({sent}) THEN 1 END) AS sent, \
             COUNT(CASE WHEN {in_period} AND d.status = 'converted' THEN 1 END) AS converted \
             FROM sales_documents d WHERE d.organization_id = $1 AND d.kind = 'quote' \
             AND (d.status = 'sent' OR ({in_period}))",
            sent = statuses(QuoteStatus::ALL, was_sent)
        ))
        .bind(organization_id)
        .bind(since)
        .bind(until),
    )
    .await
}

/// Confirmed orders with something left to deliver
/// (`domain::dashboard::awaits_delivery`).
pub async fn orders_to_deliver(db: &Db, organization_id: Uuid) -> Result<i64, DbError> {
    let (count,): (i64,) = db
        .fetch_one(
            Sql::new(format!(
                "SELECT COUNT(*) FROM sales_documents \
                 WHERE organization_id = $1 AND kind = 'order' AND status IN ({})",
                statuses(OrderStatus::ALL, awaits_delivery)
            ))
            .bind(organization_id),
        )
        .await?;
    Ok(count)
}

/// A client, product or warehouse with an amount.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ranked {
    pub id: Uuid,
    pub name: String,
    pub amount: Fixed<Money>,
}

/// The `limit` clients with the most net revenue from `from` to `to`
/// included, most first (ties by name).
pub async fn top_clients(
    db: &Db,
    organization_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<Ranked>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT c.id, c.name, CAST(SUM({}) AS BIGINT) AS amount \
             FROM sales_documents d JOIN clients c ON c.id = d.client_id \
             WHERE d.organization_id = $1 AND {ISSUED} AND d.issue_date >= $2 AND d.issue_date <= $3 \
             GROUP BY c.id, c.name ORDER BY amount DESC, c.name, c.id LIMIT $4",
            signed("d.total_excl_tax")
        ))
        .bind(organization_id)
        .bind(from)
        .bind(to)
        .bind(limit),
    )
    .await
}

/// The `limit` products with the most net revenue on the lines of issued
/// invoices less credit notes from `from` to `to` included (line totals,
/// before any document-level discount), most first.
pub async fn top_products(
    db: &Db,
    organization_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    limit: i64,
) -> Result<Vec<Ranked>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT p.id, p.name, CAST(SUM({}) AS BIGINT) AS amount \
             FROM sales_documents d JOIN sales_lines l ON l.document_id = d.id \
             JOIN products p ON p.id = l.product_id \
             WHERE d.organization_id = $1 AND {ISSUED} AND d.issue_date >= $2 AND d.issue_date <= $3 \
             GROUP BY p.id, p.name ORDER BY amount DESC, p.name, p.id LIMIT $4",
            signed("l.total_excl_tax")
        ))
        .bind(organization_id)
        .bind(from)
        .bind(to)
        .bind(limit),
    )
    .await
}

/// The organization's warehouses, id and name, by code.
pub async fn warehouse_names(
    db: &Db,
    organization_id: Uuid,
) -> Result<Vec<(Uuid, String)>, DbError> {
    db.fetch_all(
        Sql::new("SELECT id, name FROM warehouses WHERE organization_id = $1 ORDER BY code, id")
            .bind(organization_id),
    )
    .await
}
