//! The audit log: one hash-chained entry per successful mutation. The entry
//! is written in the mutation's own transaction into `audit_pending`; the
//! chainer then moves committed entries into `audit_log`, each hashed with
//! the one before, under the organization's chain head. Readers of the log
//! chain what is pending first, so they never see an unlinked entry.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Filter, Listing, Page, Sort, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::{GENESIS_HASH, chain_hash};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::types::Json;
use std::time::Duration;
use uuid::Uuid;

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
    let change = PendingChange {
        action,
        resource_type,
        resource_id,
        before,
        after,
    };
    record_all(tx, actor, vec![change]).await
}

/// One change to audit with [`record_many`].
pub struct Change {
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Records many entries with multi-row statements, for bulk work (imports).
pub async fn record_many(tx: &mut Tx, actor: &Actor, changes: Vec<Change>) -> Result<(), DbError> {
    let changes = changes
        .into_iter()
        .map(|change| PendingChange {
            action: change.action,
            resource_type: change.resource_type,
            resource_id: Some(change.resource_id),
            before: change.before,
            after: change.after,
        })
        .collect();
    record_all(tx, actor, changes).await
}

struct PendingChange<'a> {
    action: &'a str,
    resource_type: &'a str,
    resource_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
}

/// Columns of `audit_pending`, in the order [`record_all`] binds them.
const PENDING_COLUMNS: &str = "id, organization_id, user_id, action, resource_type, resource_id, before_state, after_state, at, request_id, ip";
const PENDING_PARAMS: usize = 11;

async fn record_all(
    tx: &mut Tx,
    actor: &Actor,
    changes: Vec<PendingChange<'_>>,
) -> Result<(), DbError> {
    let rows_per_statement = tx.backend().rows_per_statement(PENDING_PARAMS);
    let mut changes = changes.into_iter().peekable();
    while changes.peek().is_some() {
        let mut sql = Sql::new(format!(
            "INSERT INTO audit_pending ({PENDING_COLUMNS}) VALUES "
        ));
        for (index, change) in changes.by_ref().take(rows_per_statement).enumerate() {
            let placeholders = [
                sql.arg(Uuid::new_v4()),
                sql.arg(actor.organization_id),
                sql.arg(actor.user_id),
                sql.arg(change.action),
                sql.arg(change.resource_type),
                sql.arg(change.resource_id),
                sql.arg(change.before),
                sql.arg(change.after),
                sql.arg(now()),
                sql.arg(actor.request_id.clone()),
                sql.arg(actor.ip.clone()),
            ]
            .join(", ");
            let separator = if index == 0 { "" } else { ", " };
            sql.push(&format!("{separator}({placeholders})"));
        }
        tx.execute(sql).await?;
    }
    tx.audited();
    Ok(())
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
    after: Value,
) -> String {
    let values = [
        sql.arg(Uuid::new_v4()),
        sql.arg(actor.organization_id),
        sql.arg(actor.user_id),
        sql.arg(action),
        sql.arg(resource_type),
        sql.arg(resource_id),
        sql.arg(Option::<Value>::None),
        sql.arg(after),
        sql.arg(now()),
        sql.arg(actor.request_id.clone()),
        sql.arg(actor.ip.clone()),
    ]
    .join(", ");
    format!("INSERT INTO audit_pending ({PENDING_COLUMNS}) SELECT {values} FROM {source}")
}

/// Entries linked per transaction by [`chain_pending`].
const CHAIN_BATCH: usize = 500;

/// Links every committed pending entry into its organization's chain, in
/// the order they were made; returns how many. Each batch takes the chain
/// head row first, so chainers of several instances follow one another.
pub async fn chain_pending(db: &Db) -> Result<u64, DbError> {
    let organizations: Vec<(Uuid,)> = db
        .fetch_all(Sql::new(
            "SELECT DISTINCT organization_id FROM audit_pending",
        ))
        .await?;
    let mut chained = 0;
    for (organization_id,) in organizations {
        chained += chain_organization(db, organization_id).await?;
    }
    Ok(chained)
}

