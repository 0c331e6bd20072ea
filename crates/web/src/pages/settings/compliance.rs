//! The sales chain: a button that verifies it (every issued invoice,
//! credit note, payment and closing against the link before), and the
//! closings — the list, and the form that closes a month or a year for
//! the roles the matrix lets close one.

use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show, typed};
use crate::session::Allowed;
use axum::Form;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{Datelike, Months, Utc};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::compliance::{self as service, ClosingRequest};
use comptoir_services::{ServiceError, require};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/settings/compliance", get(compliance))
        .route("/settings/compliance/closings", post(close))
}

#[derive(Deserialize)]
struct CheckQuery {
    check: Option<String>,
}

/// The page; `check` runs the verification, `period` and `errors` are
/// the closing form as typed and what is wrong with it.
async fn page<P>(
    viewer: &Allowed<P>,
    ctx: &WebContext,
    status: StatusCode,
    check: bool,
    period: &str,
    errors: FieldErrors,
) -> PageResult<Response> {
    let closings = service::closings(&ctx.db, &viewer.actor).await?;
    let report = if check {
        Some(service::verify_chain(&ctx.db, &viewer.actor).await?)
    } else {
        None
    };
    let page = show(
        viewer,
        "settings/compliance.html",
        "settings.compliance",
        json!({
            "closings": closings,
            "report": report,
            "may_close": viewer.actor.may(Permission::PeriodsClose),
            "period": period,
            "errors": by_field(errors),
        }),
    )?;
    Ok((status, page).into_response())
}

/// The month before this one, the one usually closed next.
fn last_month() -> String {
    let today = Utc::now().date_naive();
    let before = today - Months::new(1);
    format!("{:04}-{:02}", before.year(), before.month())
}

async fn compliance(
    viewer: Allowed<require::InvoicesRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<CheckQuery>,
) -> PageResult<Response> {
    let check = query.check.is_some();
    let period = last_month();
    page(
        &viewer,
        &ctx,
        StatusCode::OK,
        check,
        &period,
        FieldErrors::new(),
    )
    .await
}

#[derive(Deserialize)]
struct ClosingForm {
    period: Option<String>,
}

async fn close(
    viewer: Allowed<require::PeriodsClose>,
    State(ctx): State<WebContext>,
    Form(form): Form<ClosingForm>,
) -> PageResult<Response> {
    let typed_period = form.period.clone().unwrap_or_default();
    let request = ClosingRequest {
        period: typed(form.period),
    };
    let errors = match service::close_period(&ctx.db, &viewer.actor, request).await {
        Ok(_) => return Ok(Redirect::to("/settings/compliance").into_response()),
        Err(ServiceError::Validation(errors)) => errors,
        // The one conflict of a closing: the period was closed before.
        Err(ServiceError::Conflict { .. }) => {
            let mut errors = FieldErrors::new();
            errors.add("period", "is already closed");
            errors
        }
        Err(error) => return Err(error.into()),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    page(&viewer, &ctx, status, false, &typed_period, errors).await
}
