//! The CSRF check of a state-changing request: the token in the
//! `x-csrf-token` header (htmx), or a form's `_csrf` field (a multipart
//! form's first part).

use crate::error::PageError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use futures_util::StreamExt;

/// The largest form body read to find its CSRF token.
pub(super) const FORM_LIMIT: usize = 1024 * 1024;

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
pub(super) async fn check_csrf(request: Request, expected: &str) -> Result<Request, PageError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
