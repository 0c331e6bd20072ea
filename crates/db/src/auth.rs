//! Organizations, users, sessions, refresh tokens, login failures and
//! server settings.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::Table;
use chrono::{DateTime, Utc};
use comptoir_domain::identifiers::Email;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::Role;
use comptoir_domain::time_zone::TimeZone;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Instants are shown in it and "today" is its calendar day.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String, example = "Europe/Paris")]
    pub time_zone: TimeZone,
}

impl Organization {
    const COLUMNS: &str = "id, name, currency, created_at, updated_at, version, time_zone";
}

/// A user as the API shows it: never the password hash.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct User {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub email: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub active: bool,
    /// The language the user reads the pages in: `fr` or `en`.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String, example = "fr")]
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for User {
    const TABLE: &'static str = "users";
    const COLUMNS: &'static str =
        "id, organization_id, email, name, role, active, language, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("email", "email"),
        ("name", "name"),
        ("role", "role"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["email", "name"];
    const DEFAULT_SORT: &'static str = "email";
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub password_hash: String,
    pub active: bool,
}

/// What an access token's session currently allows: checked on every
/// request, so a deactivated user or a logged-out session stops at once.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionState {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub user_active: bool,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_seen_at: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub language: Language,
    /// The user's name, as the pages greet them.
    pub name: String,
    /// The organization's, for "today" and the times shown.
    #[sqlx(try_from = "String")]
    pub time_zone: TimeZone,
}

impl SessionState {
    const BY_ID: &str = "SELECT s.user_id, s.organization_id, u.role, u.active AS user_active, s.revoked_at, \
                                s.last_seen_at, u.language, u.name, o.time_zone \
                         FROM sessions s JOIN users u ON u.id = s.user_id \
                         JOIN organizations o ON o.id = s.organization_id WHERE s.id = $1";
}

pub struct NewUser<'a> {
    pub organization_id: Uuid,
    pub email: &'a Email,
    pub name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

pub async fn create_organization(tx: &mut Tx, name: &str) -> Result<Organization, DbError> {
    let at = now();
    let organization: Organization = tx
        .fetch_one(
            Sql::new(format!(
                "INSERT INTO organizations (id, name, currency, created_at, updated_at, version) \
                 VALUES ($1, $2, 'EUR', $3, $3, 1) \
                 RETURNING {}",
                Organization::COLUMNS
            ))
            .bind(Uuid::new_v4())
            .bind(name)
            .bind(at),
        )
        .await?;
    crate::audit::start_chain(tx, organization.id).await?;
    Ok(organization)
}

pub async fn get_organization(db: &Db, id: Uuid) -> Result<Organization, DbError> {
    db.fetch_one(
        Sql::new(format!(
            "SELECT {} FROM organizations WHERE id = $1",
            Organization::COLUMNS
        ))
        .bind(id),
    )
    .await
}

pub async fn create_user(tx: &mut Tx, user: NewUser<'_>) -> Result<User, DbError> {
    let at = now();
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO users (id, organization_id, email, name, role, password_hash, active, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7, 1) RETURNING {}",
            User::COLUMNS
        ))
        .bind(Uuid::new_v4())
        .bind(user.organization_id)
        .bind(user.email.as_str())
        .bind(user.name)
        .bind(user.role)
        .bind(user.password_hash)
        .bind(at),
    )
    .await
}

pub struct UserChanges {
    pub name: String,
    pub role: Role,
    pub active: bool,
    pub language: Language,
}

pub async fn update_user(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    changes: &UserChanges,
) -> Result<User, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE users SET name = $1, role = $2, active = $3, language = $4, updated_at = $5, \
             version = version + 1 WHERE id = $6 AND organization_id = $7 AND version = $8 RETURNING {}",
            User::COLUMNS
        ))
        .bind(changes.name.as_str())
        .bind(changes.role)
        .bind(changes.active)
        .bind(changes.language.as_str())
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(version),
    )
    .await?
    .ok_or(DbError::VersionMismatch)
}

