//! The organization's settings: its name and the time zone its pages
//! show instants in and reckon "today" by. The form carries the version
//! it was read at; a stale one shows what is stored now.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{by_field, show, typed};
use crate::session::Allowed;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use comptoir_db::auth::Organization;
use comptoir_domain::FieldErrors;
use comptoir_domain::time_zone::TimeZone;
use comptoir_services::organization::{self as service, OrganizationRequest};
use comptoir_services::{ServiceError, require};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub fn router() -> Router<WebContext> {
    Router::new().route("/settings/organization", get(edit).post(update))
}

type Manager = Allowed<require::SettingsManage>;

/// The form as typed.
#[derive(Deserialize, Serialize)]
struct OrganizationForm {
    name: Option<String>,
    time_zone: Option<String>,
    version: Option<String>,
}

impl OrganizationForm {
    fn from_organization(organization: &Organization) -> Self {
        OrganizationForm {
            name: Some(organization.name.clone()),
            time_zone: Some(organization.time_zone.name().to_owned()),
            version: Some(organization.version.to_string()),
        }
    }
}

fn form_page(
    viewer: &Manager,
    status: StatusCode,
    form: &OrganizationForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let zones: Vec<&str> = TimeZone::names().collect();
    let page = show(
        viewer,
        "settings/organization.html",
        "settings.organization",
        json!({
            "form": form,
            "zones": zones,
            "errors": by_field(errors),
            "notice": notice,
        }),
    )?;
    Ok((status, page).into_response())
}

async fn edit(viewer: Manager, State(ctx): State<WebContext>) -> PageResult<Response> {
    let organization = service::settings(&ctx.db, &viewer.actor).await?;
    let form = OrganizationForm::from_organization(&organization);
    form_page(&viewer, StatusCode::OK, &form, FieldErrors::new(), None)
}

async fn update(
    viewer: Manager,
    State(ctx): State<WebContext>,
    Form(form): Form<OrganizationForm>,
) -> PageResult<Response> {
    let Some(version) = typed(form.version.clone()).and_then(|v| v.parse::<i64>().ok()) else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    let request = OrganizationRequest {
        name: Some(form.name.clone().unwrap_or_default()),
        time_zone: Some(form.time_zone.clone().unwrap_or_default()),
    };
    match service::update(&ctx.db, &viewer.actor, Some(version), request).await {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            let current = service::settings(&ctx.db, &viewer.actor).await?;
            form_page(
                &viewer,
                StatusCode::PRECONDITION_FAILED,
                &OrganizationForm::from_organization(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile"),
            )
        }
        Err(ServiceError::Validation(errors)) => form_page(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
            None,
        ),
        Err(error) => Err(error.into()),
    }
}
