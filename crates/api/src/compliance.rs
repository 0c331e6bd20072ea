//! Inalterability of sales records: `GET /compliance/chain` verifies the
//! organization's chain of issued invoices, credit notes, payments and
//! closings; `/compliance/closings` closes a month or a year
//! (`comptoir_services::compliance`).

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::compliance::Closing;
use comptoir_services::compliance::{self as service, ChainReport, ClosingRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(verify_chain))
        .routes(routes!(list_closings, close_period))
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
    Ok(axum::Json(
        service::verify_chain(&ctx.db, &auth.caller()).await?,
    ))
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
    let closing = service::close_period(&ctx.db, &auth.caller(), request).await?;
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
        service::closings(&ctx.db, &auth.caller()).await?,
    ))
}
