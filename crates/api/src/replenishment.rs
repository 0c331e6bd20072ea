//! Reorder rules, stock alerts, replenishment suggestions and stock
//! valuation: `/reorder-rules`, `/stock/alerts`, `/stock/replenishment`,
//! `/stock/valuation`.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch};
use crate::purchasing::{PurchaseOrderDetail, detail};
use crate::stock::check_item;
use crate::validate::required_parsed;
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::Product;
use comptoir_db::parties::Supplier;
use comptoir_db::purchasing::{
    self as store, PurchaseLineInput, PurchaseOrderInput, ReorderRule, ReorderRuleInput,
};
use comptoir_db::resource;
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_services::validate::check_reference;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(get_rule, update_rule, delete_rule))
        .routes(routes!(alerts))
        .routes(routes!(suggestions, order_suggestions))
        .routes(routes!(valuation))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReorderRuleRequest {
    #[schema(required = true, nullable = false)]
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub warehouse_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub min_quantity: Option<String>,
    #[schema(required = true, nullable = false)]
    pub max_quantity: Option<String>,
    /// Who to order from; the cheapest listed supplier when absent.
    pub supplier_id: Option<Uuid>,
}

async fn validate_rule(
    tx: &mut Tx,
    organization_id: Uuid,
    request: ReorderRuleRequest,
) -> ApiResult<ReorderRuleInput> {
    let mut errors = FieldErrors::new();
    let min = required_parsed(
        &mut errors,
        "min_quantity",
        request.min_quantity,
        Quantity::parse_non_negative,
    );
    let max = required_parsed(
        &mut errors,
        "max_quantity",
        request.max_quantity,
        Quantity::parse_non_negative,
    );
    if let (Some(min), Some(max)) = (min, max)
        && max < min
    {
        errors.add("max_quantity", "must not be below min_quantity");
    }
    for (field, value) in [
        ("product_id", request.product_id),
        ("warehouse_id", request.warehouse_id),
    ] {
        if value.is_none() {
            errors.add(field, "is required");
        }
    }
    let item = Item {
        product_id: request.product_id.unwrap_or_default(),
        variant_id: request.variant_id,
    };
    if request.product_id.is_some() {
        check_item(tx, organization_id, &mut errors, "", item).await?;
    }
    check_reference::<Warehouse>(
        tx,
        &mut errors,
        organization_id,
        "warehouse_id",
        request.warehouse_id,
    )
    .await?;
    check_reference::<Supplier>(
        tx,
        &mut errors,
        organization_id,
        "supplier_id",
        request.supplier_id,
    )
    .await?;
    errors
        .finish(|| ReorderRuleInput {
            item,
            warehouse_id: request.warehouse_id.expect("checked"),
            min_quantity: min.expect("checked"),
            max_quantity: max.expect("checked"),
            supplier_id: request.supplier_id,
        })
        .map_err(ApiError::from)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleFilters {
    pub product_id: Option<Uuid>,
    pub warehouse_id: Option<Uuid>,
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
    let filter = Filter::organization(auth.organization_id)
        .eq("product_id", filters.product_id)
        .eq("warehouse_id", filters.warehouse_id);
    let listing = resource::list(&ctx.db, filter, params.sort::<ReorderRule>()?, page).await?;
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
    let mut tx = ctx.db.begin().await?;
    let input = validate_rule(&mut tx, auth.organization_id, request).await?;
    let rule = store::insert_rule(&mut tx, auth.organization_id, &input)
        .await
        .map_err(one_rule_per_item)?;
    log(
        &mut tx,
        &auth,
        "create",
        "reorder_rule",
        rule.id,
        None,
        Some(&rule),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(rule)))
}

fn one_rule_per_item(error: comptoir_db::DbError) -> ApiError {
    match error {
        comptoir_db::DbError::Unique(_) => ApiError::Conflict {
            message: "this product already has a reorder rule in this warehouse".into(),
            details: serde_json::json!({ "field": "product_id" }),
        },
        other => other.into(),
    }
}

