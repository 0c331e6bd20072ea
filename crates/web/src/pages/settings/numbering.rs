//! Number formats: every series with its format, the number its next
//! document gets, and a form per series to change the format. The page
//! is the change's form, so it asks the change's permission.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show};
use crate::session::Allowed;
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use comptoir_domain::FieldErrors;
use comptoir_services::numbering::{self as service, FormatRequest};
use comptoir_services::{ServiceError, require};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/settings/numbering", get(formats))
        .route("/settings/numbering/{series}", post(set_format))
}

type Manager = Allowed<require::SettingsManage>;

/// The page, with `refused` — a series, the pattern typed for it and
/// what is wrong with it — shown on that series' form.
async fn page(
    viewer: &Manager,
    ctx: &WebContext,
    status: StatusCode,
    refused: Option<(&str, &str, FieldErrors)>,
) -> PageResult<Response> {
    let formats = service::formats(&ctx.db, &viewer.actor).await?;
    let (series, typed, errors) = match refused {
        Some((series, typed, errors)) => (series, typed, by_field(errors)),
        None => ("", "", Default::default()),
    };
    let page = show(
        viewer,
        "settings/numbering.html",
        "settings.numbering",
        json!({
            "formats": formats,
            "refused": { "series": series, "pattern": typed, "errors": errors },
        }),
    )?;
    Ok((status, page).into_response())
}

async fn formats(viewer: Manager, State(ctx): State<WebContext>) -> PageResult<Response> {
    page(&viewer, &ctx, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct PatternForm {
    pattern: Option<String>,
}

async fn set_format(
    viewer: Manager,
    State(ctx): State<WebContext>,
    Path(series): Path<String>,
    Form(form): Form<PatternForm>,
) -> PageResult<Response> {
    let typed = form.pattern.clone().unwrap_or_default();
    let request = FormatRequest {
        pattern: form.pattern,
    };
    match service::set_format(&ctx.db, &viewer.actor, &series, request).await {
        Ok(_) => Ok(Redirect::to("/settings/numbering").into_response()),
        Err(ServiceError::Validation(errors)) => {
            let refused = Some((series.as_str(), typed.as_str(), errors));
            page(&viewer, &ctx, StatusCode::UNPROCESSABLE_ENTITY, refused).await
        }
        Err(error) => Err(error.into()),
    }
}
