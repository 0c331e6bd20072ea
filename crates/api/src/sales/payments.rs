//! Payments and refunds across invoices: `GET /payments`. They are
//! recorded by `POST /invoices/{id}/payments` and `/refunds`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use comptoir_db::sales::Payment;
use comptoir_services::sales::{self as service, PaymentFilters};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_payments))
}

/// List the payments received and refunds made on every invoice.
#[utoipa::path(get, path = "/payments", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(ListParams, PaymentFilters), responses((status = 200, body = PageOf<Payment>)))]
async fn list_payments(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<PaymentFilters>,
) -> crate::error::ApiResult<axum::Json<PageOf<Payment>>> {
    let page = params.page()?;
    let sort = params.sort::<Payment>()?;
    let listing = service::list_payments(
        &ctx.db,
        &auth.caller(),
        filters,
        params.q.as_deref(),
        sort,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