/// Get a reorder rule.
#[utoipa::path(get, path = "/reorder-rules/{id}", tag = "stock", security(("bearer" = ["stock.read"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ReorderRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<ReorderRule>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: ReorderRule = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let request = merge_patch::<_, ReorderRuleRequest>(&current, patch)?;
    let input = validate_rule(&mut tx, auth.organization_id, request).await?;
    let updated = store::update_rule(&mut tx, auth.organization_id, id, current.version, &input)
        .await
        .map_err(one_rule_per_item)?;
    log(
        &mut tx,
        &auth,
        "update",
        "reorder_rule",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = ctx.db.begin().await?;
    let current: ReorderRule = resource::get_in(&mut tx, auth.organization_id, id).await?;
    resource::delete::<ReorderRule>(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "delete",
        "reorder_rule",
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A product under its reorder minimum in a warehouse.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StockAlert {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub min_quantity: Quantity,
    #[schema(value_type = String)]
    pub max_quantity: Quantity,
    #[schema(value_type = String)]
    pub physical: Quantity,
    #[schema(value_type = String)]
    pub available: Quantity,
    /// `min_quantity - available`: what it takes to reach the minimum.
    #[schema(value_type = String)]
    pub missing: Quantity,
}

fn minus(a: Quantity, b: Quantity) -> Quantity {
    Quantity::from_units(a.units() - b.units())
}

/// Products whose available stock in a warehouse is under their reorder
/// minimum, with how much is missing.
#[utoipa::path(get, path = "/stock/alerts", tag = "stock", security(("bearer" = ["stock.read"])),
    responses((status = 200, body = Vec<StockAlert>)))]
async fn alerts(
    auth: Authorized<require::StockRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Vec<StockAlert>>> {
    let rows = store::rules_below_minimum(&ctx.db, auth.organization_id).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|row| StockAlert {
                product_id: row.product_id,
                variant_id: row.variant_id,
                warehouse_id: row.warehouse_id,
                min_quantity: row.min_quantity.0,
                max_quantity: row.max_quantity.0,
                physical: row.physical.0,
                available: row.available.0,
                missing: minus(row.min_quantity.0, row.available.0),
            })
            .collect(),
    ))
}

/// What to order to bring a product back up to its maximum.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub available: Quantity,
    /// Still expected from open purchase orders to this warehouse.
    #[schema(value_type = String)]
    pub on_order: Quantity,
    /// `max - available - on_order`.
    #[schema(value_type = String)]
    pub quantity: Quantity,
    /// The rule's supplier, or the cheapest one listed for the product.
    pub supplier_id: Option<Uuid>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<UnitPrice>,
}

