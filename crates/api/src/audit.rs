//! The audit log, read-only (admin).

use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::{ListParams, PageOf, Query, query_filter};
use axum::extract::State;
use chrono::{DateTime, Utc};
use comptoir_db::Tx;
use comptoir_db::audit::{self as store, AuditEntry, AuditQuery};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Records a mutation in the audit log, inside the transaction making it.
pub(crate) async fn log<T: Serialize>(
    tx: &mut Tx,
    user: &CurrentUser,
    action: &str,
    resource_type: &str,
    id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> ApiResult<()> {
    let as_json = |row: Option<&T>| row.and_then(|row| serde_json::to_value(row).ok());
    store::record(
        tx,
        &user.actor(),
        action,
        resource_type,
        Some(id),
        as_json(before),
        as_json(after),
    )
    .await?;
    Ok(())
}

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilters {
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// RFC 3339 timestamp, inclusive.
    pub from: Option<String>,
    /// RFC 3339 timestamp, inclusive.
    pub to: Option<String>,
}

fn timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
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
    let query = AuditQuery {
        resource_type: filters.resource_type,
        resource_id: filters.resource_id,
        user_id: filters.user_id,
        from: query_filter("from", filters.from.as_deref(), timestamp)?,
        to: query_filter("to", filters.to.as_deref(), timestamp)?,
    };
    let listing = store::list(
        &ctx.db,
        auth.organization_id,
        query,
        params.sort::<AuditEntry>()?,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
