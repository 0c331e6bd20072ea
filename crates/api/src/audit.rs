//! The audit log, read-only (admin).

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use comptoir_db::audit::AuditEntry;
use comptoir_services::audit::{self as service, AuditFilters};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

/// Audit entries, oldest first, filtered.
#[utoipa::path(get, path = "/audit", tag = "audit", security(("bearer" = ["audit.read"])),
    params(ListParams, AuditFilters), responses((status = 200, body = PageOf<AuditEntry>)))]
async fn list_audit(
    auth: Authorized<require::AuditRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<AuditFilters>,
) -> ApiResult<axum::Json<PageOf<AuditEntry>>> {
    let page = params.page()?;
    let sort = params.sort::<AuditEntry>()?;
    let listing = service::list(&ctx.db, &auth.caller(), filters, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
