//! Exports of price lists, reorder rules, warehouses, the locations of a
//! warehouse, and users.

use super::{ExportQuery, Formatted, download};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::catalog::price_lists::PriceListQuery;
use crate::pages::purchasing::rules::RuleListQuery;
use crate::session::Allowed;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use comptoir_services::catalog::price_lists::price_list_filter;
use comptoir_services::purchasing::rule_filter;
use comptoir_services::require;
use comptoir_services::stock::LocationFilters;
use comptoir_services::stock::places::{location_filter, warehouse_filter};
use comptoir_services::transfer::exports::Listing;
use comptoir_services::users::user_filter;

pub(super) fn router() -> Router<WebContext> {
    Router::new()
        .route("/price-lists/export", get(price_lists))
        .route("/reorder-rules/export", get(reorder_rules))
        .route("/warehouses/export", get(warehouses))
        .route("/locations/export", get(locations))
        .route("/settings/users/export", get(users))
}

/// Price lists, as their list filters them.
async fn price_lists(
    viewer: Allowed<require::CatalogRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<PriceListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let search = query.list.list.search();
    let filter = price_list_filter(organization_id, query.list.filters(), search);
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::PriceLists, filter, format).await
}

/// Reorder rules, as their list filters them.
async fn reorder_rules(
    viewer: Allowed<require::StockRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<Formatted<RuleListQuery>>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filter = rule_filter(organization_id, query.list.filters());
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::ReorderRules, filter, format).await
}

/// The export of a list that only searches, authorized as the list.
macro_rules! searched_export {
    ($name:ident, $read:ty, $filter:ident, $listing:expr) => {
        async fn $name(
            viewer: Allowed<$read>,
            _export: Allowed<require::DataExport>,
            State(ctx): State<WebContext>,
            Query(query): Query<ExportQuery>,
        ) -> PageResult<Response> {
            let organization_id = viewer.actor.organization_id;
            let filter = $filter(organization_id, query.search().as_deref());
            let format = query.format.as_deref();
            download(&ctx, organization_id, $listing, filter, format).await
        }
    };
}

searched_export!(
    warehouses,
    require::StockRead,
    warehouse_filter,
    Listing::Warehouses
);
searched_export!(users, require::UsersManage, user_filter, Listing::Users);

/// The locations of a warehouse, as its page lists them (every
/// location without a warehouse).
async fn locations(
    viewer: Allowed<require::StockRead>,
    _export: Allowed<require::DataExport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ExportQuery>,
) -> PageResult<Response> {
    let organization_id = viewer.actor.organization_id;
    let filters = LocationFilters {
        warehouse_id: query.warehouse_id(),
        parent_id: None,
        kind: None,
    };
    let filter = location_filter(organization_id, filters, query.search().as_deref())?;
    let format = query.format.as_deref();
    download(&ctx, organization_id, Listing::Locations, filter, format).await
}
