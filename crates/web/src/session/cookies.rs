//! The signed session cookie, the login form's cookie, and the keys both
//! are signed with, derived from the server secret for this use only.

use crate::WebContext;
use crate::error::PageError;
use axum::http::{HeaderMap, HeaderValue, header};
use comptoir_db::now;
use hmac::{Hmac, Mac};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "comptoir_session";
pub const LOGIN_COOKIE: &str = "comptoir_login";

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

    pub(super) fn csrf_token(&self, session_id: Uuid) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.csrf).expect("HMAC takes keys of any size");
        mac.update(session_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

#[derive(Serialize, Deserialize)]
pub(super) struct SessionClaims {
    pub(super) sid: Uuid,
    pub(super) sub: Uuid,
    pub(super) iat: i64,
    exp: i64,
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
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

pub(super) fn session_claims(ctx: &WebContext, headers: &HeaderMap) -> Option<SessionClaims> {
    let token = cookie(headers, SESSION_COOKIE)?;
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    jsonwebtoken::decode::<SessionClaims>(token, &ctx.keys.decoding, &validation)
        .ok()
        .map(|data| data.claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_differ_per_session_and_secret() {
        let keys = CookieKeys::new(b"secret");
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(keys.csrf_token(a), keys.csrf_token(a));
        assert_ne!(keys.csrf_token(a), keys.csrf_token(b));
        assert_ne!(keys.csrf_token(a), CookieKeys::new(b"other").csrf_token(a));
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
