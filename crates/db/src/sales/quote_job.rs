//! The quote job's storage: expiring quotes past their validity and
//! recording reminders, each exactly once across instances.

use super::documents::SalesDocument;
use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{self, Table};
use chrono::NaiveDate;
use comptoir_domain::sales::DocumentStatus;
use comptoir_domain::time_zone::TimeZone;
use uuid::Uuid;

/// A document with the organization it belongs to, for jobs that work
/// across organizations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnedDocument {
    pub organization_id: Uuid,
    #[sqlx(flatten)]
    pub document: SalesDocument,
}

/// Moves every `from` quote of the organizations in `zone` whose validity
/// ended before their today to `to`, in one conditional update: two instances never expire one twice.
pub async fn expire_quotes(
    tx: &mut Tx,
    from: DocumentStatus,
    to: DocumentStatus,
    zone: TimeZone,
) -> Result<Vec<OwnedDocument>, DbError> {
    let today: NaiveDate = zone.date_at(now());
    tx.fetch_all(
        Sql::new(format!(
            "UPDATE sales_documents SET status = $1, updated_at = $2, version = version + 1 \
             WHERE kind = 'quote' AND status = $3 AND valid_until < $4 \
             AND organization_id IN (SELECT id FROM organizations WHERE time_zone = $5) \
             RETURNING organization_id, {}",
            SalesDocument::COLUMNS
        ))
        .bind(to.as_str())
        .bind(now())
        .bind(from.as_str())
        .bind(today)
        .bind(zone.name()),
    )
    .await
}

/// The time zones the organizations are in, each once: a quote expires
/// when its organization's day has passed its validity date.
pub async fn time_zones(tx: &mut Tx) -> Result<Vec<TimeZone>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Zone {
        #[sqlx(try_from = "String")]
        time_zone: TimeZone,
    }
    let zones: Vec<Zone> = tx
        .fetch_all(Sql::new("SELECT DISTINCT time_zone FROM organizations"))
        .await?;
    Ok(zones.into_iter().map(|zone| zone.time_zone).collect())
}

/// Records the `days` reminder of every quote still `status` whose
/// `quote_sent` event is at least that old; returns the quotes reminded
/// now, each only once ever (the reminder's key refuses a second).
pub async fn remind_quotes(
    tx: &mut Tx,
    status: DocumentStatus,
    days: i64,
) -> Result<Vec<OwnedDocument>, DbError> {
    let at = now();
    let reminded: Vec<(Uuid, Uuid)> = tx
        .fetch_all(
            Sql::new(
                "INSERT INTO quote_reminders (quote_id, organization_id, days, created_at) \
                 SELECT d.id, d.organization_id, $1, $2 FROM sales_documents d \
                 JOIN business_events e ON e.organization_id = d.organization_id \
                 AND e.subject_type = 'quote' AND e.subject_id = d.id AND e.event_type = 'quote_sent' \
                 WHERE d.kind = 'quote' AND d.status = $3 AND e.occurred_at <= $4 \
                 ON CONFLICT (quote_id, days) DO NOTHING RETURNING quote_id, organization_id",
            )
            .bind(days)
            .bind(at)
            .bind(status.as_str())
            .bind(at - chrono::Duration::days(days)),
        )
        .await?;
    let mut quotes = Vec::with_capacity(reminded.len());
    for (quote_id, organization_id) in reminded {
        quotes.push(OwnedDocument {
            organization_id,
            document: resource::get_in(tx, organization_id, quote_id).await?,
        });
    }
    Ok(quotes)
}
