//! `/stock`: the levels per product and location, filtered by warehouse,
//! product (code or name) and reorder alert, sorted and paged in the URL;
//! the products under their reorder minimum above them.

use super::{Places, products, uuid, variants};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::Allowed;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use comptoir_db::resource::Sort;
use comptoir_db::stock::StockLevel;
use comptoir_domain::permissions::Permission;
use comptoir_services::purchasing;
use comptoir_services::require;
use comptoir_services::stock::{LevelFilters, movements};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new().route("/stock", get(levels))
}

#[derive(Deserialize, Default)]
struct LevelQuery {
    #[serde(flatten)]
    list: ListQuery,
    warehouse: Option<String>,
    alert: Option<String>,
}

async fn levels(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<LevelQuery>,
) -> PageResult<Response> {
    let warehouse = uuid(&query.warehouse);
    let alert = typed(query.alert.clone()).is_some();
    let filters = LevelFilters {
        product_id: None,
        variant_id: None,
        warehouse_id: warehouse,
        location_id: None,
        below_min: Some(alert),
    };
    let listing = movements::levels(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<StockLevel>().or(Some(Sort {
            column: "product_code",
            descending: false,
        })),
        query.list.page(),
    )
    .await?;
    let alerts = purchasing::alerts(&ctx.db, &viewer.actor).await?;
    let places = Places::read(&ctx.db, &viewer.actor).await?;
    let mut ids: Vec<Uuid> = listing.items.iter().map(|l| l.product_id).collect();
    ids.extend(alerts.iter().map(|a| a.product_id));
    let products = products(&ctx.db, &viewer.actor, &ids).await;
    let ids: Vec<Uuid> = listing.items.iter().filter_map(|l| l.variant_id).collect();
    let variants = variants(&ctx.db, &viewer.actor, &ids).await;
    let view = ListView::new(listing, &query.list);
    show(
        &viewer,
        "stock/levels.html",
        "stock.levels",
        json!({
            "list": view,
            "warehouse": warehouse,
            "alert": alert,
            "alerts": alerts,
            "products": products,
            "variants": variants,
            "places": places,
            "locations": places.labels(),
            "warehouse_names": places.warehouse_names(),
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )
    .map(IntoResponse::into_response)
}
