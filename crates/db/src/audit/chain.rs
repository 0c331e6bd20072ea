//! The chain: pending entries linked into each organization's log under
//! its chain head, bulk writers linking their own, and the verification
//! that recomputes every link.

use super::{Actor, AuditEntry, Change, PENDING_COLUMNS};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::Table;
use chrono::{DateTime, Utc};
use comptoir_domain::audit::{GENESIS_HASH, chain_hash};
use serde_json::Value;
use sqlx::types::Json;
use std::time::Duration;
use uuid::Uuid;

/// Entries linked per transaction by [`chain_pending`].
const CHAIN_BATCH: usize = 500;

/// Links every committed pending entry into its organization's chain, in
/// the order they were made; returns how many. Each batch takes the chain
/// head row first, so chainers of several instances follow one another.
pub async fn chain_pending(db: &Db) -> Result<u64, DbError> {
    // One index probe per organization (a loose index scan) instead of
    // reading the whole table, whose deleted rows wait there for VACUUM.
    let organizations: Vec<(Uuid,)> = db
        .fetch_all(Sql::new(
            "WITH RECURSIVE pending (organization_id) AS ( \
             SELECT (SELECT organization_id FROM audit_pending \
             ORDER BY organization_id LIMIT 1) \
             UNION ALL \
             SELECT (SELECT p.organization_id FROM audit_pending p \
             WHERE p.organization_id > pending.organization_id \
             ORDER BY p.organization_id LIMIT 1) \
             FROM pending WHERE pending.organization_id IS NOT NULL) \
             SELECT organization_id FROM pending WHERE organization_id IS NOT NULL",
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

async fn chain_batch(db: &Db, organization_id: Uuid) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let Some(mut head) = head_unless_held(&mut tx, organization_id).await? else {
        return Ok(0);
    };
    let pending: Vec<Unlinked> = tx
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
    let ids: Vec<Uuid> = pending.iter().map(|row| row.id).collect();
    write_linked(&mut tx, link_entries(&mut head, pending.into_iter())).await?;
    for chunk in ids.chunks(crate::pool::KEYS_PER_LOOKUP) {
        let mut delete = Sql::new("DELETE FROM audit_pending WHERE id IN (");
        for (index, id) in chunk.iter().enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let id = delete.arg(*id);
            delete.push(&format!("{separator}{id}"));
        }
        delete.push(")");
        tx.execute(delete).await?;
    }
    tx.commit().await?;
    Ok(ids.len())
}

/// An organization's chain head, locked by the transaction that took it
/// until it ends: entries appended through it go straight into the log.
pub struct ChainHead {
    organization_id: Uuid,
    seq: i64,
    hash: String,
}

/// The upsert that takes an organization's chain head (creating it at the
/// genesis hash) and locks it until the transaction ends, if `{gate}` holds.
const TAKE_HEAD: &str = "INSERT INTO audit_heads (organization_id, seq, hash) SELECT $1, 0, $2 \
                         WHERE {gate} \
                         ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq \
                         RETURNING seq, hash";

/// The advisory-lock key (PostgreSQL) marking a bulk writer at work on an
/// organization's chain. Bulk writers take it exclusive, chainers shared:
/// chainers follow one another on the head row, while a bulk writer's long
/// hold is told apart from a chainer's short one.
fn bulk_writer_key() -> &'static str {
    "hashtextextended('audit-bulk:' || CAST($1 AS TEXT), 0)"
}

/// Locks the organization's chain head for a bulk writer (an import), which
/// takes it before any other row lock, so it and the chainers never wait
/// on each other in opposite orders. On PostgreSQL it first marks itself
/// as a bulk writer, waiting for the chainers at work to finish.
pub async fn lock_head(tx: &mut Tx, organization_id: Uuid) -> Result<ChainHead, DbError> {
    if tx.backend() == crate::Backend::Postgres {
        tx.execute(
            Sql::new(format!(
                "SELECT pg_advisory_xact_lock({})",
                bulk_writer_key()
            ))
            .bind(organization_id),
        )
        .await?;
    }
    let (seq, hash): (i64, String) = tx
        .fetch_one(
            Sql::new(TAKE_HEAD.replace("{gate}", "TRUE"))
                .bind(organization_id)
                .bind(GENESIS_HASH),
        )
        .await?;
    Ok(ChainHead {
        organization_id,
        seq,
        hash,
    })
}

/// Creates an organization's chain head at the genesis hash, with the
/// organization: the head row then always exists.
pub async fn start_chain(tx: &mut Tx, organization_id: Uuid) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "INSERT INTO audit_heads (organization_id, seq, hash) VALUES ($1, 0, $2) \
             ON CONFLICT (organization_id) DO NOTHING",
        )
        .bind(organization_id)
        .bind(GENESIS_HASH),
    )
    .await?;
    Ok(())
}

