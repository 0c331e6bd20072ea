//! Price lists and their rules.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx};
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::pricing::{PriceRule as RuleForPricing, RuleAdjustment, RuleScope};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PriceList {
    pub id: Uuid,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for PriceList {
    const TABLE: &'static str = "price_lists";
    const COLUMNS: &'static str = "id, name, description, active, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["name", "description"];
    const DEFAULT_SORT: &'static str = "name";
}

pub struct PriceListInput {
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
}

fn price_list_values(input: &PriceListInput) -> Values {
    vec![
        ("name", input.name.as_str().into()),
        ("description", input.description.as_deref().into()),
        ("active", input.active.into()),
    ]
}

pub async fn insert_price_list(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &PriceListInput,
) -> Result<PriceList, DbError> {
    resource::insert(tx, organization_id, price_list_values(input)).await
}

pub async fn update_price_list(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &PriceListInput,
) -> Result<PriceList, DbError> {
    resource::update(tx, organization_id, id, version, price_list_values(input)).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PriceRule {
    pub id: Uuid,
    pub price_list_id: Uuid,
    #[sqlx(try_from = "String")]
    pub scope: PriceScope,
    pub category_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    #[schema(value_type = String, example = "10.000")]
    pub min_quantity: Fixed<Quantity>,
    /// Replaces the base price; exclusive with `discount_percent`.
    #[schema(value_type = Option<String>, example = "9.9000")]
    pub fixed_price: Option<Fixed<UnitPrice>>,
    #[schema(value_type = Option<String>, example = "15.00")]
    pub discount_percent: Option<Fixed<Percent>>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for PriceRule {
    const TABLE: &'static str = "price_rules";
    const COLUMNS: &'static str = "id, price_list_id, scope, category_id, product_id, variant_id, min_quantity, \
        fixed_price, discount_percent, valid_from, valid_to, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("scope", "scope"),
        ("min_quantity", "min_quantity"),
        ("valid_from", "valid_from"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["scope"];
    const DEFAULT_SORT: &'static str = "created_at";
}

impl PriceRule {
    /// The rule as the pricing rules see it.
    pub fn for_pricing(&self) -> RuleForPricing {
        let scope = match (
            self.scope,
            self.category_id,
            self.product_id,
            self.variant_id,
        ) {
            (PriceScope::Category, Some(id), _, _) => RuleScope::Category(id),
            (PriceScope::Product, _, Some(id), _) => RuleScope::Product(id),
            (PriceScope::Variant, _, _, Some(id)) => RuleScope::Variant(id),
            _ => RuleScope::All,
        };
        let adjustment = match (self.fixed_price, self.discount_percent) {
            (Some(Fixed(price)), _) => RuleAdjustment::FixedPrice(price),
            (None, Some(Fixed(percent))) => RuleAdjustment::DiscountPercent(percent),
            (None, None) => RuleAdjustment::DiscountPercent(Percent::ZERO),
        };
        RuleForPricing {
            id: self.id,
            price_list_id: self.price_list_id,
            scope,
            min_quantity: self.min_quantity.0,
            adjustment,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        }
    }
}

pub struct PriceRuleInput {
    pub scope: RuleScope,
    pub min_quantity: Quantity,
    pub adjustment: RuleAdjustment,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

fn price_rule_values(input: &PriceRuleInput) -> Values {
    let (scope, category, product, variant) = match input.scope {
        RuleScope::All => (PriceScope::All, None, None, None),
        RuleScope::Category(id) => (PriceScope::Category, Some(id), None, None),
        RuleScope::Product(id) => (PriceScope::Product, None, Some(id), None),
        RuleScope::Variant(id) => (PriceScope::Variant, None, None, Some(id)),
    };
    let (fixed_price, discount_percent) = match input.adjustment {
        RuleAdjustment::FixedPrice(price) => (Some(price), None),
        RuleAdjustment::DiscountPercent(percent) => (None, Some(percent)),
    };
    vec![
        ("scope", scope.into()),
        ("category_id", category.into()),
        ("product_id", product.into()),
        ("variant_id", variant.into()),
        ("min_quantity", input.min_quantity.into()),
        ("fixed_price", fixed_price.into()),
        ("discount_percent", discount_percent.into()),
        ("valid_from", input.valid_from.into()),
        ("valid_to", input.valid_to.into()),
    ]
}

pub async fn insert_price_rule(
    tx: &mut Tx,
    organization_id: Uuid,
    price_list_id: Uuid,
    input: &PriceRuleInput,
) -> Result<PriceRule, DbError> {
    let mut values = price_rule_values(input);
    values.push(("price_list_id", price_list_id.into()));
    resource::insert(tx, organization_id, values).await
}

pub async fn update_price_rule(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &PriceRuleInput,
) -> Result<PriceRule, DbError> {
    resource::update(tx, organization_id, id, version, price_rule_values(input)).await
}

/// Every rule of a price list, for price resolution.
pub async fn rules_of(
    db: &Db,
    organization_id: Uuid,
    price_list_id: Uuid,
) -> Result<Vec<PriceRule>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {} FROM price_rules WHERE organization_id = $1 AND price_list_id = $2",
            PriceRule::COLUMNS
        ))
        .bind(organization_id)
        .bind(price_list_id),
    )
    .await
}

/// The rules of `price_list_ids` that target one of `target_ids` (a
/// category, product or variant), and those covering the whole catalog:
/// every rule an import chunk may match, found through the target indexes.
pub async fn rules_for_targets(
    tx: &mut Tx,
    organization_id: Uuid,
    price_list_ids: &[Uuid],
    target_ids: &[Uuid],
) -> Result<Vec<PriceRule>, DbError> {
    let mut found = Vec::new();
    if price_list_ids.is_empty() {
        return Ok(found);
    }
    let mut sql = Sql::default();
    let organization = sql.arg(organization_id);
    let lists: Vec<String> = price_list_ids.iter().map(|id| sql.arg(*id)).collect();
    sql.push(&format!(
        "SELECT {} FROM price_rules WHERE organization_id = {organization} \
         AND price_list_id IN ({}) AND scope = 'all'",
        PriceRule::COLUMNS,
        lists.join(", ")
    ));
    found.extend(tx.fetch_all::<PriceRule>(sql).await?);
    for chunk in target_ids.chunks(crate::pool::KEYS_PER_LOOKUP) {
        let mut sql = Sql::default();
        let organization = sql.arg(organization_id);
        let lists: Vec<String> = price_list_ids.iter().map(|id| sql.arg(*id)).collect();
        let targets: Vec<String> = chunk.iter().map(|id| sql.arg(*id)).collect();
        let targets = targets.join(", ");
        sql.push(&format!(
            "SELECT {} FROM price_rules WHERE organization_id = {organization} \
             AND price_list_id IN ({}) \
             AND (product_id IN ({targets}) OR variant_id IN ({targets}) OR category_id IN ({targets}))",
            PriceRule::COLUMNS,
            lists.join(", ")
        ));
        found.extend(tx.fetch_all::<PriceRule>(sql).await?);
    }
    Ok(found)
}
