//! Comptoir's web pages, served by `comptoir serve` at `/` beside the API:
//! server-rendered HTML from templates embedded in the binary, enhanced by
//! htmx (vendored from npm), with cookie sessions and CSRF tokens.
//!
//! A page handler is what an API handler is: it parses, is authorized by
//! its signature (`session::Allowed<require::X>`), calls one service
//! function with the reader as the actor, and renders. Every rule lives in
//! the services, once.

mod assets;
mod charts;
mod error;
mod i18n;
mod once;
mod pages;
mod render;
mod session;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use comptoir_db::Db;
use comptoir_services::dashboard::OverviewCache;
use comptoir_services::sessions::LoginLimits;
use comptoir_services::transfer::imports::RunningImports;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub use assets::compressed_sizes;

/// The pages' limits (idle expiry, login limits, upload size), as the
/// API's, the running imports' progress the API shares, and how old the
/// dashboard's figures may be before they are recomputed.
pub struct WebConfig {
    pub session_idle: chrono::Duration,
    pub login_limits: LoginLimits,
    pub upload_limit_bytes: usize,
    pub imports: RunningImports,
    pub dashboard_max_age: std::time::Duration,
}

#[derive(Clone)]
pub struct WebContext {
    db: Db,
    config: Arc<WebConfig>,
    keys: Arc<session::CookieKeys>,
    overviews: Arc<OverviewCache>,
}

/// What a page may load and where it may be framed: our own files only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
    style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

/// The pages' router. `secret` is the server secret the cookie and CSRF
/// keys are derived from.
pub fn router(db: Db, config: WebConfig, secret: &[u8]) -> Router {
    let ctx = WebContext {
        db,
        overviews: OverviewCache::new(config.dashboard_max_age),
        config: Arc::new(config),
        keys: Arc::new(session::CookieKeys::new(secret)),
    };
    let signed_in = pages::router(ctx.config.upload_limit_bytes)
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            session::authenticate,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    Router::new()
        .merge(signed_in)
        .merge(pages::login::router())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .with_state(ctx)
        .route("/assets/{file}", get(assets::serve))
}
