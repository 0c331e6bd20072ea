//! Delivery notes (bons de livraison) across orders: `GET /deliveries`.
//! They are made by `POST /orders/{id}/deliveries`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use comptoir_db::sales::Delivery;
use comptoir_services::sales::{self as service, DeliveryFilters};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_deliveries))
}

/// List delivery notes of every order.
#[utoipa::path(get, path = "/deliveries", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, DeliveryFilters), responses((status = 200, body = PageOf<Delivery>)))]
async fn list_deliveries(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DeliveryFilters>,
) -> crate::error::ApiResult<axum::Json<PageOf<Delivery>>> {
    let page = params.page()?;
    let sort = params.sort::<Delivery>()?;
    let listing = service::list_deliveries(
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
