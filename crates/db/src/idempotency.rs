//! Idempotency keys: the first request with a key claims it; retries with
//! the same body get the stored response; another body is a conflict.

use crate::error::DbError;
use crate::pool::{Db, Sql, now};
use uuid::Uuid;

pub enum Claim {
    /// First use: run the request, then [`complete`] or [`release`].
    Claimed,
    /// Seen before with this body and finished: replay this response.
    Replay { status: u16, body: String },
    /// Seen before with this body, still running.
    InProgress,
    /// Seen before with another body.
    Mismatch,
}

/// Claims `key` for `user_id`; a claim older than `lifetime` is forgotten
/// first, so the key acts again.
pub async fn claim(
    db: &Db,
    user_id: Uuid,
    key: &str,
    request_hash: &str,
    lifetime: chrono::Duration,
) -> Result<Claim, DbError> {
    let expired_before = now() - lifetime;
    db.execute(
        Sql::new(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < $3",
        )
        .bind(user_id)
        .bind(key)
        .bind(expired_before),
    )
    .await?;
    let inserted = db
        .execute(
            Sql::new(
                "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (user_id, key) DO NOTHING",
            )
            .bind(user_id)
            .bind(key)
            .bind(request_hash)
            .bind(now()),
        )
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed);
    }
    let (stored_hash, status, body): (String, Option<i64>, Option<String>) = db
        .fetch_one(
            Sql::new("SELECT request_hash, status_code, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2")
                .bind(user_id)
                .bind(key),
        )
        .await?;
    Ok(match (stored_hash == request_hash, status, body) {
        (false, _, _) => Claim::Mismatch,
        (true, Some(status), Some(body)) => Claim::Replay {
            status: u16::try_from(status).unwrap_or(500),
            body,
        },
        (true, _, _) => Claim::InProgress,
    })
}

pub async fn complete(
    db: &Db,
    user_id: Uuid,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), DbError> {
    db.execute(
        Sql::new("UPDATE idempotency_keys SET status_code = $1, response_body = $2 WHERE user_id = $3 AND key = $4")
            .bind(i64::from(status))
            .bind(body)
            .bind(user_id)
            .bind(key),
    )
    .await?;
    Ok(())
}

/// Forgets a claim whose request failed, so a retry runs it again.
pub async fn release(db: &Db, user_id: Uuid, key: &str) -> Result<(), DbError> {
    db.execute(
        Sql::new("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key),
    )
    .await?;
    Ok(())
}
