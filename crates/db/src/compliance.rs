//! The inalterability chain of sales records and the period closings.
//!
//! Every issued invoice and credit note, every payment and every closing is
//! linked, in the transaction that makes it, into its organization's
//! chain: `hash = sha256(previous hash || canonical content)`. The content
//! is rebuilt from the record itself, so verifying the chain detects a
//! record changed behind the application's back. The position comes from a
//! counter whose row stays locked until commit: links are appended one at
//! a time per organization, with no gap.
//!
//! Lock order is always document → series → chain: the issuing or paying
//! transaction holds the document's row, then its numbering series'
//! counter, and takes the chain position last, so two issuers never wait
//! on each other in opposite orders. `sales_chain`, `sales_closings` and
//! `payments` refuse `UPDATE` and `DELETE` (triggers on both backends).

use crate::error::DbError;
use crate::files::FileError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Fixed};
use crate::sales::{self, Payment, SalesDocument, SalesLine};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::audit::{GENESIS_HASH, chain_hash};
use comptoir_domain::compliance::Period;
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::PaymentKind;
use serde::Serialize;
use serde_json::{Value, json};
use uuid::Uuid;

/// What stops a record from joining the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The date falls in a closed period.
    #[error("the period {0} is closed: nothing dated in it can be recorded")]
    Closed(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// What an issued invoice or credit note is, for the chain: everything but
/// its payment state, which moves after issue.
pub fn document_content(document: &SalesDocument, lines: &[SalesLine]) -> Value {
    let mut content = serde_json::to_value(document).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut content {
        for moving in [
            "amount_paid",
            "amount_credited",
            "status",
            "updated_at",
            "version",
        ] {
            map.remove(moving);
        }
        // Documents issued before PDFs were rendered have none: their
        // links verify as they were written.
        for printed in ["pdf_sha256", "xml_sha256"] {
            if map.get(printed).is_some_and(Value::is_null) {
                map.remove(printed);
            }
        }
        map.insert("lines".into(), json!(lines));
    }
    content
}

pub fn payment_content(payment: &Payment) -> Value {
    let mut content = serde_json::to_value(payment).unwrap_or(Value::Null);
    // Payments chained before refunds existed had no kind: money received
    // is still spelled without one, so their links verify as they did.
    if payment.kind == PaymentKind::Payment
        && let Value::Object(map) = &mut content
    {
        map.remove("kind");
    }
    content
}

fn closing_content(closing: &Closing) -> Value {
    serde_json::to_value(closing).unwrap_or(Value::Null)
}

/// Takes the organization's next chain position; the counter row stays
/// locked until the caller's transaction ends.
async fn next_position(tx: &mut Tx, organization_id: Uuid) -> Result<i64, DbError> {
    resource::next_counter(tx, organization_id, "sales_chain").await
}

/// Refuses a record dated in a closed month or year. Called after the
/// chain position is taken, so a closing committed before is seen.
async fn check_open(tx: &mut Tx, organization_id: Uuid, date: NaiveDate) -> Result<(), ChainError> {
    let [month, year] = Period::names_of(date);
    let closed: Option<(String,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT period FROM sales_closings WHERE organization_id = $1 AND period IN ($2, $3) \
                 ORDER BY period LIMIT 1",
            )
            .bind(organization_id)
            .bind(month)
            .bind(year),
        )
        .await?;
    match closed {
        Some((period,)) => Err(ChainError::Closed(period)),
        None => Ok(()),
    }
}

