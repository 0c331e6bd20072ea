//! Price list rules as the API receives them and the import reads its
//! rows: a rule request and its validation (one target for its scope, a
//! fixed price or a discount, dates in order).

use crate::validate::{parsed, required_parsed};
use chrono::NaiveDate;
use comptoir_db::price_lists::PriceRuleInput;
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::PriceScope;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::pricing::{RuleAdjustment, RuleScope};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PriceRuleRequest {
    /// `all`, `category`, `product` or `variant`.
    #[schema(required = true, nullable = false)]
    pub scope: Option<String>,
    /// Required with scope `category`; the rule covers its sub-categories.
    pub category_id: Option<Uuid>,
    /// Required with scope `product`.
    pub product_id: Option<Uuid>,
    /// Required with scope `variant`.
    pub variant_id: Option<Uuid>,
    /// The rule applies from this quantity on; default 0.
    pub min_quantity: Option<String>,
    /// Either a fixed unit price (excl. VAT)…
    pub fixed_price: Option<String>,
    /// …or a discount on the base price, in percent.
    pub discount_percent: Option<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl PriceRuleRequest {
    pub fn validate(self) -> Result<PriceRuleInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let scope_kind = required_parsed(&mut errors, "scope", self.scope, PriceScope::parse);
        let targets = [
            ("category_id", self.category_id, PriceScope::Category),
            ("product_id", self.product_id, PriceScope::Product),
            ("variant_id", self.variant_id, PriceScope::Variant),
        ];
        for (field, id, kind) in targets {
            match (scope_kind, id) {
                (Some(scope), None) if scope == kind => {
                    errors.add(field, format!("is required with scope {kind}"));
                }
                (Some(scope), Some(_)) if scope != kind => {
                    errors.add(field, format!("only goes with scope {kind}"));
                }
                _ => {}
            }
        }
        let scope = match scope_kind {
            Some(PriceScope::Category) => self.category_id.map(RuleScope::Category),
            Some(PriceScope::Product) => self.product_id.map(RuleScope::Product),
            Some(PriceScope::Variant) => self.variant_id.map(RuleScope::Variant),
            Some(PriceScope::All) => Some(RuleScope::All),
            None => None,
        };
        let min_quantity = parsed(
            &mut errors,
            "min_quantity",
            self.min_quantity,
            Quantity::parse_non_negative,
        )
        .unwrap_or_default();
        let fixed_price = parsed(
            &mut errors,
            "fixed_price",
            self.fixed_price,
            UnitPrice::parse_non_negative,
        );
        let discount_percent = parsed(
            &mut errors,
            "discount_percent",
            self.discount_percent,
            Percent::parse_percentage,
        );
        let adjustment = match (fixed_price, discount_percent) {
            (Some(price), None) => Some(RuleAdjustment::FixedPrice(price)),
            (None, Some(percent)) => Some(RuleAdjustment::DiscountPercent(percent)),
            (Some(_), Some(_)) => {
                errors.add(
                    "discount_percent",
                    "give a fixed price or a discount, not both",
                );
                None
            }
            (None, None) => {
                if !errors.has("fixed_price") && !errors.has("discount_percent") {
                    errors.add("fixed_price", "give a fixed price or a discount percent");
                }
                None
            }
        };
        if let (Some(from), Some(to)) = (self.valid_from, self.valid_to)
            && to < from
        {
            errors.add("valid_to", "must not be before valid_from");
        }
        errors.finish(|| PriceRuleInput {
            scope: scope.expect("checked"),
            min_quantity,
            adjustment: adjustment.expect("checked"),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
        })
    }
}