/// [`chain_pending`] for one organization.
pub async fn chain_organization(db: &Db, organization_id: Uuid) -> Result<u64, DbError> {
    let mut chained = 0;
    loop {
        let linked = chain_batch(db, organization_id).await?;
        chained += linked as u64;
        if linked < CHAIN_BATCH {
            return Ok(chained);
        }
    }
}

/// How long the chainer lets entries gather once woken: under load it
/// links them by hundreds per transaction instead of one by one.
const CHAIN_DELAY: Duration = Duration::from_millis(100);

/// Runs the chainer until the process ends: shortly after a commit wrote
/// audit entries, and every second for those another instance left behind.
pub async fn keep_chained(db: Db) {
    loop {
        if let Err(error) = chain_pending(&db).await {
            tracing::warn!(%error, "audit entries left unchained for now");
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), db.audit_written().notified()).await;
        tokio::time::sleep(CHAIN_DELAY).await;
    }
}

#[derive(sqlx::FromRow)]
struct Pending {
    id: Uuid,
    user_id: Option<Uuid>,
    action: String,
    resource_type: String,
    resource_id: Option<Uuid>,
    before_state: Option<Json<Value>>,
    after_state: Option<Json<Value>>,
    at: DateTime<Utc>,
    request_id: Option<String>,
    ip: Option<String>,
}

async fn chain_batch(db: &Db, organization_id: Uuid) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let (mut seq, mut previous_hash): (i64, String) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO audit_heads (organization_id, seq, hash) VALUES ($1, 0, $2) \
                 ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq \
                 RETURNING seq, hash",
            )
            .bind(organization_id)
            .bind(GENESIS_HASH),
        )
        .await?;
    let pending: Vec<Pending> = tx
        .fetch_all(
            Sql::new(format!(
                "SELECT {PENDING_COLUMNS} FROM audit_pending WHERE organization_id = $1 \
                 ORDER BY at, id LIMIT {CHAIN_BATCH}"
            ))
            .bind(organization_id),
        )
        .await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut entries = Vec::with_capacity(pending.len());
    for row in &pending {
        seq += 1;
        let mut entry = AuditEntry {
            id: row.id,
            organization_id,
            seq,
            user_id: row.user_id,
            action: row.action.clone(),
            resource_type: row.resource_type.clone(),
            resource_id: row.resource_id,
            before: row.before_state.clone(),
            after: row.after_state.clone(),
            at: row.at,
            request_id: row.request_id.clone(),
            ip: row.ip.clone(),
            previous_hash,
            hash: String::new(),
        };
        entry.hash = chain_hash(&entry.previous_hash, &entry.hashed_content());
        previous_hash = entry.hash.clone();
        entries.push(entry);
    }
    for chunk in entries.chunks(tx.backend().rows_per_statement(LOG_PARAMS)) {
        let mut insert = Sql::new(format!("INSERT INTO audit_log ({LOG_COLUMNS}) VALUES "));
        let mut delete = Sql::new("DELETE FROM audit_pending WHERE id IN (");
        for (index, entry) in chunk.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let values = bind_entry(&mut insert, entry);
            insert.push(&format!("{separator}({values})"));
            let id = delete.arg(entry.id);
            delete.push(&format!("{separator}{id}"));
        }
        delete.push(")");
        tx.execute(insert).await?;
        tx.execute(delete).await?;
    }
    tx.execute(
        Sql::new("UPDATE audit_heads SET seq = $1, hash = $2 WHERE organization_id = $3")
            .bind(seq)
            .bind(previous_hash)
            .bind(organization_id),
    )
    .await?;
    tx.commit().await?;
    Ok(pending.len())
}

const LOG_PARAMS: usize = 14;
const LOG_COLUMNS: &str = "id, organization_id, seq, user_id, action, resource_type, \
    resource_id, before_state, after_state, at, request_id, ip, previous_hash, hash";