pub async fn credentials_by_email(db: &Db, email: &str) -> Result<Option<Credentials>, DbError> {
    db.fetch_optional(
        Sql::new("SELECT id, organization_id, password_hash, active FROM users WHERE email = $1")
            .bind(email),
    )
    .await
}

pub async fn user_by_id(db: &Db, id: Uuid) -> Result<User, DbError> {
    db.fetch_one(Sql::new(format!("SELECT {} FROM users WHERE id = $1", User::COLUMNS)).bind(id))
        .await
}

/// Opens a session with its first refresh token.
pub async fn open_session(
    tx: &mut Tx,
    organization_id: Uuid,
    user_id: Uuid,
    refresh_token_hash: &str,
) -> Result<Uuid, DbError> {
    let id = Uuid::new_v4();
    let at = now();
    tx.execute(
        Sql::new(
            "INSERT INTO sessions (id, organization_id, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(id)
        .bind(organization_id)
        .bind(user_id)
        .bind(at),
    )
    .await?;
    insert_refresh_token(tx, id, refresh_token_hash).await?;
    Ok(id)
}

async fn insert_refresh_token(
    tx: &mut Tx,
    session_id: Uuid,
    token_hash: &str,
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(session_id)
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// Records that the session was used now, for its idle expiry.
pub async fn touch_session(db: &Db, session_id: Uuid) -> Result<(), DbError> {
    db.execute(
        Sql::new("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now())
            .bind(session_id),
    )
    .await?;
    Ok(())
}

/// The language the user reads the pages in.
pub async fn set_user_language(
    db: &Db,
    organization_id: Uuid,
    user_id: Uuid,
    language: Language,
) -> Result<(), DbError> {
    db.execute(
        Sql::new("UPDATE users SET language = $1 WHERE id = $2 AND organization_id = $3")
            .bind(language.as_str())
            .bind(user_id)
            .bind(organization_id),
    )
    .await?;
    Ok(())
}

pub async fn session_state(db: &Db, session_id: Uuid) -> Result<Option<SessionState>, DbError> {
    db.fetch_optional(Sql::new(SessionState::BY_ID).bind(session_id))
        .await
}

/// What became of a refresh attempt.
#[derive(Debug)]
pub enum RefreshOutcome {
    Rotated {
        session: SessionState,
        session_id: Uuid,
    },
    /// Unknown token.
    Unknown,
    /// The token was already used: the whole session is now revoked.
    Reused,
    /// The session is revoked, idle too long, or its user deactivated.
    Refused,
}

/// Rotates a refresh token: marks it used with one conditional update
/// (so two concurrent refreshes cannot both succeed), checks the session,
/// and stores the new token.
pub async fn rotate_refresh_token(
    tx: &mut Tx,
    old_hash: &str,
    new_hash: &str,
    idle_limit: chrono::Duration,
) -> Result<RefreshOutcome, DbError> {
    let at = now();
    let claimed: Option<(Uuid,)> = tx
        .fetch_optional(
            Sql::new(
                "UPDATE refresh_tokens SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL RETURNING session_id",
            )
            .bind(at)
            .bind(old_hash),
        )
        .await?;
    let Some((session_id,)) = claimed else {
        let known: Option<(Uuid,)> = tx
            .fetch_optional(
                Sql::new("SELECT session_id FROM refresh_tokens WHERE token_hash = $1")
                    .bind(old_hash),
            )
            .await?;
        return Ok(match known {
            Some((session_id,)) => {
                revoke_session(tx, session_id, "refresh_token_reused").await?;
                RefreshOutcome::Reused
            }
            None => RefreshOutcome::Unknown,
        });
    };
    let session: SessionState = tx
        .fetch_one(Sql::new(SessionState::BY_ID).bind(session_id))
        .await?;
    if session.revoked_at.is_some()
        || !session.user_active
        || at - session.last_seen_at > idle_limit
    {
        return Ok(RefreshOutcome::Refused);
    }
    tx.execute(
        Sql::new("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(at)
            .bind(session_id),
    )
    .await?;
    insert_refresh_token(tx, session_id, new_hash).await?;
    Ok(RefreshOutcome::Rotated {
        session,
        session_id,
    })
}

pub async fn revoke_session(tx: &mut Tx, session_id: Uuid, reason: &str) -> Result<(), DbError> {
    tx.execute(
        Sql::new("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(reason)
            .bind(session_id),
    )
    .await?;
    Ok(())
}

pub async fn revoke_user_sessions(tx: &mut Tx, user_id: Uuid, reason: &str) -> Result<(), DbError> {
    tx.execute(
        Sql::new("UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE user_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(reason)
            .bind(user_id),
    )
    .await?;
    Ok(())
}

/// Failed logins for this e-mail from this IP, and for this IP whatever
/// the e-mail, since `since`, with the oldest of each (to compute when the
/// limit lifts). Unknown e-mails count like known ones, so the answer
/// never tells whether an account exists.
pub struct FailureCounts {
    pub by_account: i64,
    pub oldest_by_account: Option<DateTime<Utc>>,
    pub by_ip: i64,
    pub oldest_by_ip: Option<DateTime<Utc>>,
}

pub async fn login_failures_since(
    db: &Db,
    email: &str,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<FailureCounts, DbError> {
    let (by_account, oldest_by_account): (i64, Option<DateTime<Utc>>) = db
        .fetch_one(
            Sql::new(
                "SELECT COUNT(*), MIN(at) FROM login_failures \
                 WHERE email = $1 AND ip = $2 AND at > $3",
            )
            .bind(email)
            .bind(ip)
            .bind(since),
        )
        .await?;
    let (by_ip, oldest_by_ip): (i64, Option<DateTime<Utc>>) = db
        .fetch_one(
            Sql::new("SELECT COUNT(*), MIN(at) FROM login_failures WHERE ip = $1 AND at > $2")
                .bind(ip)
                .bind(since),
        )
        .await?;
    Ok(FailureCounts {
        by_account,
        oldest_by_account,
        by_ip,
        oldest_by_ip,
    })
}

/// Records a failed login and forgets failures older than `forget_before`.
pub async fn record_login_failure(
    db: &Db,
    email: &str,
    ip: &str,
    forget_before: DateTime<Utc>,
) -> Result<(), DbError> {
    db.execute(
        Sql::new("INSERT INTO login_failures (id, email, ip, at) VALUES ($1, $2, $3, $4)")
            .bind(Uuid::new_v4())
            .bind(email)
            .bind(ip)
            .bind(now()),
    )
    .await?;
    db.execute(Sql::new("DELETE FROM login_failures WHERE at < $1").bind(forget_before))
        .await?;
    Ok(())
}

/// A server-wide setting, inserted once: concurrent first starts agree on
/// the value that won.
pub async fn setting_or_insert(db: &Db, key: &str, value: &str) -> Result<String, DbError> {
    db.execute(
        Sql::new(
            "INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value),
    )
    .await?;
    let (stored,): (String,) = db
        .fetch_one(Sql::new("SELECT value FROM app_settings WHERE key = $1").bind(key))
        .await?;
    Ok(stored)
}

/// The organizations a command-line job could work on (those with this
/// name or id, or all; at most two, enough to tell one from several), each
/// with the administrator it would act as: its first active one.
pub async fn command_line_actors(
    db: &Db,
    organization: Option<&str>,
) -> Result<Vec<(Uuid, Option<Uuid>)>, DbError> {
    let mut sql = Sql::new(
        "SELECT o.id, (SELECT u.id FROM users u WHERE u.organization_id = o.id AND u.role = 'admin' \
         AND u.active ORDER BY u.created_at, u.id LIMIT 1) AS admin_id FROM organizations o",
    );
    if let Some(organization) = organization {
        let by_id = Uuid::parse_str(organization).ok();
        let name = sql.arg(organization);
        let id = sql.arg(by_id);
        sql.push(&format!(" WHERE o.name = {name} OR o.id = {id}"));
    }
    sql.push(" LIMIT 2");
    db.fetch_all(sql).await
}
