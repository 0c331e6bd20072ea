//! Inalterability of sales records: `GET /compliance/chain` verifies the
//! organization's chain of issued invoices, credit notes, payments and
//! closings; `/compliance/closings` closes a month or a year.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::validate::required_parsed;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use comptoir_db::compliance::{self as store, BrokenLink, Closing};
use comptoir_domain::FieldErrors;
use comptoir_domain::compliance::Period;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(verify_chain))
        .routes(routes!(list_closings, close_period))
}

/// The chain's state.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    /// `ok` or `broken`.
    pub status: &'static str,
    /// Links verified before the first broken one (all of them when ok).
    pub verified: u64,
    pub first_broken: Option<BrokenLink>,
}

/// Verify the organization's chain: each issued invoice, credit note,
/// payment and closing is rebuilt from the record and hashed with the link
/// before; the first that does not match is reported.
#[utoipa::path(get, path = "/compliance/chain", tag = "compliance", security(("bearer" = ["invoices.read"])),
    responses((status = 200, body = ChainReport)))]
async fn verify_chain(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<ChainReport>> {
    let (verified, first_broken) = store::verify(&ctx.db, Some(auth.organization_id)).await?;
    Ok(axum::Json(ChainReport {
        status: if first_broken.is_none() {
            "ok"
        } else {
            "broken"
        },
        verified,
        first_broken,
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClosingRequest {
    /// A month `2026-11` or a year `2026`.
    #[schema(required = true, nullable = false)]
    pub period: Option<String>,
}

/// Close a month or a year: its totals (invoices less credit notes) and
/// the running total are recorded and chained; nothing dated in a closed
/// period can be issued or paid afterwards. Only a period that is over
/// can be closed (422), only by an admin, and closing twice → 409.
#[utoipa::path(post, path = "/compliance/closings", tag = "compliance", security(("bearer" = ["periods.close"])),
    request_body = ClosingRequest,
    responses((status = 201, body = Closing), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn close_period(
    auth: Authorized<require::PeriodsClose>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ClosingRequest>,
) -> ApiResult<(StatusCode, axum::Json<Closing>)> {
    let mut errors = FieldErrors::new();
    let period = required_parsed(&mut errors, "period", request.period, Period::parse);
    if period.is_some_and(|period| !period.has_ended(Utc::now().date_naive())) {
        errors.add(
            "period",
            "has not ended yet: a period is closed once it is over",
        );
    }
    let Some(period) = errors.finish(|| period)? else {
        return Err(ApiError::field("period", "is required"));
    };
    let mut tx = ctx.db.begin().await?;
    let closing = store::close(&mut tx, auth.organization_id, period, auth.user_id)
        .await?
        .ok_or_else(|| ApiError::conflict(format!("{} is already closed", period.name())))?;
    log(
        &mut tx,
        &auth,
        "close",
        "sales_period",
        closing.id,
        None,
        Some(&closing),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(closing)))
}

/// The closed periods, oldest first.
#[utoipa::path(get, path = "/compliance/closings", tag = "compliance", security(("bearer" = ["invoices.read"])),
    responses((status = 200, body = Vec<Closing>)))]
async fn list_closings(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<Closing>>> {
    Ok(axum::Json(
        store::closings(&ctx.db, auth.organization_id).await?,
    ))
}
