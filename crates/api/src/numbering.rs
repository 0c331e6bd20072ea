//! Number formats: `GET /settings/numbering` shows how each series is
//! spelled, `PUT /settings/numbering/{series}` changes one (admin). The
//! sequence itself never changes with the format.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use axum::extract::State;
use comptoir_services::numbering::{self as service, FormatRequest, SeriesFormat};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_formats))
        .routes(routes!(set_format))
}

/// How each series of the organization is numbered.
#[utoipa::path(get, path = "/settings/numbering", tag = "settings", security(("bearer" = ["sales.read"])),
    responses((status = 200, body = Vec<SeriesFormat>)))]
async fn list_formats(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<SeriesFormat>>> {
    Ok(axum::Json(service::formats(&ctx.db, &auth.caller()).await?))
}

/// Change how a series is spelled from its next number on; the sequence
/// goes on where it was.
#[utoipa::path(put, path = "/settings/numbering/{series}", tag = "settings", security(("bearer" = ["settings.manage"])),
    params(("series" = String, Path, description = "`DEV`, `CMD`, `BL`, `FAC`, `AV` or `ACH`")),
    request_body = FormatRequest,
    responses((status = 200, body = SeriesFormat), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_format(
    auth: Authorized<require::SettingsManage>,
    State(ctx): State<ApiContext>,
    Path(series): Path<String>,
    Json(request): Json<FormatRequest>,
) -> ApiResult<axum::Json<SeriesFormat>> {
    Ok(axum::Json(
        service::set_format(&ctx.db, &auth.caller(), &series, request).await?,
    ))
}