/// The chain head for the chainer, or `None` while a bulk writer (an
/// import) holds it: the chainer then leaves that organization for its
/// next pass instead of waiting for the import to commit, and readers
/// list what is chained meanwhile. Another chainer's hold is short: that
/// one is waited for, so a reader still sees every entry committed before
/// it asked. SQLite lets one writer in at a time, so there is nothing to
/// skip there.
async fn head_unless_held(
    tx: &mut Tx,
    organization_id: Uuid,
) -> Result<Option<ChainHead>, DbError> {
    let gate = match tx.backend() {
        crate::Backend::Postgres => {
            format!("pg_try_advisory_xact_lock_shared({})", bulk_writer_key())
        }
        crate::Backend::Sqlite => "TRUE".to_owned(),
    };
    let head: Option<(i64, String)> = tx
        .fetch_optional(
            Sql::new(TAKE_HEAD.replace("{gate}", &gate))
                .bind(organization_id)
                .bind(GENESIS_HASH),
        )
        .await?;
    Ok(head.map(|(seq, hash)| ChainHead {
        organization_id,
        seq,
        hash,
    }))
}

/// Records many entries already linked into the chain under `head`, for
/// bulk work (imports): written once, into the log itself, instead of
/// passing through `audit_pending` and the chainer.
pub async fn record_chained(
    tx: &mut Tx,
    actor: &Actor,
    head: &mut ChainHead,
    changes: Vec<Change>,
) -> Result<(), DbError> {
    let at = now();
    let entries = changes.into_iter().map(|change| Unlinked {
        id: Uuid::now_v7(),
        user_id: actor.user_id,
        action: change.action.to_owned(),
        resource_type: change.resource_type.to_owned(),
        resource_id: Some(change.resource_id),
        before: change.before.map(Json),
        after: change.after.map(Json),
        at,
        request_id: actor.request_id.clone(),
        ip: actor.ip.clone(),
    });
    write_linked(tx, link_entries(head, entries)).await
}

/// Entries linked into an organization's chain, not yet written.
struct Linked {
    organization_id: Uuid,
    entries: Vec<AuditEntry>,
}

/// An entry before it gets its place and hash in the chain (a row of
/// `audit_pending`).
#[derive(sqlx::FromRow)]
struct Unlinked {
    id: Uuid,
    user_id: Option<Uuid>,
    action: String,
    resource_type: String,
    resource_id: Option<Uuid>,
    #[sqlx(rename = "before_state")]
    before: Option<Json<Value>>,
    #[sqlx(rename = "after_state")]
    after: Option<Json<Value>>,
    at: DateTime<Utc>,
    request_id: Option<String>,
    ip: Option<String>,
}

/// Links `entries` after `head`, in order, and moves the head past them.
fn link_entries(head: &mut ChainHead, entries: impl Iterator<Item = Unlinked>) -> Linked {
    let entries = entries
        .map(|unlinked| {
            head.seq += 1;
            let mut entry = AuditEntry {
                id: unlinked.id,
                organization_id: head.organization_id,
                seq: head.seq,
                user_id: unlinked.user_id,
                action: unlinked.action,
                resource_type: unlinked.resource_type,
                resource_id: unlinked.resource_id,
                before: unlinked.before,
                after: unlinked.after,
                at: unlinked.at,
                request_id: unlinked.request_id,
                ip: unlinked.ip,
                previous_hash: std::mem::take(&mut head.hash),
                hash: String::new(),
            };
            entry.hash = chain_hash(&entry.previous_hash, &entry.hashed_content());
            head.hash = entry.hash.clone();
            entry
        })
        .collect();
    Linked {
        organization_id: head.organization_id,
        entries,
    }
}

/// Writes linked entries into the log with multi-row statements and sets
/// the stored head to the last of them.
async fn write_linked(tx: &mut Tx, linked: Linked) -> Result<(), DbError> {
    let Some(last) = linked.entries.last() else {
        return Ok(());
    };
    let head_update =
        Sql::new("UPDATE audit_heads SET seq = $1, hash = $2 WHERE organization_id = $3")
            .bind(last.seq)
            .bind(last.hash.as_str())
            .bind(linked.organization_id);
    let rows_per_statement = tx.backend().rows_per_statement(LOG_PARAMS);
    let mut entries = linked.entries.into_iter().peekable();
    while entries.peek().is_some() {
        let mut insert = Sql::new(format!("INSERT INTO audit_log ({LOG_COLUMNS}) VALUES "));
        for (index, entry) in entries.by_ref().take(rows_per_statement).enumerate() {
            let separator = if index == 0 { "" } else { ", " };
            let values = bind_entry(&mut insert, entry);
            insert.push(&format!("{separator}({values})"));
        }
        tx.execute(insert).await?;
    }
    tx.execute(head_update).await?;
    Ok(())
}

const LOG_PARAMS: usize = 14;
const LOG_COLUMNS: &str = "id, organization_id, seq, user_id, action, resource_type, \
    resource_id, before_state, after_state, at, request_id, ip, previous_hash, hash";

/// Binds an entry's columns, in [`LOG_COLUMNS`] order; returns their placeholders.
fn bind_entry(sql: &mut Sql, entry: AuditEntry) -> String {
    [
        sql.arg(entry.id),
        sql.arg(entry.organization_id),
        sql.arg(entry.seq),
        sql.arg(entry.user_id),
        sql.arg(entry.action),
        sql.arg(entry.resource_type),
        sql.arg(entry.resource_id),
        sql.arg(entry.before.map(|j| j.0)),
        sql.arg(entry.after.map(|j| j.0)),
        sql.arg(entry.at),
        sql.arg(entry.request_id),
        sql.arg(entry.ip),
        sql.arg(entry.previous_hash),
        sql.arg(entry.hash),
    ]
    .join(", ")
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
