//! The price list rules writer of an import: rules have no code, so a
//! row's key (price list, target, minimum quantity, start date) finds the
//! rule it updates, looked up per chunk through the target indexes.

use crate::pricing::PriceRuleRequest;
use crate::transfer::imports::records::{Lookups, Outcome, RowOutcome, change, named_items};
use crate::transfer::imports::rows::{ParsedRow, request_from};
use chrono::NaiveDate;
use comptoir_db::price_lists::{self as price_list_store, PriceRule};
use comptoir_db::{DbError, Tx};
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::pricing::RuleScope;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// What names a price list rule: an imported row with the same key
/// updates that rule.
#[derive(PartialEq, Eq, Hash)]
struct RuleKey {
    price_list_id: Uuid,
    scope: RuleScope,
    min_quantity_units: i64,
    valid_from: Option<NaiveDate>,
}

impl RuleKey {
    /// The key a row names, when its key fields are valid (validation
    /// reports them otherwise): no minimum quantity means 0, no start date
    /// means none.
    fn named_by(price_list_id: Uuid, object: &Map<String, Value>) -> Option<Self> {
        let id = |field: &str| {
            object
                .get(field)
                .and_then(|id| serde_json::from_value::<Uuid>(id.clone()).ok())
        };
        let scope = match PriceScope::parse(object.get("scope")?.as_str()?).ok()? {
            PriceScope::All => RuleScope::All,
            PriceScope::Category => RuleScope::Category(id("category_id")?),
            PriceScope::Product => RuleScope::Product(id("product_id")?),
            PriceScope::Variant => RuleScope::Variant(id("variant_id")?),
        };
        let min_quantity = match object.get("min_quantity") {
            Some(text) => Quantity::parse_non_negative(text.as_str()?).ok()?,
            None => Quantity::default(),
        };
        let valid_from = match object.get("valid_from") {
            Some(date) => Some(serde_json::from_value(date.clone()).ok()?),
            None => None,
        };
        Some(Self {
            price_list_id,
            scope,
            min_quantity_units: min_quantity.units(),
            valid_from,
        })
    }

    fn of(rule: &PriceRule) -> Self {
        let pricing = rule.for_pricing();
        Self {
            price_list_id: rule.price_list_id,
            scope: pricing.scope,
            min_quantity_units: pricing.min_quantity.units(),
            valid_from: rule.valid_from,
        }
    }
}

/// The rule fields a row names by code or name, and what they resolve to.
const RULE_TARGETS: [(&str, &str, PriceScope); 3] = [
    ("variant", "variant_id", PriceScope::Variant),
    ("product", "product_id", PriceScope::Product),
    ("category", "category_id", PriceScope::Category),
];

