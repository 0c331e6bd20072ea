//! A form sent twice acts once. The script already ignores a second click
//! while the first is on its way; this is the server's half, for a reader
//! without script or two tabs racing: the same form, with the same
//! values, posted by the same session to the same address within a few
//! seconds is one act. The first runs; a second arriving meanwhile waits
//! for it, then either follows the first's redirect (the record it made)
//! or is told the form was already sent.
//!
//! The claim is the API's idempotency record (`db::idempotency`), keyed by
//! a digest of the session, the address and the form's bytes. Only a
//! redirect — the answer to a form that did something — is kept; a form
//! refused or answered with a page is released at once, so sending it
//! again runs it again.

use crate::error::PageError;
use crate::session::Viewer;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_db::Db;
use comptoir_db::idempotency::{self, Claim};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// How long a sent form counts as the same act: a double click or an
/// impatient reload, not a deliberate second entry a minute later.
const SAME_ACT: chrono::Duration = chrono::Duration::seconds(10);
/// How long a second sending waits for the first to finish.
const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// Runs a form post once per act; anything else passes through.
pub async fn once(
    db: &Db,
    viewer: &Viewer,
    request: Request,
    next: Next,
    limit: usize,
) -> Response {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    // htmx requests come from the script, which keeps one in flight.
    let scripted = request.headers().contains_key("hx-request");
    if request.method() != Method::POST || !is_form || scripted {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return PageError::BadRequest("form too large").into_response();
    };
    let mut digest = Sha256::new();
    digest.update(viewer.session_id.as_bytes());
    digest.update(parts.uri.to_string().as_bytes());
    digest.update(b"\n");
    digest.update(&bytes);
    let key = format!("form:{}", hex::encode(digest.finalize()));
    let user = viewer.actor.user_id;
    let claim = |db: Db, key: String| async move {
        idempotency::claim(&db, user, &key, &key, SAME_ACT).await
    };
    match claim(db.clone(), key.clone()).await {
        Ok(Claim::Claimed | Claim::Mismatch) => {}
        Ok(Claim::Replay { body, .. }) => return Redirect::to(&body).into_response(),
        Ok(Claim::InProgress) => return wait_for_first(db, user, &key).await,
        Err(error) => return PageError::internal(error).into_response(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let location = response
        .status()
        .is_redirection()
        .then(|| response.headers().get(header::LOCATION))
        .flatten()
        .and_then(|v| v.to_str().ok());
    let kept = match location {
        Some(location) => idempotency::complete(db, user, &key, 303, location).await,
        None => idempotency::release(db, user, &key).await,
    };
    if let Err(error) = kept {
        tracing::warn!(%error, "a sent form's claim was not recorded");
    }
    response
}

/// The second sending of a form: the first's redirect once it has one.
async fn wait_for_first(db: &Db, user: uuid::Uuid, key: &str) -> Response {
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::time::Instant::now() < deadline {
        tokio::time::sleep(POLL).await;
        match idempotency::claim(db, user, key, key, SAME_ACT).await {
            Ok(Claim::Replay { body, .. }) => return Redirect::to(&body).into_response(),
            Ok(Claim::InProgress) => continue,
            // Released: the first was refused; this one says so too.
            Ok(Claim::Claimed | Claim::Mismatch) => {
                if let Err(error) = idempotency::release(db, user, key).await {
                    tracing::warn!(%error, "a sent form's claim was not released");
                }
                break;
            }
            Err(error) => return PageError::internal(error).into_response(),
        }
    }
    PageError::Refused {
        status: StatusCode::CONFLICT,
        message: "this form was already sent; see whether it was recorded before sending it again"
            .to_owned(),
    }
    .into_response()
}
