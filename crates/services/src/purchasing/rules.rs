//! Reorder rules: keep a product (or variant) between a minimum and a
//! maximum in a warehouse, at most one rule per item and warehouse, written
//! through the one audited path.

use crate::records::{self, audited};
use crate::stock::check_item;
use crate::validate::{check_reference, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::parties::Supplier;
use comptoir_db::purchasing::{self as store, ReorderRule, ReorderRuleInput};
use comptoir_db::resource::{Listing, Page, Sort};
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

audited!(ReorderRule => "reorder_rule");

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
) -> ServiceResult<ReorderRuleInput> {
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
    Ok(errors.finish(|| ReorderRuleInput {
        item,
        warehouse_id: request.warehouse_id.expect("checked"),
        min_quantity: min.expect("checked"),
        max_quantity: max.expect("checked"),
        supplier_id: request.supplier_id,
    })?)
}

/// A second rule for the same item and warehouse is a conflict on the
/// product, in words the caller can act on.
fn one_rule_per_item(error: DbError) -> ServiceError {
    match error {
        DbError::Unique(_) => ServiceError::Conflict {
            message: "this product already has a reorder rule in this warehouse".into(),
            details: json!({ "field": "product_id" }),
        },
        other => other.into(),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RuleFilters {
    pub product_id: Option<Uuid>,
    pub warehouse_id: Option<Uuid>,
}

/// One page of the rules `filters` select.
pub async fn list_rules(
    db: &Db,
    actor: &Actor,
    filters: RuleFilters,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<ReorderRule>> {
    let filter = rule_filter(actor.organization_id, filters);
    records::list(db, filter, sort, page).await
}

/// The rules a list (or its export) shows.
pub fn rule_filter(organization_id: Uuid, filters: RuleFilters) -> Filter {
    Filter::organization(organization_id)
        .eq("product_id", filters.product_id)
        .eq("warehouse_id", filters.warehouse_id)
}

/// Creates a rule; a second one for the same item and warehouse is a
/// conflict.
pub async fn create_rule(
    db: &Db,
    actor: &Actor,
    request: ReorderRuleRequest,
) -> ServiceResult<ReorderRule> {
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        let input = validate_rule(tx, organization_id, request).await?;
        store::insert_rule(tx, organization_id, &input)
            .await
            .map_err(one_rule_per_item)
    })
    .await
}

/// Changes a rule by a JSON merge patch.
pub async fn update_rule(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<ReorderRule> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &ReorderRule, request: ReorderRuleRequest| {
            let input = validate_rule(tx, organization_id, request).await?;
            store::update_rule(tx, organization_id, id, current.version, &input)
                .await
                .map_err(one_rule_per_item)
        },
    )
    .await
}

/// Deletes a rule; no other record refers to one, so nothing is checked.
pub async fn delete_rule(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    records::delete(db, actor, id, async |_: &mut Tx, _: &ReorderRule| Ok(())).await
}
