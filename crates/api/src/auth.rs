//! Authentication: logins checked against the argon2id password hashes
//! (`comptoir_services::auth`), short-lived JWT access tokens bound to a
//! server-side session, rotating refresh tokens, login rate limits, and the
//! extractors that authorize every route.

use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
pub use crate::state::keys::Keys;
pub use crate::state::sessions::SessionCache;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use comptoir_db::audit::Actor;
use comptoir_db::auth::{self as store, RefreshOutcome};
use comptoir_db::{Db, now};
use comptoir_domain::permissions::{Permission, Role};
use comptoir_services::auth::{hash_password, verify_password};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::marker::PhantomData;
use std::net::SocketAddr;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    pub org: Uuid,
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
}

fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    (token, hash)
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated caller, checked against its session on every request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub role: Role,
    pub session_id: Uuid,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}

impl CurrentUser {
    /// The audit actor for mutations made by this caller.
    pub fn actor(&self) -> Actor {
        Actor {
            organization_id: self.organization_id,
            user_id: Some(self.user_id),
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        }
    }

    /// The caller as the services see it: who acts, for which
    /// organization, with which role, and from where.
    pub fn caller(&self) -> comptoir_services::Actor {
        comptoir_services::Actor {
            organization_id: self.organization_id,
            user_id: self.user_id,
            role: self.role,
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
        }
    }
}

pub fn client_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
}

/// The peer address of the request, when the server knows it.
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(parts)))
    }
}

fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Decodes and verifies a bearer token's signature and expiry.
pub fn decode_bearer(keys: &Keys, header: Option<&str>) -> Result<Claims, ApiError> {
    let token = header
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .ok_or(ApiError::Unauthorized("missing bearer token"))?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    jsonwebtoken::decode::<Claims>(token.trim(), &keys.decoding, &validation)
        .map(|data| data.claims)
        .map_err(|_| ApiError::Unauthorized("invalid or expired token"))
}

impl FromRequestParts<ApiContext> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let claims = decode_bearer(&ctx.keys, header)?;
        let session = match ctx.sessions.get(claims.sid) {
            Some(session) => Some(session),
            None => {
                let session = store::session_state(&ctx.db, claims.sid).await?;
                if let Some(session) = &session {
                    ctx.sessions.put(claims.sid, session.clone());
                }
                session
            }
        };
        let session = session
            .filter(|s| s.revoked_at.is_none() && s.user_active && s.user_id == claims.sub)
            .ok_or(ApiError::Unauthorized("session ended"))?;
        Ok(CurrentUser {
            user_id: session.user_id,
            organization_id: session.organization_id,
            role: session.role,
            session_id: claims.sid,
            request_id: request_id(parts),
            ip: client_ip(parts),
        })
    }
}

/// A permission a route requires, as a type.
pub trait Requirement {
    const PERMISSION: Permission;
}

/// An authenticated caller whose role grants `P`. Routes take this as their
/// first argument, so the permission is declared in the signature.
pub struct Authorized<P>(pub CurrentUser, PhantomData<P>);

impl<P> std::ops::Deref for Authorized<P> {
    type Target = CurrentUser;
    fn deref(&self) -> &CurrentUser {
        &self.0
    }
}

impl<P: Requirement + Send + Sync> FromRequestParts<ApiContext> for Authorized<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, ApiError> {
        let user = CurrentUser::from_request_parts(parts, ctx).await?;
        if !user.role.allows(P::PERMISSION) {
            return Err(ApiError::Forbidden(P::PERMISSION.as_str()));
        }
        Ok(Authorized(user, PhantomData))
    }
}

macro_rules! requirements {
    ($($marker:ident),+ $(,)?) => {
        /// Type-level names of the permissions, for [`Authorized`].
        pub mod require {
            $(
                pub struct $marker;
                impl super::Requirement for $marker {
                    const PERMISSION: comptoir_domain::permissions::Permission =
                        comptoir_domain::permissions::Permission::$marker;
                }
            )+
        }
    };
}

requirements!(
    CatalogRead,
    CatalogWrite,
    ClientsRead,
    ClientsWrite,
    SuppliersRead,
    SuppliersWrite,
    StockRead,
    StockWrite,
    PurchasesRead,
    PurchasesWrite,
    SalesRead,
    SalesWrite,
    InvoicesRead,
    InvoicesWrite,
    DataImport,
    DataExport,
    UsersManage,
    AuditRead,
    SettingsManage,
    ValuationRead,
    ReturnsWrite,
    PeriodsClose,
);

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

