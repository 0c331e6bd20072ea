//! The audit log: one hash-chained entry per successful mutation. The entry
//! is written in the mutation's own transaction into `audit_pending`; the
//! chainer then moves committed entries into `audit_log`, each hashed with
//! the one before, under the organization's chain head. Readers of the log
//! chain what is pending first, so they never see an unlinked entry. Bulk
//! writers (imports) lock the head themselves and write linked entries
//! straight into the log ([`record_chained`]).

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Filter, Listing, Page, Sort, Table};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::types::Json;
use uuid::Uuid;

mod chain;

pub use chain::{
    BrokenLink, ChainHead, chain_organization, chain_pending, keep_chained, lock_head,
    record_chained, start_chain, verify,
};

/// Who did it, from where: carried from the HTTP request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub organization_id: Uuid,
    pub user_id: Option<Uuid>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub seq: i64,
    pub user_id: Option<Uuid>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: Option<Uuid>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<Json<Value>>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<Json<Value>>,
    pub at: DateTime<Utc>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub previous_hash: String,
    pub hash: String,
}

impl Table for AuditEntry {
    const TABLE: &'static str = "audit_log";
    const COLUMNS: &'static str = "id, organization_id, seq, user_id, action, resource_type, resource_id, \
        before_state AS before, after_state AS after, at, request_id, ip, previous_hash, hash";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("seq", "seq"), ("at", "at")];
    const SEARCHABLE: &'static [&'static str] = &["action", "resource_type"];
    const DEFAULT_SORT: &'static str = "seq";
}

impl AuditEntry {
    /// The fields the hash covers, as JSON.
    pub fn hashed_content(&self) -> Value {
        json!({
            "organization_id": self.organization_id,
            "seq": self.seq,
            "user_id": self.user_id,
            "action": self.action,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "before": self.before.as_ref().map(|j| &j.0),
            "after": self.after.as_ref().map(|j| &j.0),
            "at": self.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            "request_id": self.request_id,
            "ip": self.ip,
        })
    }
}

/// Records an entry in the mutation's transaction. It is written unchained:
/// [`chain_pending`] links it into the organization's hash chain once
/// committed, so concurrent writers of one organization never queue on
/// the chain head.
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), DbError> {
    let mut sql = Sql::default();
    let values = pending_values(
        &mut sql,
        actor,
        [action, resource_type],
        resource_id,
        before,
        after,
    );
    sql.push(&format!(
        "INSERT INTO audit_pending ({PENDING_COLUMNS}) VALUES ({values})"
    ));
    tx.execute(sql).await?;
    tx.audited();
    Ok(())
}

/// One change to audit with [`record_chained`].
pub struct Change {
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Columns of `audit_pending`, in the order [`pending_values`] binds them.
const PENDING_COLUMNS: &str = "id, organization_id, user_id, action, resource_type, resource_id, before_state, after_state, at, request_id, ip";

/// The placeholders of one `audit_pending` row, in [`PENDING_COLUMNS`]
/// order, bound into `sql`.
fn pending_values(
    sql: &mut Sql,
    actor: &Actor,
    [action, resource_type]: [&str; 2],
    resource_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
) -> String {
    [
        sql.arg(Uuid::now_v7()),
        sql.arg(actor.organization_id),
        sql.arg(actor.user_id),
        sql.arg(action),
        sql.arg(resource_type),
        sql.arg(resource_id),
        sql.arg(before),
        sql.arg(after),
        sql.arg(now()),
        sql.arg(actor.request_id.clone()),
        sql.arg(actor.ip.clone()),
    ]
    .join(", ")
}

/// SQL inserting one pending entry for each row of `source`, a CTE of the
/// statement being built into `sql`, for writes that record and audit in
/// one statement. The caller notifies [`Db::audit_written`] once it ran.
pub fn pending_entry_from(
    sql: &mut Sql,
    source: &str,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Uuid,
    [before, after]: [Option<Value>; 2],
) -> String {
    let values = pending_values(
        sql,
        actor,
        [action, resource_type],
        Some(resource_id),
        before,
        after,
    );
    format!("INSERT INTO audit_pending ({PENDING_COLUMNS}) SELECT {values} FROM {source}")
}

pub struct AuditQuery {
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Lists the organization's log, after linking what is pending: it shows
/// every entry committed before it asked, without waiting for an import
/// that holds the chain (whose entries appear once it commits).
pub async fn list(
    db: &Db,
    organization_id: Uuid,
    query: AuditQuery,
    sort: Option<Sort>,
    page: Page,
) -> Result<Listing<AuditEntry>, DbError> {
    chain_organization(db, organization_id).await?;
    crate::resource::list(db, filter(organization_id, query), sort, page).await
}

/// The entries `query` selects; read them after [`chain_organization`],
/// as [`list`] does, to see every committed entry.
pub fn filter(organization_id: Uuid, query: AuditQuery) -> Filter {
    Filter::organization(organization_id)
        .eq("action", query.action)
        .eq("resource_type", query.resource_type)
        .eq("resource_id", query.resource_id)
        .eq("user_id", query.user_id)
        .since("at", query.from)
        .until("at", query.to)
}
