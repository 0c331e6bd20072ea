//! Delivery notes (bons de livraison) across orders: `GET /deliveries`.
//! They are made by `POST /orders/{id}/deliveries`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::extract::{ListParams, PageOf, Query};
use axum::extract::State;
use chrono::NaiveDate;
use comptoir_db::Filter;
use comptoir_db::resource::{self, Table};
use comptoir_db::sales::Delivery;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_deliveries))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilters {
    pub order_id: Option<Uuid>,
    /// The client of the delivered order.
    pub client_id: Option<Uuid>,
    /// Delivered on or after this date.
    pub from: Option<NaiveDate>,
    /// Delivered on or before this date.
    pub to: Option<NaiveDate>,
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
    let mut filter = Filter::organization(auth.organization_id)
        .eq("order_id", filters.order_id)
        .search(Delivery::SEARCHABLE, params.q.as_deref());
    if let Some(client_id) = filters.client_id {
        filter = filter.condition(
            "order_id IN (SELECT d.id FROM sales_documents d WHERE d.client_id = {})",
            client_id,
        );
    }
    if let Some(from) = filters.from {
        filter = filter.condition("delivery_date >= {}", from);
    }
    if let Some(to) = filters.to {
        filter = filter.condition("delivery_date <= {}", to);
    }
    let listing = resource::list(&ctx.db, filter, params.sort::<Delivery>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
