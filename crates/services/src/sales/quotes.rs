//! Quotes (devis), numbered `DEV-YYYY-NNNNN`: sent, accepted or refused,
//! converted into an order, or replaced by a new version; the job that
//! expires them and writes their reminders.

use super::drafts::{copy_of, create};
use super::events::{event, job_event};
use super::views::{DocumentDetail, detail};
use super::{load, move_to, next_quote};
use crate::{Actor, ServiceError, ServiceResult};
use chrono::Datelike;
use comptoir_db::audit as audit_store;
use comptoir_db::sales::{self as store, SalesDocument};
use comptoir_db::{Db, Tx, numbering};
use comptoir_domain::sales::{
    DocumentKind, QUOTE_REMINDER_DAYS, QuoteAction, QuoteStatus, next_version, quote_transition,
};
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Quote;

/// Applies a status-only action.
async fn act(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    action: QuoteAction,
    event_type: &'static str,
) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let quote = load(&mut tx, actor.organization_id, id, KIND).await?;
    let to = next_quote(&quote, action)?;
    let moved = move_to(&mut tx, actor, &quote, to.into(), event_type).await?;
    tx.commit().await?;
    detail(db, actor, moved).await
}

/// Sends a draft quote to the client.
pub async fn send_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    act(db, actor, id, QuoteAction::Send, "quote_sent").await
}

/// The client accepted a sent quote.
pub async fn accept_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    act(db, actor, id, QuoteAction::Accept, "quote_accepted").await
}

/// The client refused a sent quote.
pub async fn refuse_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    act(db, actor, id, QuoteAction::Refuse, "quote_refused").await
}

/// Turns an accepted quote into a draft order (`CMD-YYYY-NNNNN`) with the
/// same lines and prices; the quote becomes `converted`. Answers the order.
pub async fn convert_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let quote = load(&mut tx, actor.organization_id, id, KIND).await?;
    let to = next_quote(&quote, QuoteAction::Convert)?;
    let converted = move_to(&mut tx, actor, &quote, to.into(), "quote_converted").await?;
    let order = copy_into(&mut tx, actor, &converted, DocumentKind::Order).await?;
    tx.commit().await?;
    detail(db, actor, order).await
}

async fn copy_into(
    tx: &mut Tx,
    actor: &Actor,
    quote: &SalesDocument,
    kind: DocumentKind,
) -> ServiceResult<SalesDocument> {
    let lines = store::lines_in(tx, actor.organization_id, quote.id).await?;
    let mut input = copy_of(quote, &lines);
    let today = actor.today();
    input.issue_date = Some(today);
    input.valid_until = None;
    let number =
        numbering::next_number(tx, actor.organization_id, kind.series(), today.year()).await?;
    create(tx, actor, kind, Some(number), Some(quote.id), &input).await
}

/// Starts a new version of a quote: a draft copy numbered like it with
/// `-v2`, `-v3`…; this one becomes `superseded` and read-only. Answers the
/// copy.
pub async fn version_quote(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let quote = load(&mut tx, actor.organization_id, id, KIND).await?;
    let to = next_quote(&quote, QuoteAction::Supersede)?;
    let superseded = move_to(&mut tx, actor, &quote, to.into(), "quote_superseded").await?;
    let lines = store::lines_in(&mut tx, actor.organization_id, id).await?;
    let (version, number) = next_version(quote.number.as_deref().unwrap_or_default());
    let input = copy_of(&superseded, &lines);
    let copy = create(&mut tx, actor, KIND, Some(number), Some(id), &input).await?;
    event(
        &mut tx,
        actor,
        "quote_versioned",
        &copy,
        json!({ "previous_id": id, "version": version }),
    )
    .await?;
    tx.commit().await?;
    detail(db, actor, copy).await
}

/// The quotes' background job, run by every instance: sent quotes past
/// their validity date expire, and unanswered ones get their reminders
/// after 7 and 15 days. Each change is one conditional statement, so with
/// several instances each quote expires once and each reminder is written
/// once, with its event. It acts for no user: its audit entries and events
/// have no actor.
pub async fn sweep_quotes(db: &Db) -> ServiceResult<()> {
    let sent = QuoteStatus::Sent;
    let expired =
        quote_transition(sent, QuoteAction::Expire).map_err(ServiceError::InvalidTransition)?;
    let mut tx = db.begin().await?;
    let mut expired_quotes = Vec::new();
    for zone in store::time_zones(&mut tx).await? {
        expired_quotes
            .extend(store::expire_quotes(&mut tx, sent.into(), expired.into(), zone).await?);
    }
    for owned in expired_quotes {
        let actor = audit_store::Actor {
            organization_id: owned.organization_id,
            user_id: None,
            request_id: None,
            ip: None,
        };
        audit_store::record(
            &mut tx,
            &actor,
            "quote_expired",
            KIND.as_str(),
            Some(owned.document.id),
            None,
            serde_json::to_value(&owned.document).ok(),
        )
        .await?;
        job_event(
            &mut tx,
            owned.organization_id,
            "quote_expired",
            &owned.document,
            json!({}),
        )
        .await?;
    }
    for days in QUOTE_REMINDER_DAYS {
        for owned in store::remind_quotes(&mut tx, sent.into(), days).await? {
            job_event(
                &mut tx,
                owned.organization_id,
                "quote_reminder_due",
                &owned.document,
                json!({ "days": days }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