async fn link(
    tx: &mut Tx,
    organization_id: Uuid,
    position: i64,
    record_type: &str,
    record_id: Uuid,
    content: &Value,
) -> Result<(), DbError> {
    let previous_hash = if position == 1 {
        GENESIS_HASH.to_owned()
    } else {
        let (hash,): (String,) = tx
            .fetch_one(
                Sql::new(
                    "SELECT hash FROM sales_chain WHERE organization_id = $1 AND position = $2",
                )
                .bind(organization_id)
                .bind(position - 1),
            )
            .await?;
        hash
    };
    tx.execute(
        Sql::new(
            "INSERT INTO sales_chain (organization_id, position, record_type, record_id, previous_hash, \
             hash, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(organization_id)
        .bind(position)
        .bind(record_type)
        .bind(record_id)
        .bind(previous_hash.as_str())
        .bind(chain_hash(&previous_hash, content))
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// Links an issued invoice or credit note into the chain.
pub async fn chain_document(
    tx: &mut Tx,
    organization_id: Uuid,
    document: &SalesDocument,
) -> Result<(), ChainError> {
    let position = next_position(tx, organization_id).await?;
    if let Some(date) = document.issue_date {
        check_open(tx, organization_id, date).await?;
    }
    let lines = sales::lines_in(tx, organization_id, document.id).await?;
    let content = document_content(document, &lines);
    link(
        tx,
        organization_id,
        position,
        document.kind.as_str(),
        document.id,
        &content,
    )
    .await?;
    Ok(())
}

/// Links a payment into the chain.
pub async fn chain_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    payment: &Payment,
) -> Result<(), ChainError> {
    let position = next_position(tx, organization_id).await?;
    check_open(tx, organization_id, payment.payment_date).await?;
    link(
        tx,
        organization_id,
        position,
        "payment",
        payment.id,
        &payment_content(payment),
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Closing {
    pub id: Uuid,
    /// `2026-11` or `2026`.
    pub period: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Invoices and credit notes issued in the period.
    pub document_count: i64,
    /// Invoices less credit notes.
    #[schema(value_type = String, example = "1200.00")]
    pub total_excl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "240.00")]
    pub total_tax: Fixed<Money>,
    #[schema(value_type = String, example = "1440.00")]
    pub total_incl_tax: Fixed<Money>,
    /// Invoices less credit notes since the first one, to the period's end.
    #[schema(value_type = String, example = "9870.00")]
    pub cumulative_incl_tax: Fixed<Money>,
    pub closed_at: DateTime<Utc>,
}

const CLOSING_COLUMNS: &str = "id, period, starts_on, ends_on, document_count, total_excl_tax, total_tax, \
    total_incl_tax, cumulative_incl_tax, closed_at";

/// Signed sums of issued invoices (plus) and credit notes (minus).
const SIGNED: &str = "CASE kind WHEN 'credit_note' THEN -1 ELSE 1 END";

/// Closes a period: records its totals, chained after everything issued
/// before, and from then on nothing dated in it can be issued. `None` if
/// the period is already closed. The totals (invoices less credit notes)
/// are summed under the chain position's lock, which every issuer takes
/// before its date check, so none can slip into the period meanwhile.
pub async fn close(
    tx: &mut Tx,
    organization_id: Uuid,
    period: Period,
    closed_by: Uuid,
) -> Result<Option<Closing>, DbError> {
    let position = next_position(tx, organization_id).await?;
    let (starts_on, ends_on) = period.bounds();
    let (count, excl, tax, incl): (i64, i64, i64, i64) = tx
        .fetch_one(
            Sql::new(format!(
                "SELECT COUNT(*), CAST(COALESCE(SUM({SIGNED} * total_excl_tax), 0) AS BIGINT), \
                 CAST(COALESCE(SUM({SIGNED} * total_tax), 0) AS BIGINT), \
                 CAST(COALESCE(SUM({SIGNED} * total_incl_tax), 0) AS BIGINT) \
                 FROM sales_documents WHERE organization_id = $1 AND kind IN ('invoice', 'credit_note') \
                 AND number IS NOT NULL AND issue_date >= $2 AND issue_date <= $3"
            ))
            .bind(organization_id)
            .bind(starts_on)
            .bind(ends_on),
        )
        .await?;
    let (cumulative,): (i64,) = tx
        .fetch_one(
            Sql::new(format!(
                "SELECT CAST(COALESCE(SUM({SIGNED} * total_incl_tax), 0) AS BIGINT) \
                 FROM sales_documents WHERE organization_id = $1 AND kind IN ('invoice', 'credit_note') \
                 AND number IS NOT NULL AND issue_date <= $2"
            ))
            .bind(organization_id)
            .bind(ends_on),
        )
        .await?;
    let inserted: Option<Closing> = tx
        .fetch_optional(
            Sql::new(format!(
                "INSERT INTO sales_closings (id, organization_id, period, starts_on, ends_on, document_count, \
                 total_excl_tax, total_tax, total_incl_tax, cumulative_incl_tax, closed_by, closed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (organization_id, period) DO NOTHING RETURNING {CLOSING_COLUMNS}"
            ))
            .bind(Uuid::now_v7())
            .bind(organization_id)
            .bind(period.name())
            .bind(starts_on)
            .bind(ends_on)
            .bind(count)
            .bind(excl)
            .bind(tax)
            .bind(incl)
            .bind(cumulative)
            .bind(closed_by)
            .bind(now()),
        )
        .await?;
    let Some(closing) = inserted else {
        return Ok(None);
    };
    link(
        tx,
        organization_id,
        position,
        "closing",
        closing.id,
        &closing_content(&closing),
    )
    .await?;
    Ok(Some(closing))
}

pub async fn closings(db: &Db, organization_id: Uuid) -> Result<Vec<Closing>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {CLOSING_COLUMNS} FROM sales_closings WHERE organization_id = $1 ORDER BY closed_at, period"
        ))
        .bind(organization_id),
    )
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct ChainRow {
    organization_id: Uuid,
    position: i64,
    record_type: String,
    record_id: Uuid,
    previous_hash: String,
    hash: String,
}

