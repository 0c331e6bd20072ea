//! Authentication: logins checked against the argon2id password hashes
//! (`comptoir_services::auth`), short-lived JWT access tokens bound to a
//! server-side session, rotating refresh tokens, login rate limits, and the
//! extractors that authorize every route.
//!
//! An access token (15 min by default) carries a session id, and every
//! request checks that the session and its user are still active, read at
//! most once a second per session and instance ([`SessionCache`]): logout
//! and user changes take effect at once on their instance, within a second
//! on others. Login limits answer 429 with `Retry-After`. A user's e-mail
//! names one login across organizations (a unique index on `users.email`).

use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
pub use crate::state::keys::Keys;
pub use crate::state::sessions::SessionCache;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use comptoir_db::auth::{Organization, User};
use comptoir_db::now;
use comptoir_domain::permissions::{Permission, Role};
use comptoir_domain::time_zone::TimeZone;
pub use comptoir_services::require;
use comptoir_services::require::Requirement;
use comptoir_services::sessions::{self, LoginLimits, OpenSession, RefreshRefusal};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};
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

/// The authenticated caller, checked against its session on every request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user_id: Uuid,
    pub organization_id: Uuid,
    pub role: Role,
    pub session_id: Uuid,
    pub request_id: Option<String>,
    pub ip: Option<String>,
    pub time_zone: TimeZone,
}

impl CurrentUser {
    /// The caller as the services see it: who acts, for which
    /// organization, with which role, and from where.
    pub fn caller(&self) -> comptoir_services::Actor {
        comptoir_services::Actor {
            organization_id: self.organization_id,
            user_id: self.user_id,
            role: self.role,
            request_id: self.request_id.clone(),
            ip: self.ip.clone(),
            time_zone: self.time_zone,
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
                let session = sessions::state(&ctx.db, claims.sid).await?;
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
            time_zone: session.time_zone,
        })
    }
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

/// Signs an access token for the session and hands it out with the
/// session's next refresh token.
fn issue_tokens(ctx: &ApiContext, session: OpenSession) -> ApiResult<TokenPair> {
    let issued = now().timestamp();
    let ttl = ctx.config.access_token_ttl.as_secs() as i64;
    let claims = Claims {
        sub: session.user_id,
        org: session.organization_id,
        sid: session.session_id,
        iat: issued,
        exp: issued + ttl,
    };
    let access_token =
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &ctx.keys.encoding)
            .map_err(|e| ApiError::Internal(e.to_string().into()))?;
    Ok(TokenPair {
        access_token,
        refresh_token: session.refresh_token,
        token_type: "Bearer",
        expires_in: ttl,
    })
}

/// Log in with e-mail and password.
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn login(
    State(ctx): State<ApiContext>,
    ClientIp(ip): ClientIp,
    Json(request): Json<LoginRequest>,
) -> ApiResult<axum::Json<TokenPair>> {
    let limits = LoginLimits {
        window: chrono::Duration::from_std(ctx.config.login_window).map_err(ApiError::internal)?,
        max_failures: ctx.config.login_max_failures,
        max_failures_per_ip: ctx.config.login_max_failures_per_ip,
    };
    let ip = ip.unwrap_or_else(|| "unknown".to_owned());
    let session = sessions::log_in(&ctx.db, &limits, &request.email, request.password, &ip).await?;
    issue_tokens(&ctx, session).map(axum::Json)
}

/// Exchange a refresh token for a new pair. Each refresh token works once;
/// presenting a used one ends its whole session.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenPair), (status = 401, body = crate::error::ErrorBody)))]
async fn refresh(
    State(ctx): State<ApiContext>,
    Json(request): Json<RefreshRequest>,
) -> ApiResult<axum::Json<TokenPair>> {
    let idle =
        chrono::Duration::from_std(ctx.config.session_idle_timeout).map_err(ApiError::internal)?;
    match sessions::refresh(&ctx.db, &request.refresh_token, idle).await? {
        Ok(session) => issue_tokens(&ctx, session).map(axum::Json),
        Err(RefreshRefusal::Unknown) => Err(ApiError::Unauthorized("unknown refresh token")),
        Err(RefreshRefusal::Reused) => {
            // Which session it revoked is not known here: none is trusted.
            ctx.sessions.clear();
            Err(ApiError::Unauthorized(
                "refresh token already used: the session is revoked",
            ))
        }
        Err(RefreshRefusal::Ended) => Err(ApiError::Unauthorized("session ended")),
    }
}

/// End the current session: its refresh and access tokens stop working.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::ErrorBody)))]
async fn logout(
    State(ctx): State<ApiContext>,
    user: CurrentUser,
) -> ApiResult<axum::http::StatusCode> {
    sessions::log_out(&ctx.db, user.session_id).await?;
    ctx.sessions.forget(user.session_id);
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: User,
    pub organization: Organization,
    pub role: Role,
    pub permissions: Vec<Permission>,
}

/// The caller, its organization, role and permissions.
#[utoipa::path(get, path = "/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
async fn me(State(ctx): State<ApiContext>, user: CurrentUser) -> ApiResult<axum::Json<Me>> {
    let (account, organization) =
        sessions::account(&ctx.db, user.user_id, user.organization_id).await?;
    Ok(axum::Json(Me {
        user: account,
        organization,
        role: user.role,
        permissions: user.role.permissions(),
    }))
}
