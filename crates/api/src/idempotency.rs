//! `Idempotency-Key` on POST: the same key and body within 24 hours returns
//! the first response without running the request again; the same key with
//! another body is a conflict. Keys are scoped to the authenticated user.

use crate::auth::decode_bearer;
use crate::context::ApiContext;
use crate::error::ApiError;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use comptoir_db::idempotency::{self, Claim};
use sha2::{Digest, Sha256};

pub async fn layer(State(ctx): State<ApiContext>, request: Request, next: Next) -> Response {
    match run(ctx, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn run(ctx: ApiContext, request: Request, next: Next) -> Result<Response, ApiError> {
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (Some(key), true) = (key, request.method() == Method::POST) else {
        return Ok(next.run(request).await);
    };
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be 1 to 255 characters".into(),
        ));
    }
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let Ok(claims) = decode_bearer(&ctx.keys, authorization) else {
        // Unauthenticated requests have no key scope; let auth refuse them.
        return Ok(next.run(request).await);
    };
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, ctx.config.body_limit_bytes)
        .await
        .map_err(|_| ApiError::PayloadTooLarge)?;
    let mut hasher = Sha256::new();
    hasher.update(parts.method.as_str().as_bytes());
    hasher.update(b" ");
    hasher.update(parts.uri.path().as_bytes());
    hasher.update(b"\n");
    hasher.update(&bytes);
    let request_hash = hex::encode(hasher.finalize());

    let lifetime = chrono::Duration::hours(24);
    match idempotency::claim(&ctx.db, claims.sub, &key, &request_hash, lifetime).await? {
        Claim::Mismatch => Err(ApiError::conflict(
            "this Idempotency-Key was used with another request",
        )),
        Claim::InProgress => Err(ApiError::conflict(
            "a request with this Idempotency-Key is still running",
        )),
        Claim::Replay { status, body } => Ok((
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            [
                (header::CONTENT_TYPE, "application/json"),
                (
                    header::HeaderName::from_static("idempotent-replayed"),
                    "true",
                ),
            ],
            body,
        )
            .into_response()),
        Claim::Claimed => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (parts, body) = response.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .map_err(ApiError::internal)?;
            if parts.status.is_server_error() {
                idempotency::release(&ctx.db, claims.sub, &key).await?;
            } else {
                let text = String::from_utf8_lossy(&bytes);
                idempotency::complete(&ctx.db, claims.sub, &key, parts.status.as_u16(), &text)
                    .await?;
            }
            Ok(Response::from_parts(parts, Body::from(bytes)))
        }
    }
}