/// Price list rules: the price list is named, the target is a product or
/// variant code or a category name, and the key (price list, target,
/// minimum quantity, start date) finds the rule a row updates — merged
/// like a PATCH — or else creates one. A row giving a fixed price drops
/// the rule's discount, and the other way round.
pub(super) async fn write_price_rules(
    tx: &mut Tx,
    organization_id: Uuid,
    lookups: Lookups<'_>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let (products, variants) = named_items(tx, organization_id, &rows).await?;
    let mut resolved = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        mut object,
        mut problems,
    } in rows
    {
        let mut problem =
            |field: &str, message: &str| problems.push(cells.problem(field, message.to_owned()));
        let list_name = object
            .remove("price_list")
            .and_then(|name| name.as_str().map(|name| name.trim().to_lowercase()));
        let price_list_id = match list_name.map(|name| lookups.price_lists.get(&name)) {
            None => {
                problem("price_list", "is required");
                None
            }
            Some(None) => {
                problem("price_list", "no price list of this name");
                None
            }
            Some(Some(id)) => Some(*id),
        };
        let mut named = None;
        for (field, id_field, scope) in RULE_TARGETS {
            let Some(text) = object.remove(field) else {
                continue;
            };
            let text = text.as_str().unwrap_or_default().trim();
            let id = match scope {
                PriceScope::Variant => variants.get(&text.to_uppercase()).map(|v| v.id),
                PriceScope::Product => products.get(&text.to_uppercase()).map(|p| p.id),
                _ => lookups.categories.get(&text.to_lowercase()).copied(),
            };
            match id {
                Some(id) => {
                    object.insert(id_field.into(), json!(id));
                }
                None if scope == PriceScope::Category => problem(field, "no category of this name"),
                None => problem(field, &format!("no {field} with this code")),
            }
            named.get_or_insert(scope);
        }
        if let (false, Some(scope)) = (object.contains_key("scope"), named) {
            object.insert("scope".into(), json!(scope.as_str()));
        } else if !object.contains_key("scope") {
            object.insert("scope".into(), json!(PriceScope::All.as_str()));
        }
        match (
            object.contains_key("fixed_price"),
            object.contains_key("discount_percent"),
        ) {
            (true, false) => object.insert("discount_percent".into(), Value::Null),
            (false, true) => object.insert("fixed_price".into(), Value::Null),
            _ => None,
        };
        let key = price_list_id.and_then(|id| RuleKey::named_by(id, &object));
        resolved.push((cells, object, problems, key));
    }
    let price_list_ids: Vec<Uuid> = resolved
        .iter()
        .filter_map(|(_, _, _, key)| key.as_ref().map(|key| key.price_list_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let target_ids: Vec<Uuid> = resolved
        .iter()
        .filter_map(|(_, _, _, key)| match key.as_ref()?.scope {
            RuleScope::All => None,
            RuleScope::Category(id) | RuleScope::Product(id) | RuleScope::Variant(id) => Some(id),
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut existing: HashMap<RuleKey, PriceRule> =
        price_list_store::rules_for_targets(tx, organization_id, &price_list_ids, &target_ids)
            .await?
            .into_iter()
            .map(|rule| (RuleKey::of(&rule), rule))
            .collect();
    let mut outcomes = Vec::with_capacity(resolved.len());
    for (cells, object, mut problems, key) in resolved {
        let current = key.as_ref().and_then(|key| existing.get(key));
        let request: Result<PriceRuleRequest, String> = request_from(current, object);
        let input = match request.map(PriceRuleRequest::validate) {
            Err(message) => Err(vec![cells.problem("price_list", message)]),
            Ok(Ok(input)) if problems.is_empty() => Ok(input),
            Ok(Ok(_)) => Err(problems),
            Ok(Err(errors)) => {
                for error in errors.into_vec() {
                    let field = RULE_TARGETS
                        .iter()
                        .find(|(_, id_field, _)| *id_field == error.field)
                        .map_or(error.field.as_str(), |(field, _, _)| field);
                    let column = cells.problem(field, String::new()).column_name;
                    if !problems.iter().any(|p| p.column_name == column) {
                        problems.push(cells.problem(field, error.message));
                    }
                }
                Err(problems)
            }
        };
        let (input, key) = match (input, key) {
            (Ok(input), Some(key)) => (input, key),
            (Err(problems), _) => {
                outcomes.push(Err(problems));
                continue;
            }
            (Ok(_), None) => {
                let problem = cells.problem("scope", "does not name one rule".into());
                outcomes.push(Err(vec![problem]));
                continue;
            }
        };
        let outcome = match existing.get(&key) {
            Some(current) => {
                let after = price_list_store::update_price_rule(
                    tx,
                    organization_id,
                    current.id,
                    current.version,
                    &input,
                )
                .await?;
                let change = change("price_rule", after.id, Some(current), &after);
                existing.insert(key, after);
                (Outcome::Updated, Some(change))
            }
            None => {
                let rule = price_list_store::insert_price_rule(
                    tx,
                    organization_id,
                    key.price_list_id,
                    &input,
                )
                .await?;
                let change = change("price_rule", rule.id, None, &rule);
                existing.insert(key, rule);
                (Outcome::Created, Some(change))
            }
        };
        outcomes.push(Ok(outcome));
    }
    Ok(outcomes)
}
