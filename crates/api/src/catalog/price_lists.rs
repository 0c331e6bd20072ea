//! Price lists, their rules, and the price a client pays:
//! `/price-lists`, `/price-lists/{id}/rules`, `/products/{id}/price`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::price_lists::{PriceList, PriceRule};
use comptoir_services::catalog::price_lists::{
    self, PriceListFilters, PriceListRequest, RuleFilters,
};
use comptoir_services::pricing::{self, PriceQuery, PriceQuote, PriceRuleRequest};
use comptoir_services::records;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_price_lists, create_price_list))
        .routes(routes!(
            get_price_list,
            update_price_list,
            delete_price_list
        ))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(product_price))
}

/// List price lists.
#[utoipa::path(get, path = "/price-lists", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(ListParams, PriceListFilters), responses((status = 200, body = PageOf<PriceList>)))]
async fn list_price_lists(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<PriceListFilters>,
) -> ApiResult<axum::Json<PageOf<PriceList>>> {
    let page = params.page()?;
    let sort = params.sort::<PriceList>()?;
    let q = params.q.as_deref();
    let listing = price_lists::list(&ctx.db, &auth.caller(), filters, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a price list.
#[utoipa::path(post, path = "/price-lists", tag = "catalog", security(("bearer" = ["catalog.write"])),
    request_body = PriceListRequest,
    responses((status = 201, body = PriceList), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_price_list(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<PriceListRequest>,
) -> ApiResult<(StatusCode, axum::Json<PriceList>)> {
    let list = price_lists::create(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(list)))
}

/// Get a price list.
#[utoipa::path(get, path = "/price-lists/{id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = PriceList), (status = 404, body = ErrorBody)))]
async fn get_price_list(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PriceList>> {
    let list = records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(list))
}

/// Change a price list (JSON merge patch).
#[utoipa::path(patch, path = "/price-lists/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)), request_body = PriceListRequest,
    responses((status = 200, body = PriceList), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_price_list(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<PriceList>> {
    let updated = price_lists::update(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a price list no client uses (its rules go with it).
#[utoipa::path(delete, path = "/price-lists/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_price_list(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    price_lists::delete(&ctx.db, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the rules of a price list.
#[utoipa::path(get, path = "/price-lists/{id}/rules", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ListParams, RuleFilters),
    responses((status = 200, body = PageOf<PriceRule>), (status = 404, body = ErrorBody)))]
async fn list_rules(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(list_id): Path<Uuid>,
    Query(params): Query<ListParams>,
    Query(filters): Query<RuleFilters>,
) -> ApiResult<axum::Json<PageOf<PriceRule>>> {
    let page = params.page()?;
    let sort = params.sort::<PriceRule>()?;
    let q = params.q.as_deref();
    let listing =
        price_lists::list_rules(&ctx.db, &auth.caller(), list_id, filters, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Add a rule to a price list.
#[utoipa::path(post, path = "/price-lists/{id}/rules", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)), request_body = PriceRuleRequest,
    responses((status = 201, body = PriceRule), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_rule(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(list_id): Path<Uuid>,
    Json(request): Json<PriceRuleRequest>,
) -> ApiResult<(StatusCode, axum::Json<PriceRule>)> {
    let rule = price_lists::create_rule(&ctx.db, &auth.caller(), list_id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(rule)))
}

/// Get a rule.
#[utoipa::path(get, path = "/price-lists/{id}/rules/{rule_id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ("rule_id" = Uuid, Path)),
    responses((status = 200, body = PriceRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<PriceRule>> {
    let rule = price_lists::get_rule(&ctx.db, &auth.caller(), list_id, id).await?;
    Ok(axum::Json(rule))
}

/// Change a rule (JSON merge patch).
#[utoipa::path(patch, path = "/price-lists/{id}/rules/{rule_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("rule_id" = Uuid, Path)), request_body = PriceRuleRequest,
    responses((status = 200, body = PriceRule), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_rule(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<PriceRule>> {
    let updated =
        price_lists::update_rule(&ctx.db, &auth.caller(), list_id, id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a rule.
#[utoipa::path(delete, path = "/price-lists/{id}/rules/{rule_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("rule_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((list_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    price_lists::delete_rule(&ctx.db, &auth.caller(), list_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The price of a product for a client, quantity and date. Precedence: the
/// most specific rule of the client's price list (variant, product,
/// category, all), then the highest minimum quantity reached; without a
/// rule, the client's own discount; otherwise the base price.
#[utoipa::path(get, path = "/products/{id}/price", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), PriceQuery),
    responses((status = 200, body = PriceQuote), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn product_price(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Query(query): Query<PriceQuery>,
) -> ApiResult<axum::Json<PriceQuote>> {
    let quote = pricing::quote(&ctx.db, &auth.caller(), product_id, query).await?;
    Ok(axum::Json(quote))
}
