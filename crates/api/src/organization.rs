//! The organization's settings: `GET /settings/organization` for every
//! signed-in user, `PUT /settings/organization` for administrators.

use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json};
use axum::extract::State;
use comptoir_db::auth::Organization;
use comptoir_services::organization::{self as service, OrganizationRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// The caller's organization: its name and time zone.
#[utoipa::path(get, path = "/settings/organization", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = Organization)))]
async fn get_settings(
    user: CurrentUser,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Organization>> {
    Ok(axum::Json(
        service::settings(&ctx.db, &user.caller()).await?,
    ))
}

/// Rename the organization or change its time zone.
#[utoipa::path(put, path = "/settings/organization", tag = "settings", security(("bearer" = ["settings.manage"])),
    request_body = OrganizationRequest,
    responses((status = 200, body = Organization), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_settings(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    if_match: IfMatch,
    Json(request): Json<OrganizationRequest>,
) -> ApiResult<axum::Json<Organization>> {
    let updated = service::update(&ctx.db, &auth.caller(), if_match.0, request).await?;
    // Sessions carry the time zone: the next request must read the new one.
    ctx.sessions.clear();
    Ok(axum::Json(updated))
}