/// The first record of the chain that no longer matches its link.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BrokenLink {
    pub organization_id: Uuid,
    pub position: i64,
    /// `invoice`, `credit_note`, `payment` or `closing`.
    pub record_type: String,
    pub record_id: Uuid,
    pub reason: String,
}

/// The content a chained record has now, or `None` if it is gone.
async fn current_content(db: &Db, row: &ChainRow) -> Result<Option<Value>, DbError> {
    let organization_id = row.organization_id;
    match row.record_type.as_str() {
        "payment" => Ok(sales::payment(db, organization_id, row.record_id)
            .await?
            .map(|payment| payment_content(&payment))),
        "closing" => {
            let closing: Option<Closing> = db
                .fetch_optional(
                    Sql::new(format!(
                        "SELECT {CLOSING_COLUMNS} FROM sales_closings WHERE id = $1 AND organization_id = $2"
                    ))
                    .bind(row.record_id)
                    .bind(organization_id),
                )
                .await?;
            Ok(closing.map(|closing| closing_content(&closing)))
        }
        _ => match resource::get::<SalesDocument>(db, organization_id, row.record_id).await {
            Ok(document) => {
                let lines = sales::lines(db, organization_id, document.id).await?;
                Ok(Some(document_content(&document, &lines)))
            }
            Err(DbError::NotFound) => Ok(None),
            Err(other) => Err(other),
        },
    }
}

/// Walks the chains (one organization's, or all), rebuilding each record's
/// content; returns how many links were checked and the first broken one.
pub async fn verify(
    db: &Db,
    organization_id: Option<Uuid>,
) -> Result<(u64, Option<BrokenLink>), DbError> {
    let rows: Vec<ChainRow> = db
        .fetch_all(
            Sql::new(
                "SELECT organization_id, position, record_type, record_id, previous_hash, hash \
                 FROM sales_chain WHERE ($1 IS NULL OR organization_id = $1) \
                 ORDER BY organization_id, position",
            )
            .bind(organization_id),
        )
        .await?;
    let mut checked = 0;
    let mut previous: Option<&ChainRow> = None;
    for row in &rows {
        let same_organization = previous.is_some_and(|p| p.organization_id == row.organization_id);
        let (expected_position, expected_previous) = match previous {
            Some(p) if same_organization => (p.position + 1, p.hash.as_str()),
            _ => (1, GENESIS_HASH),
        };
        let broken = |reason: &str| BrokenLink {
            organization_id: row.organization_id,
            position: row.position,
            record_type: row.record_type.clone(),
            record_id: row.record_id,
            reason: reason.to_owned(),
        };
        if row.position != expected_position {
            return Ok((checked, Some(broken("a link is missing before this one"))));
        }
        if row.previous_hash != expected_previous {
            return Ok((
                checked,
                Some(broken(
                    "its previous hash is not the hash of the link before",
                )),
            ));
        }
        let Some(content) = current_content(db, row).await? else {
            return Ok((checked, Some(broken("the record is gone"))));
        };
        if chain_hash(&row.previous_hash, &content) != row.hash {
            return Ok((
                checked,
                Some(broken("the record was changed after it was chained")),
            ));
        }
        if let Some(reason) = altered_file(db, &content).await {
            return Ok((checked, Some(broken(&reason))));
        }
        checked += 1;
        previous = Some(row);
    }
    Ok((checked, None))
}

/// Why the PDF or XML a chained document names is no longer what was
/// stored, if it is not: the chain holds their hashes, the store checks
/// the bytes against them.
async fn altered_file(db: &Db, content: &Value) -> Option<String> {
    for (field, what) in [("pdf_sha256", "PDF"), ("xml_sha256", "Factur-X XML")] {
        let Some(sha256) = content.get(field).and_then(Value::as_str) else {
            continue;
        };
        match db.files().get(sha256).await {
            Ok(_) => {}
            Err(FileError::Altered(_)) => {
                return Some(format!("its stored {what} was changed after it was issued"));
            }
            Err(FileError::Missing(_)) => return Some(format!("its stored {what} is missing")),
            Err(error) => return Some(format!("its stored {what} cannot be read: {error}")),
        }
    }
    None
}
