//! Returns across orders: `GET /returns`. They are recorded by
//! `POST /orders/{id}/returns`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use comptoir_db::sales::SalesReturn;
use comptoir_services::sales::{self as service, ReturnFilters};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_returns))
}

/// List the goods taken back from every order; `q` searches the order's
/// number and the client's name and code.
#[utoipa::path(get, path = "/returns", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, ReturnFilters), responses((status = 200, body = PageOf<SalesReturn>)))]
async fn list_returns(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ReturnFilters>,
) -> crate::error::ApiResult<axum::Json<PageOf<SalesReturn>>> {
    let page = params.page()?;
    let sort = params.sort::<SalesReturn>()?;
    let q = params.q.as_deref();
    let listing = service::list_returns(&ctx.db, &auth.caller(), filters, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
