//! Status changes: the plain conditional move, the move that writes its
//! audit entry and business event along (one statement on PostgreSQL),
//! and issuing (numbering and dating) an invoice or a credit note.

use super::documents::SalesDocument;
use super::events::{EVENT_COLUMNS, NewEvent, event_data, event_values, record_event};
use crate::audit::{self, Actor};
use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::Table;
use chrono::NaiveDate;
use comptoir_domain::sales::DocumentStatus;
use serde_json::Value;
use uuid::Uuid;

/// Moves a document from `from` to `to`; `None` if it is no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    from: DocumentStatus,
    to: DocumentStatus,
) -> Result<Option<SalesDocument>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET status = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND organization_id = $4 AND status = $5 RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(to.as_str())
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(from.as_str()),
    )
    .await
}

/// Moves a document from its current status to `to` with its audit entry
/// and its business event (`event_type`, also the audit action); `None` if
/// it is no longer in the status it was read in. One statement on
/// PostgreSQL, whose writing CTEs take the entry and the event along with
/// the update; three on SQLite. The caller holds the document's row, so
/// the entry's after-state is what the update makes of it.
pub async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    current: &SalesDocument,
    to: DocumentStatus,
    event_type: &str,
) -> Result<Option<SalesDocument>, DbError> {
    let at = now();
    let moved = SalesDocument {
        status: to,
        updated_at: at,
        version: current.version + 1,
        ..current.clone()
    };
    let as_json = |document: &SalesDocument| {
        serde_json::to_value(document).map_err(|e| DbError::Bind(e.into()))
    };
    let [before, after] = [as_json(current)?, as_json(&moved)?];
    let event = NewEvent {
        event_type,
        subject_type: current.kind.as_str(),
        subject_id: current.id,
        client_id: Some(current.client_id),
        actor_id: actor.user_id,
        data: event_data(&moved, Value::Null),
    };
    let mut sql = Sql::default();
    let update = format!(
        "UPDATE sales_documents SET status = {}, updated_at = {}, version = version + 1 \
         WHERE id = {} AND organization_id = {} AND status = {} RETURNING {}",
        sql.arg(to.as_str()),
        sql.arg(at),
        sql.arg(current.id),
        sql.arg(actor.organization_id),
        sql.arg(current.status.as_str()),
        SalesDocument::COLUMNS
    );
    if tx.backend() == crate::Backend::Sqlite {
        sql.push(&update);
        let Some(moved) = tx.fetch_optional::<SalesDocument>(sql).await? else {
            return Ok(None);
        };
        audit::record(
            tx,
            actor,
            event_type,
            current.kind.as_str(),
            Some(current.id),
            Some(before),
            Some(after),
        )
        .await?;
        record_event(tx, actor.organization_id, event).await?;
        return Ok(Some(moved));
    }
    let audit = audit::pending_entry_from(
        &mut sql,
        "moved",
        actor,
        event_type,
        current.kind.as_str(),
        current.id,
        [Some(before), Some(after)],
    );
    let event = event_values(&mut sql, actor.organization_id, event);
    sql.push(&format!(
        "WITH moved AS ({update}), audit AS ({audit}), \
         event AS (INSERT INTO business_events ({EVENT_COLUMNS}) SELECT {event} FROM moved) \
         SELECT {} FROM moved",
        SalesDocument::COLUMNS
    ));
    let moved = tx.fetch_optional(sql).await?;
    tx.audited();
    Ok(moved)
}

/// Numbers and dates a draft invoice or credit note; `None` if it is no
/// longer a draft (the update is conditional on `draft` and no number, so
/// a document is issued once even when two requests race).
pub async fn issue(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    number: &str,
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
) -> Result<Option<SalesDocument>, DbError> {
    let at = now();
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET status = 'issued', number = $1, issue_date = $2, due_date = $3, \
             issued_at = $4, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND organization_id = $6 AND kind IN ('invoice', 'credit_note') AND status = 'draft' \
             AND number IS NULL RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(number)
        .bind(issue_date)
        .bind(due_date)
        .bind(at)
        .bind(id)
        .bind(organization_id),
    )
    .await
}

/// Names the PDF (and Factur-X XML) rendered for an issued document, once:
/// `None` if it already has one. The files are in the store before this
/// runs; the database refuses to change them afterwards.
pub async fn attach_printed(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    pdf_sha256: &str,
    xml_sha256: Option<&str>,
) -> Result<Option<SalesDocument>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET pdf_sha256 = $1, xml_sha256 = $2 \
             WHERE id = $3 AND organization_id = $4 AND number IS NOT NULL AND pdf_sha256 IS NULL \
             RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(pdf_sha256)
        .bind(xml_sha256)
        .bind(id)
        .bind(organization_id),
    )
    .await
}
