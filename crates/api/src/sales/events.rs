//! Business events of sales documents: `GET /events`. The sales workflows
//! live in `comptoir_services::sales`; the handlers of `quotes`, `orders`,
//! `invoices`, `credit_notes`, `deliveries` and `payments` call them.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use comptoir_db::sales::BusinessEvent;
use comptoir_services::sales::{self as service, EventFilters};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_events))
}

/// The timeline of a document or a client: what happened, when, by whom.
#[utoipa::path(get, path = "/events", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, EventFilters), responses((status = 200, body = PageOf<BusinessEvent>)))]
async fn list_events(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<EventFilters>,
) -> ApiResult<axum::Json<PageOf<BusinessEvent>>> {
    let page = params.page()?;
    let sort = params.sort::<BusinessEvent>()?;
    let listing = service::list_events(&ctx.db, &auth.caller(), filters, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
