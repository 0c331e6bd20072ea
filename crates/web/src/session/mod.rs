//! Browser sessions: a signed, HttpOnly, SameSite=Lax cookie naming a
//! server-side session (the same sessions as the API's, so logout and a
//! deactivated user end it on every instance at once), idle expiry as the
//! API's, and a CSRF token on every state-changing request.
//!
//! The cookie is signed with a key derived from the server secret for this
//! use only, so a cookie is never accepted as an API token, nor the
//! reverse. It is re-signed, and the session's `last_seen_at` moved, at
//! most once a minute: an idle session ends after the configured time
//! both in the browser (the cookie's expiry) and on the server.
//!
//! The CSRF token is an HMAC of the session id: a form carries it in
//! `_csrf` (a multipart form as its first field, so the upload after it
//! streams on unread), htmx in the `x-csrf-token` header. The login form, before any
//! session, carries a random value that must match a cookie of its own.

mod cookies;
mod csrf;

use crate::WebContext;
use crate::error::PageError;
use crate::once::once;
use crate::render::{self, Frame, Reader};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use comptoir_db::now;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::Role;
use comptoir_services::Actor;
use comptoir_services::require::Requirement;
use comptoir_services::sessions;
use cookies::session_claims;
use csrf::{FORM_LIMIT, check_csrf};
use std::marker::PhantomData;
use std::net::SocketAddr;
use uuid::Uuid;

pub use cookies::{CookieKeys, LOGIN_COOKIE, SESSION_COOKIE, cookie, session_cookie, set_cookie};

/// How long a signed cookie is trusted before it is signed again.
const RESIGN_AFTER_SECONDS: i64 = 60;

/// The signed-in reader of a page.
#[derive(Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub session_id: Uuid,
    pub name: String,
    pub language: Language,
    pub csrf: String,
    /// The path of the page asked for, for the menu and redirections.
    pub path: String,
}

impl Viewer {
    pub fn role(&self) -> Role {
        self.actor.role
    }

    /// What every page shows of its reader, titled by the catalog key
    /// `title`.
    pub fn frame(&self, title: &'static str) -> Frame<'_> {
        Frame {
            language: self.language,
            time_zone: self.actor.time_zone,
            title,
            path: &self.path,
            csrf: Some(&self.csrf),
            reader: Some((
                Reader {
                    name: self.name.clone(),
                    role: self.role().as_str(),
                },
                self.role(),
            )),
        }
    }
}

/// The error page for `viewer`.
fn error_page(viewer: &Viewer, error: PageError) -> Response {
    let (title, message) = error.text(viewer.language);
    let body = render::page(
        "error.html",
        viewer.frame(title),
        serde_json::json!({ "message": message }),
    )
    .unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page failed to render");
        message
    });
    (error.status(), Html(body)).into_response()
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

/// Where a reader without a session goes: the login page, then back.
fn to_login(parts: &Parts) -> Response {
    let next = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let target = if parts.method == Method::GET && next != "/" {
        format!(
            "/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        )
    } else {
        "/login".to_owned()
    };
    let mut response = if parts.headers.contains_key("hx-request") {
        let mut response = axum::http::StatusCode::UNAUTHORIZED.into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert("hx-redirect", value);
        }
        response
    } else {
        Redirect::to(&target).into_response()
    };
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&parts.headers, SESSION_COOKIE, "", "/", 0),
    );
    response
}
/// Authenticates every page behind it: a reader without a live session
/// goes to the login page; a state-changing request without the
/// session's CSRF token is refused. The handler finds the [`Viewer`] in
/// the request; the session cookie is re-signed on the way out when due,
/// and an error answer becomes an error page in the reader's language.
pub async fn authenticate(State(ctx): State<WebContext>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let Some(claims) = session_claims(&ctx, &parts.headers) else {
        return to_login(&parts);
    };
    let state = match sessions::state(&ctx.db, claims.sid).await {
        Ok(state) => state,
        Err(error) => return PageError::from(error).into_response(),
    };
    let idle_since = now() - ctx.config.session_idle;
    let Some(state) = state.filter(|s| {
        s.revoked_at.is_none()
            && s.user_active
            && s.user_id == claims.sub
            && s.last_seen_at > idle_since
    }) else {
        return to_login(&parts);
    };
    let viewer = Viewer {
        actor: Actor {
            organization_id: state.organization_id,
            user_id: state.user_id,
            role: state.role,
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            ip: client_ip(&parts),
            time_zone: state.time_zone,
        },
        session_id: claims.sid,
        name: state.name,
        language: state.language,
        csrf: ctx.keys.csrf_token(claims.sid),
        path: parts.uri.path().to_owned(),
    };
    let request_headers = parts.headers.clone();
    parts.extensions.insert(viewer.clone());
    let request = match check_csrf(Request::from_parts(parts, body), &viewer.csrf).await {
        Ok(request) => request,
        Err(refusal) => return error_page(&viewer, refusal),
    };
    let mut response = once(&ctx.db, &viewer, request, next, FORM_LIMIT).await;
    if let Some(refusal) = response.extensions_mut().remove::<PageError>() {
        return error_page(&viewer, refusal);
    }
    let logged_out = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(SESSION_COOKIE.as_bytes()));
    if !logged_out && now().timestamp() - claims.iat >= RESIGN_AFTER_SECONDS {
        if let Err(error) = sessions::touch(&ctx.db, claims.sid).await {
            tracing::warn!(%error, "session use not recorded");
        }
        if let Ok(cookie) = session_cookie(&ctx, &request_headers, claims.sid, claims.sub) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, PageError> {
        parts.extensions.get::<Viewer>().cloned().ok_or_else(|| {
            PageError::internal(std::io::Error::other("page outside the session layer"))
        })
    }
}

/// A reader whose role grants `P`: pages take this as their first
/// argument, so the permission is declared in the signature, and a role
/// without it gets the 403 page.
pub struct Allowed<P>(pub Viewer, PhantomData<P>);

impl<P> std::ops::Deref for Allowed<P> {
    type Target = Viewer;
    fn deref(&self) -> &Viewer {
        &self.0
    }
}

impl<S: Send + Sync, P: Requirement + Send + Sync> FromRequestParts<S> for Allowed<P> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, PageError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if !viewer.actor.may(P::PERMISSION) {
            return Err(PageError::Forbidden);
        }
        Ok(Allowed(viewer, PhantomData))
    }
}

/// A local path to go back to after a form, never another site.
pub fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path(Some("/clients?page=2")), "/clients?page=2");
        assert_eq!(local_path(Some("//evil.example")), "/");
        assert_eq!(local_path(Some("https://evil.example")), "/");
        assert_eq!(local_path(Some("/\\evil.example")), "/");
        assert_eq!(local_path(None), "/");
    }
}
