//! Business events, written in the transaction of the change they
//! describe.

use super::documents::SalesDocument;
use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::Table;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BusinessEvent {
    pub id: Uuid,
    /// `quote_sent`, `order_confirmed`, `invoice_issued`, …
    pub event_type: String,
    /// `quote`, `order`, `invoice`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub client_id: Option<Uuid>,
    /// The user who did it; none for background jobs.
    pub actor_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub data: sqlx::types::Json<Value>,
    pub occurred_at: DateTime<Utc>,
}

impl Table for BusinessEvent {
    const TABLE: &'static str = "business_events";
    const COLUMNS: &'static str =
        "id, event_type, subject_type, subject_id, client_id, actor_id, data, occurred_at";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("occurred_at", "occurred_at")];
    const SEARCHABLE: &'static [&'static str] = &["event_type"];
    const DEFAULT_SORT: &'static str = "occurred_at";
}

/// One business event, written in the caller's transaction.
pub struct NewEvent<'a> {
    pub event_type: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Uuid,
    pub client_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub data: Value,
}

/// What an event about `document` says: `data`'s fields, and the
/// document's number and status.
pub fn event_data(document: &SalesDocument, data: Value) -> Value {
    let mut data = match data {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    data.insert("number".into(), document.number.clone().into());
    data.insert("status".into(), document.status.as_str().into());
    Value::Object(data)
}

/// Columns of `business_events` a new event fills, in the order
/// [`event_values`] binds them.
pub(super) const EVENT_COLUMNS: &str = "id, organization_id, event_type, subject_type, subject_id, client_id, actor_id, data, occurred_at";

pub(super) fn event_values(sql: &mut Sql, organization_id: Uuid, event: NewEvent<'_>) -> String {
    [
        sql.arg(Uuid::now_v7()),
        sql.arg(organization_id),
        sql.arg(event.event_type),
        sql.arg(event.subject_type),
        sql.arg(event.subject_id),
        sql.arg(event.client_id),
        sql.arg(event.actor_id),
        sql.arg(event.data),
        sql.arg(now()),
    ]
    .join(", ")
}

pub async fn record_event(
    tx: &mut Tx,
    organization_id: Uuid,
    event: NewEvent<'_>,
) -> Result<(), DbError> {
    let mut sql = Sql::default();
    let values = event_values(&mut sql, organization_id, event);
    sql.push(&format!(
        "INSERT INTO business_events ({EVENT_COLUMNS}) VALUES ({values})"
    ));
    tx.execute(sql).await?;
    Ok(())
}