fn issue_tokens(
    ctx: &ApiContext,
    user_id: Uuid,
    organization_id: Uuid,
    session_id: Uuid,
    refresh_token: String,
) -> ApiResult<TokenPair> {
    let issued = now().timestamp();
    let ttl = ctx.config.access_token_ttl.as_secs() as i64;
    let claims = Claims {
        sub: user_id,
        org: organization_id,
        sid: session_id,
        iat: issued,
        exp: issued + ttl,
    };
    let access_token =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &ctx.keys.encoding)
            .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    Ok(TokenPair {
        access_token,
        refresh_token,
        token_type: "Bearer",
        expires_in: ttl,
    })
}

async fn rate_limit(db: &Db, ctx: &ApiContext, email: &str, ip: &str) -> ApiResult<()> {
    let window = chrono::Duration::from_std(ctx.config.login_window).map_err(ApiError::internal)?;
    let counts = store::login_failures_since(db, email, ip, now() - window).await?;
    let blocking_since = [
        (counts.by_account >= ctx.config.login_max_failures)
            .then_some(counts.oldest_by_account)
            .flatten(),
        (counts.by_ip >= ctx.config.login_max_failures_per_ip)
            .then_some(counts.oldest_by_ip)
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(oldest) = blocking_since {
        let retry_after = (oldest + window - now()).num_seconds().max(1) as u64;
        return Err(ApiError::RateLimited {
            retry_after_seconds: retry_after,
        });
    }
    Ok(())
}

/// Log in with e-mail and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn login(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    Json(request): Json<LoginRequest>,
) -> ApiResult<axum::Json<TokenPair>> {
    let email = request.email.trim().to_lowercase();
    let ip = ip.unwrap_or_else(|| "unknown".to_owned());
    rate_limit(&ctx.db, &ctx, &email, &ip).await?;
    let credentials = store::credentials_by_email(&ctx.db, &email).await?;
    let password = request.password;
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
    .map_err(ApiError::internal)?;
    let credentials = match credentials {
        Some(c) if valid && c.active => c,
        _ => {
            let forget = now() - chrono::Duration::days(1);
            store::record_login_failure(&ctx.db, &email, &ip, forget).await?;
            return Err(ApiError::Unauthorized(
                "wrong e-mail or password, or account deactivated",
            ));
        }
    };
    let (refresh_token, refresh_hash) = new_refresh_token();
    let mut tx = ctx.db.begin().await?;
    let session_id = store::open_session(
        &mut tx,
        credentials.organization_id,
        credentials.id,
        &refresh_hash,
    )
    .await?;
    tx.commit().await?;
    issue_tokens(
        &ctx,
        credentials.id,
        credentials.organization_id,
        session_id,
        refresh_token,
    )
    .map(axum::Json)
}

/// Exchange a refresh token for a new pair. Each refresh token works once;
/// presenting a used one ends its whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::ErrorBody)))]
async fn refresh(
    State(ctx): State<ApiContext>,
    Json(request): Json<RefreshRequest>,
) -> ApiResult<axum::Json<TokenPair>> {
    let (new_token, new_hash) = new_refresh_token();
    let idle =
        chrono::Duration::from_std(ctx.config.session_idle_timeout).map_err(ApiError::internal)?;
    let mut tx = ctx.db.begin().await?;
    let outcome = store::rotate_refresh_token(
        &mut tx,
        &token_hash(&request.refresh_token),
        &new_hash,
        idle,
    )
    .await?;
    tx.commit().await?;
    match outcome {
        RefreshOutcome::Rotated {
            session,
            session_id,
        } => issue_tokens(
            &ctx,
            session.user_id,
            session.organization_id,
            session_id,
            new_token,
        )
        .map(axum::Json),
        RefreshOutcome::Unknown => Err(ApiError::Unauthorized("unknown refresh token")),
        RefreshOutcome::Reused => {
            // Which session it revoked is not known here: none is trusted.
            ctx.sessions.clear();
            Err(ApiError::Unauthorized(
                "refresh token already used: the session is revoked",
            ))
        }
        RefreshOutcome::Refused => Err(ApiError::Unauthorized("session ended")),
    }
}

/// End the current session: its refresh and access tokens stop working.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
async fn logout(
    State(ctx): State<ApiContext>,
    user: CurrentUser,
) -> ApiResult<axum::http::StatusCode> {
    let mut tx = ctx.db.begin().await?;
    store::revoke_session(&mut tx, user.session_id, "logout").await?;
    tx.commit().await?;
    ctx.sessions.forget(user.session_id);
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: store::User,
    pub organization: store::Organization,
    pub role: Role,
    pub permissions: Vec<Permission>,
}

/// The caller, its organization, role and permissions.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
async fn me(State(ctx): State<ApiContext>, user: CurrentUser) -> ApiResult<axum::Json<Me>> {
    let account = store::user_by_id(&ctx.db, user.user_id).await?;
    let organization = store::get_organization(&ctx.db, user.organization_id).await?;
    Ok(axum::Json(Me {
        user: account,
        organization,
        role: user.role,
        permissions: user.role.permissions(),
    }))
}
