//! Price lists, their rules, and the price a client pays:
//! `/price-lists`, `/price-lists/{id}/rules`, `/products/{id}/price`.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch, query_filter};
use crate::nested;
use crate::validate::{MAX_NAME, MAX_TEXT, optional, required};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use comptoir_db::catalog::{Category, Product, Variant};
use comptoir_db::parties::Client;
use comptoir_db::price_lists::{self as store, PriceList, PriceListInput, PriceRule};
use comptoir_db::resource::{self, Table};
use comptoir_db::{Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::pricing::{PriceSource, RuleScope};
use comptoir_services::pricing::{PriceRuleRequest, price_for};
use comptoir_services::validate::check_reference;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PriceListRequest {
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

impl PriceListRequest {
    fn validate(self) -> Result<PriceListInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let description = optional(&mut errors, "description", self.description, MAX_TEXT);
        errors.finish(|| PriceListInput {
            name: name.unwrap_or_default(),
            description,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceListFilters {
    pub active: Option<bool>,
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
    let filter = Filter::organization(auth.organization_id)
        .eq("active", filters.active)
        .search(PriceList::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<PriceList>()?, page).await?;
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
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    let list = store::insert_price_list(&mut tx, auth.organization_id, &input).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "price_list",
        list.id,
        None,
        Some(&list),
    )
    .await?;
    tx.commit().await?;
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
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: PriceList = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, PriceListRequest>(&current, patch)?.validate()?;
    let updated =
        store::update_price_list(&mut tx, auth.organization_id, id, current.version, &input)
            .await?;
    log(
        &mut tx,
        &auth,
        "update",
        "price_list",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = ctx.db.begin().await?;
    let current: PriceList = resource::get_in(&mut tx, auth.organization_id, id).await?;
    let references = resource::references(
        &mut tx,
        auth.organization_id,
        id,
        &[("clients", "price_list_id")],
    )
    .await?;
    if !references.is_empty() {
        return Err(ApiError::still_referenced(&references));
    }
    resource::delete::<PriceList>(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "delete",
        "price_list",
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Refuses a rule whose target is not one of the organization's records.
async fn check_rule_target(tx: &mut Tx, organization_id: Uuid, scope: RuleScope) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    match scope {
        RuleScope::All => {}
        RuleScope::Category(id) => {
            check_reference::<Category>(tx, &mut errors, organization_id, "category_id", Some(id))
                .await?
        }
        RuleScope::Product(id) => {
            check_reference::<Product>(tx, &mut errors, organization_id, "product_id", Some(id))
                .await?
        }
        RuleScope::Variant(id) => {
            check_reference::<Variant>(tx, &mut errors, organization_id, "variant_id", Some(id))
                .await?
        }
    }
    errors.finish(|| ()).map_err(ApiError::from)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleFilters {
    /// `all`, `category`, `product` or `variant`.
    #[param(value_type = Option<PriceScope>)]
    pub scope: Option<String>,
    pub product_id: Option<Uuid>,
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
    resource::get::<PriceList>(&ctx.db, auth.organization_id, list_id).await?;
    let scope = query_filter("scope", filters.scope.as_deref(), PriceScope::parse)?;
    let filter = Filter::organization(auth.organization_id)
        .eq("price_list_id", Some(list_id))
        .eq("scope", scope)
        .eq("product_id", filters.product_id)
        .search(PriceRule::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<PriceRule>()?, page).await?;
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
    let mut tx = ctx.db.begin().await?;
    resource::get_in::<PriceList>(&mut tx, auth.organization_id, list_id).await?;
    let input = request.validate()?;
    check_rule_target(&mut tx, auth.organization_id, input.scope).await?;
    let rule = store::insert_price_rule(&mut tx, auth.organization_id, list_id, &input).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "price_rule",
        rule.id,
        None,
        Some(&rule),
    )
    .await?;
    tx.commit().await?;
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
    Ok(axum::Json(
        nested::get(&ctx.db, auth.organization_id, list_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: PriceRule = nested::get_in(&mut tx, auth.organization_id, list_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, PriceRuleRequest>(&current, patch)?.validate()?;
    check_rule_target(&mut tx, auth.organization_id, input.scope).await?;
    let updated =
        store::update_price_rule(&mut tx, auth.organization_id, id, current.version, &input)
            .await?;
    log(
        &mut tx,
        &auth,
        "update",
        "price_rule",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = ctx.db.begin().await?;
    let current: PriceRule = nested::get_in(&mut tx, auth.organization_id, list_id, id).await?;
    resource::delete::<PriceRule>(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "delete",
        "price_rule",
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PriceQuery {
    /// The client whose price list and discount apply; none gives the base price.
    pub client_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Default 1.
    pub quantity: Option<String>,
    /// `YYYY-MM-DD`; default today.
    pub date: Option<NaiveDate>,
}

/// The unit price one client pays, and where it comes from.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PriceQuote {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    #[schema(value_type = String, example = "1.000")]
    pub quantity: Quantity,
    pub date: NaiveDate,
    /// Sale price plus the variant's delta, excl. VAT.
    #[schema(value_type = String, example = "12.5000")]
    pub base_price: UnitPrice,
    /// What the client pays per unit, excl. VAT.
    #[schema(value_type = String, example = "11.2500")]
    pub unit_price: UnitPrice,
    #[schema(value_type = String, example = "10.00")]
    pub discount_percent: Percent,
    pub source: PriceSource,
    pub price_list_id: Option<Uuid>,
    /// The rule that produced the price, when one did.
    pub rule_id: Option<Uuid>,
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
    let quantity = query_filter(
        "quantity",
        query.quantity.as_deref(),
        Quantity::parse_non_negative,
    )?
    .unwrap_or(Quantity::ONE);
    let date = query
        .date
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let organization_id = auth.organization_id;
    let product: Product = resource::get(&ctx.db, organization_id, product_id).await?;
    let variant = match query.variant_id {
        Some(id) => {
            let variant: Variant = resource::get(&ctx.db, organization_id, id)
                .await
                .map_err(|_| ApiError::BadRequest("variant_id: no such variant".into()))?;
            if variant.product_id != product_id {
                return Err(ApiError::BadRequest(
                    "variant_id: not a variant of this product".into(),
                ));
            }
            Some(variant)
        }
        None => None,
    };
    let client = match query.client_id {
        Some(id) => Some(
            resource::get::<Client>(&ctx.db, organization_id, id)
                .await
                .map_err(|_| ApiError::BadRequest("client_id: no such client".into()))?,
        ),
        None => None,
    };
    let price_list_id = client.as_ref().and_then(|c| c.price_list_id);
    let (item, resolved) = price_for(
        &ctx.db,
        organization_id,
        &product,
        variant.as_ref(),
        client.as_ref(),
        quantity,
        date,
    )
    .await?;
    Ok(axum::Json(PriceQuote {
        product_id,
        variant_id: item.variant_id,
        client_id: query.client_id,
        quantity,
        date,
        base_price: resolved.base_price,
        unit_price: resolved.unit_price,
        discount_percent: resolved.discount_percent,
        source: resolved.source,
        price_list_id,
        rule_id: resolved.rule.map(|rule| rule.id),
    }))
}
