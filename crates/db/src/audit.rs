//! The audit log: one hash-chained entry per successful mutation, written
//! in the mutation's own transaction.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Filter, Listing, Page, Sort, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::audit::{GENESIS_HASH, chain_hash};
use serde::Serialize;
use serde_json::{Value, json};
use sqlx::types::Json;
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

/// Appends an entry to the organization's chain. The chain head row is
/// taken first, so concurrent transactions of one organization append one
/// after the other, never from the same head.
pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    resource_id: Option<Uuid>,
    before: Option<Value>,
    after: Option<Value>,
) -> Result<(), DbError> {
    // One statement creates the head or takes the next number; the row
    // stays locked until commit, so entries of one organization chain in
    // order. `hash` is still the previous entry's here.
    let (seq, previous_hash): (i64, String) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO audit_heads (organization_id, seq, hash) VALUES ($1, 1, $2) \
                 ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq + 1 \
                 RETURNING seq, hash",
            )
            .bind(actor.organization_id)
            .bind(GENESIS_HASH),
        )
        .await?;
    let mut entry = AuditEntry {
        id: Uuid::new_v4(),
        organization_id: actor.organization_id,
        seq,
        user_id: actor.user_id,
        action: action.to_owned(),
        resource_type: resource_type.to_owned(),
        resource_id,
        before: before.map(Json),
        after: after.map(Json),
        at: now(),
        request_id: actor.request_id.clone(),
        ip: actor.ip.clone(),
        previous_hash,
        hash: String::new(),
    };
    entry.hash = chain_hash(&entry.previous_hash, &entry.hashed_content());
    // The head stays locked from the number above to commit: on PostgreSQL
    // the entry and the new head go in one round trip to keep that short.
    match tx.backend() {
        crate::Backend::Postgres => {
            let sql = format!(
                "WITH entry AS ({INSERT_ENTRY}) \
                 UPDATE audit_heads SET hash = $14 WHERE organization_id = $2"
            );
            tx.execute(bind_entry(Sql::new(sql), &entry)).await?;
        }
        crate::Backend::Sqlite => {
            tx.execute(bind_entry(Sql::new(INSERT_ENTRY), &entry))
                .await?;
            tx.execute(
                Sql::new("UPDATE audit_heads SET hash = $1 WHERE organization_id = $2")
                    .bind(entry.hash.as_str())
                    .bind(entry.organization_id),
            )
            .await?;
        }
    }
    Ok(())
}

/// One change to audit with [`record_many`].
pub struct Change {
    pub action: &'static str,
    pub resource_type: &'static str,
    pub resource_id: Uuid,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Appends many entries with one move of the chain head: for bulk work
/// (imports), where taking the head once per row would rewrite that row
/// thousands of times in one transaction.
pub async fn record_many(tx: &mut Tx, actor: &Actor, changes: Vec<Change>) -> Result<(), DbError> {
    if changes.is_empty() {
        return Ok(());
    }
    let count = changes.len() as i64;
    let (last, mut previous_hash): (i64, String) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO audit_heads (organization_id, seq, hash) VALUES ($1, $3, $2) \
                 ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq + $3 \
                 RETURNING seq, hash",
            )
            .bind(actor.organization_id)
            .bind(GENESIS_HASH)
            .bind(count),
        )
        .await?;
    let first = last - count + 1;
    for (offset, change) in changes.into_iter().enumerate() {
        let mut entry = AuditEntry {
            id: Uuid::new_v4(),
            organization_id: actor.organization_id,
            seq: first + offset as i64,
            user_id: actor.user_id,
            action: change.action.to_owned(),
            resource_type: change.resource_type.to_owned(),
            resource_id: Some(change.resource_id),
            before: change.before.map(Json),
            after: change.after.map(Json),
            at: now(),
            request_id: actor.request_id.clone(),
            ip: actor.ip.clone(),
            previous_hash: previous_hash.clone(),
            hash: String::new(),
        };
        entry.hash = chain_hash(&entry.previous_hash, &entry.hashed_content());
        tx.execute(bind_entry(Sql::new(INSERT_ENTRY), &entry))
            .await?;
        previous_hash = entry.hash;
    }
    tx.execute(
        Sql::new("UPDATE audit_heads SET hash = $1 WHERE organization_id = $2")
            .bind(previous_hash)
            .bind(actor.organization_id),
    )
    .await?;
    Ok(())
}

const INSERT_ENTRY: &str = "INSERT INTO audit_log (id, organization_id, seq, user_id, action, resource_type, \
    resource_id, before_state, after_state, at, request_id, ip, previous_hash, hash) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";

fn bind_entry(sql: Sql, entry: &AuditEntry) -> Sql {
    sql.bind(entry.id)
        .bind(entry.organization_id)
        .bind(entry.seq)
        .bind(entry.user_id)
        .bind(entry.action.as_str())
        .bind(entry.resource_type.as_str())
        .bind(entry.resource_id)
        .bind(entry.before.as_ref().map(|j| j.0.clone()))
        .bind(entry.after.as_ref().map(|j| j.0.clone()))
        .bind(entry.at)
        .bind(entry.request_id.clone())
        .bind(entry.ip.clone())
        .bind(entry.previous_hash.as_str())
        .bind(entry.hash.as_str())
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

/// Recomputes every organization's chain; returns the first broken entry
/// and how many entries were checked.
pub async fn verify(db: &Db) -> Result<(u64, Option<BrokenLink>), DbError> {
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
