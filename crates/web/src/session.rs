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

use crate::WebContext;
use crate::error::PageError;
use crate::once::once;
use crate::render::{self, Frame, Reader};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use comptoir_db::now;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::Role;
use comptoir_services::Actor;
use comptoir_services::require::Requirement;
use comptoir_services::sessions;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::marker::PhantomData;
use std::net::SocketAddr;
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "comptoir_session";
pub const LOGIN_COOKIE: &str = "comptoir_login";

/// How long a signed cookie is trusted before it is signed again.
const RESIGN_AFTER_SECONDS: i64 = 60;

/// The largest form body read to find its CSRF token.
const FORM_LIMIT: usize = 1024 * 1024;

pub struct CookieKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    csrf: Vec<u8>,
}

fn derived_key(purpose: &str, secret: &[u8]) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(purpose.as_bytes());
    hasher.update([0]);
    hasher.update(secret);
    hasher.finalize().to_vec()
}

impl CookieKeys {
    pub fn new(secret: &[u8]) -> Self {
        let session = derived_key("comptoir web session cookie", secret);
        Self {
            encoding: EncodingKey::from_secret(&session),
            decoding: DecodingKey::from_secret(&session),
            csrf: derived_key("comptoir web csrf", secret),
        }
    }

    fn csrf_token(&self, session_id: Uuid) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.csrf).expect("HMAC takes keys of any size");
        mac.update(session_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[derive(Serialize, Deserialize)]
struct SessionClaims {
    sid: Uuid,
    sub: Uuid,
    iat: i64,
    exp: i64,
}

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

pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}

/// Whether the browser reached us over TLS (directly or through a proxy
/// that says so): then cookies are `Secure`.
fn over_tls(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` zero removes the cookie.
pub fn set_cookie(
    headers: &HeaderMap,
    name: &str,
    value: &str,
    path: &str,
    max_age: i64,
) -> HeaderValue {
    let secure = if over_tls(headers) { "; Secure" } else { "" };
    let same_site = if name == LOGIN_COOKIE {
        "Strict"
    } else {
        "Lax"
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite={same_site}{secure}"
    ))
    .expect("cookie values are hex or JWT characters")
}

/// The session cookie for a session just opened or still in use.
pub fn session_cookie(
    ctx: &WebContext,
    headers: &HeaderMap,
    session_id: Uuid,
    user_id: Uuid,
) -> Result<HeaderValue, PageError> {
    let issued = now().timestamp();
    let idle = ctx.config.session_idle.num_seconds();
    let claims = SessionClaims {
        sid: session_id,
        sub: user_id,
        iat: issued,
        exp: issued + idle,
    };
    let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &ctx.keys.encoding)
        .map_err(PageError::internal)?;
    Ok(set_cookie(headers, SESSION_COOKIE, &token, "/", idle))
}

fn session_claims(ctx: &WebContext, headers: &HeaderMap) -> Option<SessionClaims> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    jsonwebtoken::decode::<SessionClaims>(token, &ctx.keys.decoding, &validation)
        .ok()
        .map(|data| data.claims)
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

/// A form body's `_csrf` field, and the body to hand on.
async fn form_token(body: Body) -> Result<(Option<String>, Body), PageError> {
    let bytes = axum::body::to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| PageError::BadRequest("form too large"))?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == "_csrf")
        .map(|(_, value)| value.into_owned());
    Ok((token, Body::from(bytes)))
}

/// The most of a multipart body read to find its leading `_csrf` field.
const MULTIPART_HEAD_LIMIT: usize = 16 * 1024;

/// A multipart body's `_csrf` field, which must be its first part: only
/// the body's beginning is read, and handed on with the rest unread, so
/// an upload streams to its handler.
async fn multipart_token(boundary: &str, body: Body) -> Result<(Option<String>, Body), PageError> {
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let token = loop {
        match first_part(&head, boundary) {
            Some(part) => break part,
            None if head.len() >= MULTIPART_HEAD_LIMIT => break None,
            None => {}
        }
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(PageError::BadRequest("form too large")),
            None => break first_part(&head, boundary).flatten(),
        }
    };
    let head = futures_util::stream::once(std::future::ready(Ok(axum::body::Bytes::from(head))));
    Ok((token, Body::from_stream(head.chain(stream))))
}

/// Once `head` holds the whole first part: its value when it is the
/// `_csrf` field, else none. Until then, none at all.
fn first_part(head: &[u8], boundary: &str) -> Option<Option<String>> {
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}");
    let text = String::from_utf8_lossy(head);
    let rest = text.strip_prefix(&opening)?;
    let (headers, rest) = rest.split_once("\r\n\r\n")?;
    let (value, _) = rest.split_once(&closing)?;
    let named_csrf = headers.lines().any(|line| {
        line.to_ascii_lowercase()
            .starts_with("content-disposition:")
            && line.contains("name=\"_csrf\"")
    });
    Some(named_csrf.then(|| value.to_owned()))
}

/// The boundary of a `multipart/form-data` body.
fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let content_type = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !content_type.starts_with("multipart/form-data") {
        return None;
    }
    content_type.split(';').find_map(|param| {
        let (name, value) = param.trim().split_once('=')?;
        name.eq_ignore_ascii_case("boundary")
            .then(|| value.trim_matches('"').to_owned())
    })
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// Checks the request's CSRF token against the session's, reading it from
/// the header or the form.
async fn check_csrf(request: Request, expected: &str) -> Result<Request, PageError> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let header_token = parts
        .headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (token, body) = match (header_token, multipart_boundary(&parts.headers)) {
        (Some(token), _) => (Some(token), body),
        (None, Some(boundary)) => multipart_token(&boundary, body).await?,
        (None, None) if is_form(&parts.headers) => form_token(body).await?,
        (None, None) => (None, body),
    };
    if token.as_deref() != Some(expected) {
        return Err(PageError::CsrfRefused);
    }
    Ok(Request::from_parts(parts, body))
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

    #[test]
    fn csrf_tokens_differ_per_session_and_secret() {
        let keys = CookieKeys::new(b"secret");
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(keys.csrf_token(a), keys.csrf_token(a));
        assert_ne!(keys.csrf_token(a), keys.csrf_token(b));
        assert_ne!(keys.csrf_token(a), CookieKeys::new(b"other").csrf_token(a));
    }

    #[test]
    fn a_multipart_token_is_its_first_field() {
        let body = "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"file\"";
        assert_eq!(first_part(body.as_bytes(), "b"), Some(Some("abc".into())));
        assert_eq!(
            first_part(&body.as_bytes()[..50], "b"),
            None,
            "not read yet"
        );
        let other = body.replace("_csrf", "entity");
        assert_eq!(first_part(other.as_bytes(), "b"), Some(None));
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            "a=1; comptoir_session=xyz; b=2".parse().unwrap(),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&headers, "c"), None);
    }
}
