//! The organization's settings: `GET /settings/organization` and its
//! logo for every signed-in user; `PUT /settings/organization`, and
//! `PUT` and `DELETE` of the logo, for administrators.

use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, Multipart};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use comptoir_db::organization::OrganizationSettings;
use comptoir_domain::FieldErrors;
use comptoir_services::organization::logo::{self, MAX_LOGO_BYTES};
use comptoir_services::organization::{self as service, OrganizationRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Room for the multipart framing around a logo of the largest size, so
/// the logo's own size decides what is too large.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

pub fn router() -> OpenApiRouter<ApiContext> {
    let logo = OpenApiRouter::new()
        .routes(routes!(get_logo, put_logo, delete_logo))
        .layer(DefaultBodyLimit::max(MAX_LOGO_BYTES + MULTIPART_OVERHEAD));
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .merge(logo)
}

/// The caller's organization: its name, time zone and identity.
#[utoipa::path(get, path = "/settings/organization", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = OrganizationSettings)))]
async fn get_settings(
    user: CurrentUser,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<OrganizationSettings>> {
    Ok(axum::Json(
        service::settings(&ctx.db, &user.caller()).await?,
    ))
}

/// Replace the organization's settings (all but the logo): a field left
/// out is emptied.
#[utoipa::path(put, path = "/settings/organization", tag = "settings", security(("bearer" = ["settings.manage"])),
    request_body = OrganizationRequest,
    responses((status = 200, body = OrganizationSettings), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_settings(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    if_match: IfMatch,
    Json(request): Json<OrganizationRequest>,
) -> ApiResult<axum::Json<OrganizationSettings>> {
    let updated = service::update(&ctx.db, &auth.caller(), if_match.0, request).await?;
    // Sessions carry the time zone: the next request must read the new one.
    ctx.sessions.clear();
    Ok(axum::Json(updated))
}

/// The form of `PUT /settings/organization/logo`.
#[derive(utoipa::ToSchema)]
pub struct LogoForm {
    /// A PNG or JPEG image of at most 1 MB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The organization's logo, as uploaded.
#[utoipa::path(get, path = "/settings/organization/logo", tag = "settings", security(("bearer" = [])),
    responses((status = 200, description = "The logo", content((crate::download::FileBytes = "image/png"), (crate::download::FileBytes = "image/jpeg"))), (status = 404, body = ErrorBody)))]
async fn get_logo(
    user: CurrentUser,
    State(ctx): State<ApiContext>,
) -> ApiResult<impl IntoResponse> {
    let image = logo::logo(&ctx.db, &user.caller()).await?;
    Ok(([(header::CONTENT_TYPE, image.content_type)], image.bytes))
}

/// Upload the organization's logo (multipart, field `file`): a PNG or
/// JPEG of at most 1 MB, in place of any other.
#[utoipa::path(put, path = "/settings/organization/logo", tag = "settings", security(("bearer" = ["settings.manage"])),
    request_body(content_type = "multipart/form-data", content = LogoForm),
    responses((status = 200, body = OrganizationSettings), (status = 412, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_logo(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    if_match: IfMatch,
    Multipart(mut multipart): Multipart,
) -> ApiResult<axum::Json<OrganizationSettings>> {
    let refused = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(error.body_text())
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() == Some("file") {
            let bytes = logo::read_logo(field).await.map_err(refused)?;
            file = Some(bytes.ok_or(ApiError::PayloadTooLarge)?);
        }
    }
    let Some(bytes) = file else {
        return Err(FieldErrors::single("file", "is required").into());
    };
    let updated = logo::set_logo(&ctx.db, &auth.caller(), if_match.0, &bytes).await?;
    Ok(axum::Json(updated))
}

/// Remove the organization's logo.
#[utoipa::path(delete, path = "/settings/organization/logo", tag = "settings", security(("bearer" = ["settings.manage"])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_logo(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    if_match: IfMatch,
) -> ApiResult<StatusCode> {
    logo::remove_logo(&ctx.db, &auth.caller(), if_match.0).await?;
    Ok(StatusCode::NO_CONTENT)
}
