//! The dashboard's figures: `/dashboard/kpis` and `/dashboard/series`,
//! computed by `comptoir_services::dashboard` (the same figures as the
//! web dashboard's). Both need `reports.read`; the stock value also needs
//! `stock.valuation` (null in the key figures without it, 403 for its
//! series).

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Query;
use axum::extract::State;
use comptoir_services::dashboard::{self as service, DashboardSeries, Kpis, SeriesQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(kpis))
        .routes(routes!(series))
}

/// The organization's key figures today: revenue this month, last month
/// and this year (excluding VAT), receivables and overdue, quotes awaiting
/// an answer and converted, orders to deliver, stock value and products
/// under their minimum.
#[utoipa::path(get, path = "/dashboard/kpis", tag = "dashboard", security(("bearer" = ["reports.read"])),
    responses((status = 200, body = Kpis), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn kpis(
    auth: Authorized<require::ReportsRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Kpis>> {
    Ok(axum::Json(service::kpis(&ctx.db, &auth.caller()).await?))
}

/// A series over a range of dates (default: the last 12 calendar months,
/// at most 5 years): revenue per month, confirmed orders per ISO week,
/// top 10 clients or products by net revenue, stock value per warehouse.
#[utoipa::path(get, path = "/dashboard/series", tag = "dashboard", security(("bearer" = ["reports.read"])),
    params(SeriesQuery),
    responses((status = 200, body = DashboardSeries), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the role lacks reports.read, or stock.valuation for the stock value"),
        (status = 422, body = ErrorBody, description = "unknown metric, from after to, a range over 5 years")))]
async fn series(
    auth: Authorized<require::ReportsRead>,
    State(ctx): State<ApiContext>,
    Query(query): Query<SeriesQuery>,
) -> ApiResult<axum::Json<DashboardSeries>> {
    Ok(axum::Json(
        service::series(&ctx.db, &auth.caller(), query).await?,
    ))
}
