//! Reorder rules, stock alerts, replenishment suggestions and stock
//! valuation: `/reorder-rules`, `/stock/alerts`, `/stock/replenishment`,
//! `/stock/valuation`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::purchasing::ReorderRule;
use comptoir_services::purchasing::{
    self as service, PurchaseOrderDetail, ReorderRuleRequest, RuleFilters, StockAlert, Suggestion,
    Valuation,
};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(alerts))
        .routes(routes!(suggestions, order_suggestions))
        .routes(routes!(valuation))
}

/// List reorder rules.
#[utoipa::path(get, path = "/reorder-rules", tag = "stock", security(("bearer" = ["stock.read"])),
    params(ListParams, RuleFilters), responses((status = 200, body = PageOf<ReorderRule>)))]
async fn list_rules(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<RuleFilters>,
) -> ApiResult<axum::Json<PageOf<ReorderRule>>> {
    let page = params.page()?;
    let sort = params.sort::<ReorderRule>()?;
    let listing = service::list_rules(&ctx.db, &auth.caller(), filters, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a reorder rule: keep a product between min and max in a warehouse.
#[utoipa::path(post, path = "/reorder-rules", tag = "stock", security(("bearer" = ["stock.write"])),
    request_body = ReorderRuleRequest,
    responses((status = 201, body = ReorderRule), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_rule(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ReorderRuleRequest>,
) -> ApiResult<(StatusCode, axum::Json<ReorderRule>)> {
    let rule = service::create_rule(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(rule)))
}

/// Get a reorder rule.
#[utoipa::path(get, path = "/reorder-rules/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReorderRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ReorderRule>> {
    let rule = comptoir_services::records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(rule))
}

/// Change a reorder rule (JSON merge patch).
#[utoipa::path(patch, path = "/reorder-rules/{id}", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = ReorderRuleRequest,
    responses((status = 200, body = ReorderRule), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_rule(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<ReorderRule>> {
    let updated = service::update_rule(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a reorder rule.
#[utoipa::path(delete, path = "/reorder-rules/{id}", tag = "stock", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::delete_rule(&ctx.db, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Products whose available stock in a warehouse is under their reorder
/// minimum, with how much is missing.
#[utoipa::path(get, path = "/stock/alerts", tag = "stock", security(("bearer" = ["stock.read"])),
    responses((status = 200, body = Vec<StockAlert>)))]
async fn alerts(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<StockAlert>>> {
    Ok(axum::Json(service::alerts(&ctx.db, &auth.caller()).await?))
}

/// Suggested orders: for every product under its minimum, enough to reach
/// its maximum, counting what open purchase orders already bring.
#[utoipa::path(get, path = "/stock/replenishment", tag = "stock", security(("bearer" = ["stock.read"])),
    responses((status = 200, body = Vec<Suggestion>)))]
async fn suggestions(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<Suggestion>>> {
    Ok(axum::Json(
        service::suggestions(&ctx.db, &auth.caller()).await?,
    ))
}

/// Turn the suggestions into draft purchase orders, one per supplier and
/// warehouse. Suggestions without a known supplier are left out.
#[utoipa::path(post, path = "/stock/replenishment", tag = "stock", security(("bearer" = ["purchases.write"])),
    responses((status = 201, body = Vec<PurchaseOrderDetail>)))]
async fn order_suggestions(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
) -> ApiResult<(StatusCode, axum::Json<Vec<PurchaseOrderDetail>>)> {
    let orders = service::order_suggestions(&ctx.db, &auth.caller(), None).await?;
    Ok((StatusCode::CREATED, axum::Json(orders)))
}

/// The value of the stock now, per warehouse and per category, at each
/// product's weighted average cost.
#[utoipa::path(get, path = "/stock/valuation", tag = "stock", security(("bearer" = ["stock.valuation"])),
    responses((status = 200, body = Valuation)))]
async fn valuation(
    auth: Authorized<require::ValuationRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Valuation>> {
    Ok(axum::Json(
        service::valuation(&ctx.db, &auth.caller()).await?,
    ))
}