async fn compute_suggestions(db: &Db, organization_id: Uuid) -> ApiResult<Vec<Suggestion>> {
    let mut suggestions = Vec::new();
    for row in store::rules_below_minimum(db, organization_id).await? {
        let item = Item {
            product_id: row.product_id,
            variant_id: row.variant_id,
        };
        let on_order = store::on_order(db, organization_id, item, row.warehouse_id).await?;
        let quantity = minus(minus(row.max_quantity.0, row.available.0), on_order);
        if quantity <= Quantity::ZERO {
            continue;
        }
        let cheapest = store::cheapest_supplier(db, organization_id, row.product_id).await?;
        let (supplier_id, unit_price) = match (row.supplier_id, cheapest) {
            (Some(chosen), Some((cheapest, price))) if chosen == cheapest => {
                (Some(chosen), Some(price))
            }
            (Some(chosen), _) => (Some(chosen), None),
            (None, Some((cheapest, price))) => (Some(cheapest), Some(price)),
            (None, None) => (None, None),
        };
        suggestions.push(Suggestion {
            product_id: row.product_id,
            variant_id: row.variant_id,
            warehouse_id: row.warehouse_id,
            available: row.available.0,
            on_order,
            quantity,
            supplier_id,
            unit_price,
        });
    }
    Ok(suggestions)
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
        compute_suggestions(&ctx.db, auth.organization_id).await?,
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
    let suggestions = compute_suggestions(&ctx.db, auth.organization_id).await?;
    let mut by_supplier: BTreeMap<(Uuid, Uuid), Vec<Suggestion>> = BTreeMap::new();
    for suggestion in suggestions {
        if let Some(supplier_id) = suggestion.supplier_id {
            by_supplier
                .entry((supplier_id, suggestion.warehouse_id))
                .or_default()
                .push(suggestion);
        }
    }
    let mut tx = ctx.db.begin().await?;
    let mut orders = Vec::new();
    for ((supplier_id, warehouse_id), lines) in by_supplier {
        let mut inputs = Vec::new();
        for suggestion in lines {
            let product: Product =
                resource::get_in(&mut tx, auth.organization_id, suggestion.product_id).await?;
            let listed =
                store::supplier_price(&mut tx, auth.organization_id, product.id, supplier_id)
                    .await?;
            let unit_price = listed
                .or(product.purchase_price.map(|price| price.0))
                .unwrap_or_default();
            inputs.push(PurchaseLineInput {
                item: Item {
                    product_id: suggestion.product_id,
                    variant_id: suggestion.variant_id,
                },
                description: product.name.clone(),
                amounts: LineAmounts {
                    quantity: suggestion.quantity,
                    unit_price,
                    discount_percent: Percent::ZERO,
                    vat_category: product.vat_category,
                    vat_rate: product.vat_rate.0,
                },
            });
        }
        let input = PurchaseOrderInput {
            supplier_id,
            warehouse_id: Some(warehouse_id),
            currency: "EUR".into(),
            issue_date: chrono::Utc::now().date_naive(),
            expected_date: None,
            notes: Some("Réapprovisionnement".into()),
            lines: inputs,
        };
        let order = store::insert_order(&mut tx, auth.organization_id, &input).await?;
        log(
            &mut tx,
            &auth,
            "create",
            "purchase_order",
            order.id,
            None,
            Some(&order),
        )
        .await?;
        orders.push(order);
    }
    tx.commit().await?;
    let mut details = Vec::new();
    for order in orders {
        details.push(detail(&ctx.db, auth.organization_id, order).await?);
    }
    Ok((StatusCode::CREATED, axum::Json(details)))
}

/// Stock value at weighted average cost.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Valuation {
    #[schema(value_type = String)]
    pub total: Money,
    pub by_warehouse: Vec<ValueOf>,
    pub by_category: Vec<ValueOf>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ValueOf {
    /// The warehouse or category; `null` for products without a category.
    pub id: Option<Uuid>,
    #[schema(value_type = String)]
    pub value: Money,
}

/// The value of the stock now, per warehouse and per category, at each
/// product's weighted average cost.
#[utoipa::path(get, path = "/stock/valuation", tag = "stock", security(("bearer" = ["stock.valuation"])),
    responses((status = 200, body = Valuation)))]
async fn valuation(
    auth: Authorized<require::ValuationRead>,
    State(ctx): State<ApiContext>,
) -> ApiResult<axum::Json<Valuation>> {
    let rows = store::stock_value_rows(&ctx.db, auth.organization_id).await?;
    let mut by_warehouse: BTreeMap<Option<Uuid>, Decimal> = BTreeMap::new();
    let mut by_category: BTreeMap<Option<Uuid>, Decimal> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    for row in rows {
        let value = Quantity::from_units(row.physical).value()
            * UnitPrice::from_units(row.average_cost).value();
        *by_warehouse.entry(Some(row.warehouse_id)).or_default() += value;
        *by_category.entry(row.category_id).or_default() += value;
        total += value;
    }
    let values = |map: BTreeMap<Option<Uuid>, Decimal>| {
        map.into_iter()
            .map(|(id, value)| ValueOf {
                id,
                value: Money::round(value),
            })
            .collect()
    };
    Ok(axum::Json(Valuation {
        total: Money::round(total),
        by_warehouse: values(by_warehouse),
        by_category: values(by_category),
    }))
}
