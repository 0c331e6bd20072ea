//! Sessions: logging in with an e-mail and a password under the login
//! limits, refresh tokens that each work once, logging out, and the
//! session state every authenticated request is checked against. Whoever
//! signs access tokens (the API's JWTs, the web pages' cookies) does so
//! around these; a session lives in the database, so every instance sees
//! it end at once.

use crate::auth::{hash_password, verify_password};
use crate::{ServiceError, ServiceResult};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::Duration;
use comptoir_db::auth::{self as store, Organization, RefreshOutcome, SessionState, User};
use comptoir_db::{Db, now};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How many failed logins lock an account (per e-mail and address) and an
/// address, over which window. Failures are counted in the database, so
/// the limits hold across instances; keyed on the (e-mail, address) pair,
/// an account is not locked by failures from other addresses.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    pub window: Duration,
    pub max_failures: i64,
    pub max_failures_per_ip: i64,
}

/// A session just opened or prolonged, with the refresh token that
/// prolongs it next (shown once: only its hash is stored).
pub struct OpenSession {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub session_id: Uuid,
    pub refresh_token: String,
}

fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Refuses a login while the account (from this address) or the address
/// has had too many failures within the window.
async fn check_limits(db: &Db, limits: &LoginLimits, email: &str, ip: &str) -> ServiceResult<()> {
    let counts = store::login_failures_since(db, email, ip, now() - limits.window).await?;
    let blocking_since = [
        (counts.by_account >= limits.max_failures)
            .then_some(counts.oldest_by_account)
            .flatten(),
        (counts.by_ip >= limits.max_failures_per_ip)
            .then_some(counts.oldest_by_ip)
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(oldest) = blocking_since {
        let retry_after = (oldest + limits.window - now()).num_seconds().max(1) as u64;
        return Err(ServiceError::RateLimited {
            retry_after_seconds: retry_after,
        });
    }
    Ok(())
}

/// Opens a session for the account with this e-mail and password; a
/// failure counts against the login limits. An unknown e-mail costs the
/// same hashing and gets the same answer as a wrong password.
pub async fn log_in(
    db: &Db,
    limits: &LoginLimits,
    email: &str,
    password: String,
    ip: &str,
) -> ServiceResult<OpenSession> {
    let email = email.trim().to_lowercase();
    check_limits(db, limits, &email, ip).await?;
    let credentials = store::credentials_by_email(db, &email).await?;
    let stored_hash = credentials.as_ref().map(|c| c.password_hash.clone());
    let valid = tokio::task::spawn_blocking(move || match stored_hash {
        Some(hash) => verify_password(&password, &hash),
        // Same work for unknown e-mails, so timing does not reveal accounts.
        None => {
            let _ = hash_password(&password);
            false
        }
    })
    .await
    .map_err(ServiceError::internal)?;
    let credentials = match credentials {
        Some(c) if valid && c.active => c,
        _ => {
            let forget = now() - Duration::days(1);
            store::record_login_failure(db, &email, ip, forget).await?;
            return Err(ServiceError::Unauthenticated(
                "wrong e-mail or password, or account deactivated",
            ));
        }
    };
    let (refresh_token, refresh_hash) = new_refresh_token();
    let mut tx = db.begin().await?;
    let session_id = store::open_session(
        &mut tx,
        credentials.organization_id,
        credentials.id,
        &refresh_hash,
    )
    .await?;
    tx.commit().await?;
    Ok(OpenSession {
        user_id: credentials.id,
        organization_id: credentials.organization_id,
        session_id,
        refresh_token,
    })
}

/// Why a refresh token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshRefusal {
    Unknown,
    /// The token had been used already: its whole session is revoked, and
    /// whoever caches sessions must drop them.
    Reused,
    /// The session ended (logged out, idle too long, user deactivated).
    Ended,
}

/// Exchanges a refresh token for a new one on the same session, if the
/// session was used within `idle`. Each token works once (one conditional
/// `UPDATE … WHERE used_at IS NULL`); presenting a used one revokes the
/// whole session, since the token was stolen or the client replayed it.
pub async fn refresh(
    db: &Db,
    refresh_token: &str,
    idle: Duration,
) -> ServiceResult<Result<OpenSession, RefreshRefusal>> {
    let (new_token, new_hash) = new_refresh_token();
    let mut tx = db.begin().await?;
    let outcome =
        store::rotate_refresh_token(&mut tx, &token_hash(refresh_token), &new_hash, idle).await?;
    tx.commit().await?;
    Ok(match outcome {
        RefreshOutcome::Rotated {
            session,
            session_id,
        } => Ok(OpenSession {
            user_id: session.user_id,
            organization_id: session.organization_id,
            session_id,
            refresh_token: new_token,
        }),
        RefreshOutcome::Unknown => Err(RefreshRefusal::Unknown),
        RefreshOutcome::Reused => Err(RefreshRefusal::Reused),
        RefreshOutcome::Refused => Err(RefreshRefusal::Ended),
    })
}

/// Ends a session: its refresh and access tokens stop working.
pub async fn log_out(db: &Db, session_id: Uuid) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    store::revoke_session(&mut tx, session_id, "logout").await?;
    tx.commit().await?;
    Ok(())
}

/// The session as an authenticated request checks it.
pub async fn state(db: &Db, session_id: Uuid) -> ServiceResult<Option<SessionState>> {
    Ok(store::session_state(db, session_id).await?)
}

/// The user's account and organization.
pub async fn account(
    db: &Db,
    user_id: Uuid,
    organization_id: Uuid,
) -> ServiceResult<(User, Organization)> {
    let user = store::user_by_id(db, user_id).await?;
    let organization = store::get_organization(db, organization_id).await?;
    Ok((user, organization))
}

/// Records that the session was used now: sessions that never refresh (the
/// web pages' cookies) keep their idle expiry this way.
pub async fn touch(db: &Db, session_id: Uuid) -> ServiceResult<()> {
    Ok(store::touch_session(db, session_id).await?)
}

/// Saves the language the caller reads the pages in.
pub async fn set_language(
    db: &Db,
    actor: &crate::Actor,
    language: comptoir_domain::language::Language,
) -> ServiceResult<()> {
    Ok(store::set_user_language(db, actor.organization_id, actor.user_id, language).await?)
}