/// Binds an entry's columns, in [`LOG_COLUMNS`] order; returns their placeholders.
fn bind_entry(sql: &mut Sql, entry: &AuditEntry) -> String {
    [
        sql.arg(entry.id),
        sql.arg(entry.organization_id),
        sql.arg(entry.seq),
        sql.arg(entry.user_id),
        sql.arg(entry.action.as_str()),
        sql.arg(entry.resource_type.as_str()),
        sql.arg(entry.resource_id),
        sql.arg(entry.before.as_ref().map(|j| j.0.clone())),
        sql.arg(entry.after.as_ref().map(|j| j.0.clone())),
        sql.arg(entry.at),
        sql.arg(entry.request_id.clone()),
        sql.arg(entry.ip.clone()),
        sql.arg(entry.previous_hash.as_str()),
        sql.arg(entry.hash.as_str()),
    ]
    .join(", ")
}

pub struct AuditQuery {
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

pub async fn list(
    db: &Db,
    organization_id: Uuid,
    query: AuditQuery,
    sort: Option<Sort>,
    page: Page,
) -> Result<Listing<AuditEntry>, DbError> {
    chain_organization(db, organization_id).await?;
    let mut filter = Filter::organization(organization_id)
        .eq("resource_type", query.resource_type)
        .eq("resource_id", query.resource_id)
        .eq("user_id", query.user_id);
    if let Some(from) = query.from {
        filter = filter.condition("at >= {}", from);
    }
    if let Some(to) = query.to {
        filter = filter.condition("at <= {}", to);
    }
    crate::resource::list(db, filter, sort, page).await
}

/// The first entry whose hash does not follow from the chain.
#[derive(Debug)]
pub struct BrokenLink {
    pub organization_id: Uuid,
    pub seq: i64,
    pub id: Uuid,
    pub reason: &'static str,
}

/// Links what is pending, then recomputes every organization's chain; returns the first broken entry
/// and how many entries were checked.
pub async fn verify(db: &Db) -> Result<(u64, Option<BrokenLink>), DbError> {
    chain_pending(db).await?;
    let organizations: Vec<(Uuid,)> = db
        .fetch_all(Sql::new("SELECT id FROM organizations ORDER BY id"))
        .await?;
    let mut checked = 0;
    for (organization_id,) in organizations {
        let mut previous = GENESIS_HASH.to_owned();
        let mut expected_seq = 1;
        let mut after_seq = 0_i64;
        loop {
            let batch: Vec<AuditEntry> = db
                .fetch_all(
                    Sql::new(format!(
                        "SELECT {} FROM audit_log WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT 1000",
                        AuditEntry::COLUMNS
                    ))
                    .bind(organization_id)
                    .bind(after_seq),
                )
                .await?;
            if batch.is_empty() {
                break;
            }
            for entry in &batch {
                let broken = |reason| BrokenLink {
                    organization_id,
                    seq: entry.seq,
                    id: entry.id,
                    reason,
                };
                if entry.seq != expected_seq {
                    return Ok((checked, Some(broken("an entry is missing before this one"))));
                }
                if entry.previous_hash != previous {
                    return Ok((
                        checked,
                        Some(broken("previous_hash does not match the entry before")),
                    ));
                }
                if chain_hash(&previous, &entry.hashed_content()) != entry.hash {
                    return Ok((checked, Some(broken("content does not match its hash"))));
                }
                previous = entry.hash.clone();
                expected_seq += 1;
                checked += 1;
            }
            after_seq = batch.last().map_or(after_seq, |e| e.seq);
        }
        let head: Option<(i64, String)> = db
            .fetch_optional(
                Sql::new("SELECT seq, hash FROM audit_heads WHERE organization_id = $1")
                    .bind(organization_id),
            )
            .await?;
        if let Some((head_seq, head_hash)) = head
            && (head_seq != expected_seq - 1 || head_hash != previous)
        {
            return Ok((
                checked,
                Some(BrokenLink {
                    organization_id,
                    seq: head_seq,
                    id: Uuid::nil(),
                    reason: "entries after this one were removed",
                }),
            ));
        }
    }
    Ok((checked, None))
}
