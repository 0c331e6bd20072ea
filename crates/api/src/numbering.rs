//! Number formats: `GET /settings/numbering` shows how each series is
//! spelled, `PUT /settings/numbering/{series}` changes one (admin). The
//! sequence itself never changes with the format.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::validate::required_parsed;
use axum::extract::State;
use chrono::{Datelike, Utc};
use comptoir_db::numbering as store;
use comptoir_domain::FieldErrors;
use comptoir_domain::numbering::{NumberFormat, Series};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_formats))
        .routes(routes!(set_format))
}

/// How one series is numbered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesFormat {
    /// `DEV`, `CMD`, `BL`, `FAC`, `AV` or `ACH`.
    pub series: Series,
    /// What the series numbers: `invoices`, `credit notes`…
    pub numbers: &'static str,
    /// `{YYYY}` or `{YY}` for the year, `{N}` or `{N:5}` for the sequence.
    #[schema(example = "FAC-{YYYY}-{N:5}")]
    pub pattern: String,
    /// The first number of this year in this format.
    #[schema(example = "FAC-2026-00001")]
    pub example: String,
}

impl SeriesFormat {
    fn new(series: Series, format: &NumberFormat) -> Self {
        Self {
            series,
            numbers: series.numbers(),
            pattern: format.as_str().to_owned(),
            example: format.render(Utc::now().year(), 1),
        }
    }
}

/// How each series of the organization is numbered.
#[utoipa::path(get, path = "/settings/numbering", tag = "settings", security(("bearer" = ["sales.read"])),
    responses((status = 200, body = Vec<SeriesFormat>)))]
async fn list_formats(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<SeriesFormat>>> {
    let formats = store::formats(&ctx.db, auth.organization_id).await?;
    Ok(axum::Json(
        formats
            .iter()
            .map(|(series, format)| SeriesFormat::new(*series, format))
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FormatRequest {
    #[schema(required = true, nullable = false, example = "F{YY}/{N:6}")]
    pub pattern: Option<String>,
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
    let series = Series::parse(&series).map_err(|_| ApiError::NotFound)?;
    let mut errors = FieldErrors::new();
    let format = required_parsed(&mut errors, "pattern", request.pattern, NumberFormat::parse);
    errors.finish(|| ())?;
    let format = format.expect("checked");
    let before = store::formats(&ctx.db, auth.organization_id)
        .await?
        .into_iter()
        .find(|(s, _)| *s == series)
        .map(|(s, f)| SeriesFormat::new(s, &f));
    let after = SeriesFormat::new(series, &format);
    let mut tx = ctx.db.begin().await?;
    store::set_format(&mut tx, auth.organization_id, series, &format).await?;
    log(
        &mut tx,
        &auth,
        "update",
        "number_format",
        auth.organization_id,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(after))
}
