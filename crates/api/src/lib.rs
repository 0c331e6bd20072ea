//! Comptoir's HTTP layer: a folder or module per business area with its
//! routes; handlers parse, authorize (`auth::Authorized<P>`), call one
//! service function (`comptoir_services`), and map the result and errors
//! (`error::ApiError`).

pub mod audit;
pub mod auth;
pub mod catalog;
pub mod compliance;
pub mod context;
pub mod contract;
pub mod dashboard;
pub mod documents;
pub mod download;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod numbering;
pub mod organization;
pub mod parties;
pub mod payables;
pub mod purchasing;
pub mod sales;
pub mod state;
pub mod stock;
pub mod system;
pub mod transfer;
pub mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
pub use comptoir_services::validate;
pub use context::{ApiContext, Config};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "Comptoir API", description = "Business management for small and medium businesses: catalog, clients, suppliers, stock, sales."),
    modifiers(&BearerAuth),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The OpenAPI document and the router, built from the same route list so
/// the document covers every route. `pages` (the web application, which
/// the binary hands in) is served beside the API behind the same request
/// id, trace, metrics and body limit; the API's own layers act only on
/// its documented operations and on requests that ask for them
/// (`Idempotency-Key`).
pub fn app(ctx: ApiContext, pages: Router) -> Router {
    let api = OpenApiRouter::new()
        .merge(auth::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(catalog::router())
        .merge(parties::router())
        .merge(stock::router())
        .merge(purchasing::router())
        .merge(payables::router(ctx.config.upload_limit_bytes))
        .merge(sales::router())
        .merge(compliance::router())
        .merge(dashboard::router())
        .merge(documents::router())
        .merge(numbering::router())
        .merge(organization::router())
        .merge(transfer::router(ctx.config.upload_limit_bytes));
    let (api_router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api)
        .split_for_parts();
    openapi.servers = None;
    contract::declare_error_answers(&mut openapi);
    contract::patch_bodies_require_nothing(&mut openapi);
    let query_contract = std::sync::Arc::new(contract::QueryContract::from_openapi(&openapi));
    let request_id = HeaderName::from_static("x-request-id");
    let body_limit = ctx.config.body_limit_bytes;
    Router::new()
        .merge(api_router)
        .merge(system::router(openapi))
        .with_state(ctx.clone())
        .merge(pages)
        .fallback(system::not_found)
        .method_not_allowed_fallback(system::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            ctx.clone(),
            idempotency::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            query_contract,
            contract::layer,
        ))
        .layer(axum::middleware::from_fn(system::track_metrics))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(system::make_span))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
