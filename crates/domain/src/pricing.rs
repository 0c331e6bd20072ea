//! Price resolution: which unit price a client pays for a product, at a
//! quantity, on a date.
//!
//! Precedence, written once here:
//! 1. Only rules of the client's price list that are valid on the date
//!    (`valid_from`/`valid_to` inclusive, open when absent) and whose
//!    `min_quantity` is at most the quantity are candidates.
//! 2. The most specific scope wins: variant, then product, then category
//!    (the nearest category up the tree first), then all products.
//! 3. Among those, the highest `min_quantity` wins.
//! 4. Remaining ties go to the lowest resulting price, then the smallest
//!    rule id, so the answer never depends on storage order.
//! 5. Without any matching rule, the client's own discount (commercial
//!    conditions) applies to the base price; without one, the base price.
//!
//! The base price is the product's sale price plus the variant's delta.
//! A percent rule discounts the base price; a fixed rule replaces it.

use crate::numbers::{Percent, Quantity, UnitPrice};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleScope {
    All,
    /// A category; the rule also covers its sub-categories.
    Category(Uuid),
    Product(Uuid),
    Variant(Uuid),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAdjustment {
    FixedPrice(UnitPrice),
    DiscountPercent(Percent),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceRule {
    pub id: Uuid,
    pub price_list_id: Uuid,
    pub scope: RuleScope,
    pub min_quantity: Quantity,
    pub adjustment: RuleAdjustment,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// What is being priced.
#[derive(Debug, Clone)]
pub struct PricedItem {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    /// The product's category first, then its parent, up to the root.
    pub category_path: Vec<Uuid>,
    pub sale_price: UnitPrice,
    pub variant_price_delta: UnitPrice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    BasePrice,
    PriceListRule,
    ClientDiscount,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPrice {
    pub base_price: UnitPrice,
    pub unit_price: UnitPrice,
    pub discount_percent: Percent,
    pub source: PriceSource,
    pub rule: Option<PriceRule>,
}

/// Lower is more specific.
fn specificity(scope: &RuleScope, item: &PricedItem) -> Option<usize> {
    match scope {
        RuleScope::Variant(id) => (item.variant_id == Some(*id)).then_some(0),
        RuleScope::Product(id) => (item.product_id == *id).then_some(1),
        RuleScope::Category(id) => item
            .category_path
            .iter()
            .position(|c| c == id)
            .map(|depth| 2 + depth),
        RuleScope::All => Some(usize::MAX),
    }
}

fn discounted(base: UnitPrice, percent: Percent) -> UnitPrice {
    UnitPrice::round(base.value() * (Decimal::ONE_HUNDRED - percent.value()) / Decimal::ONE_HUNDRED)
}

fn apply(base: UnitPrice, adjustment: RuleAdjustment) -> (UnitPrice, Percent) {
    match adjustment {
        RuleAdjustment::FixedPrice(price) => {
            let percent = if base.is_zero() || price >= base {
                Percent::ZERO
            } else {
                let saved = (base.value() - price.value()) * Decimal::ONE_HUNDRED / base.value();
                Percent::from_decimal(saved.round_dp(2)).unwrap_or(Percent::ZERO)
            };
            (price, percent)
        }
        RuleAdjustment::DiscountPercent(percent) => (discounted(base, percent), percent),
    }
}

pub fn resolve_price(
    item: &PricedItem,
    rules: &[PriceRule],
    quantity: Quantity,
    date: NaiveDate,
    client_discount: Option<Percent>,
) -> ResolvedPrice {
    let base = UnitPrice::round(item.sale_price.value() + item.variant_price_delta.value());
    let best = rules
        .iter()
        .filter(|rule| rule.min_quantity <= quantity)
        .filter(|rule| rule.valid_from.is_none_or(|from| from <= date))
        .filter(|rule| rule.valid_to.is_none_or(|to| date <= to))
        .filter_map(|rule| {
            let rank = specificity(&rule.scope, item)?;
            let (price, percent) = apply(base, rule.adjustment);
            Some((rank, rule, price, percent))
        })
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.min_quantity.cmp(&a.1.min_quantity))
                .then(a.2.cmp(&b.2))
                .then(a.1.id.cmp(&b.1.id))
        });
    if let Some((_, rule, unit_price, discount_percent)) = best {
        return ResolvedPrice {
            base_price: base,
            unit_price,
            discount_percent,
            source: PriceSource::PriceListRule,
            rule: Some(rule.clone()),
        };
    }
    match client_discount.filter(|d| !d.is_zero()) {
        Some(discount) => ResolvedPrice {
            base_price: base,
            unit_price: discounted(base, discount),
            discount_percent: discount,
            source: PriceSource::ClientDiscount,
            rule: None,
        },
        None => ResolvedPrice {
            base_price: base,
            unit_price: base,
            discount_percent: Percent::ZERO,
            source: PriceSource::BasePrice,
            rule: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }
    fn price(text: &str) -> UnitPrice {
        UnitPrice::parse(text).unwrap()
    }
    fn qty(text: &str) -> Quantity {
        Quantity::parse(text).unwrap()
    }
    fn pct(text: &str) -> Percent {
        Percent::parse(text).unwrap()
    }
    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    const PRODUCT: u128 = 1;
    const VARIANT: u128 = 2;
    const CHILD_CATEGORY: u128 = 10;
    const ROOT_CATEGORY: u128 = 11;

    fn item(variant: bool) -> PricedItem {
        PricedItem {
            product_id: id(PRODUCT),
            variant_id: variant.then(|| id(VARIANT)),
            category_path: vec![id(CHILD_CATEGORY), id(ROOT_CATEGORY)],
            sale_price: price("100"),
            variant_price_delta: if variant {
                price("10")
            } else {
                UnitPrice::ZERO
            },
        }
    }

    fn rule(n: u128, scope: RuleScope, min: &str, adjustment: RuleAdjustment) -> PriceRule {
        PriceRule {
            id: id(100 + n),
            price_list_id: id(99),
            scope,
            min_quantity: qty(min),
            adjustment,
            valid_from: None,
            valid_to: None,
        }
    }

    #[test]
    fn base_price_without_rules_or_client_discount() {
        let resolved = resolve_price(&item(true), &[], qty("1"), day(22), None);
        assert_eq!(resolved.unit_price, price("110"));
        assert_eq!(resolved.source, PriceSource::BasePrice);
    }

    #[test]
    fn client_discount_applies_only_without_a_rule() {
        let resolved = resolve_price(&item(false), &[], qty("1"), day(22), Some(pct("5")));
        assert_eq!(resolved.unit_price, price("95"));
        assert_eq!(resolved.source, PriceSource::ClientDiscount);
        let rules = [rule(
            1,
            RuleScope::All,
            "0",
            RuleAdjustment::DiscountPercent(pct("2")),
        )];
        let resolved = resolve_price(&item(false), &rules, qty("1"), day(22), Some(pct("5")));
        assert_eq!(resolved.unit_price, price("98"));
        assert_eq!(resolved.source, PriceSource::PriceListRule);
    }

    #[test]
    fn most_specific_scope_wins_over_a_better_price() {
        let rules = [
            rule(
                1,
                RuleScope::All,
                "0",
                RuleAdjustment::DiscountPercent(pct("50")),
            ),
            rule(
                2,
                RuleScope::Category(id(ROOT_CATEGORY)),
                "0",
                RuleAdjustment::DiscountPercent(pct("40")),
            ),
            rule(
                3,
                RuleScope::Category(id(CHILD_CATEGORY)),
                "0",
                RuleAdjustment::DiscountPercent(pct("30")),
            ),
            rule(
                4,
                RuleScope::Product(id(PRODUCT)),
                "0",
                RuleAdjustment::DiscountPercent(pct("20")),
            ),
            rule(
                5,
                RuleScope::Variant(id(VARIANT)),
                "0",
                RuleAdjustment::FixedPrice(price("105")),
            ),
        ];
        let with_variant = resolve_price(&item(true), &rules, qty("1"), day(22), None);
        assert_eq!(with_variant.rule.unwrap().id, id(105));
        assert_eq!(with_variant.unit_price, price("105"));
        assert_eq!(with_variant.discount_percent, pct("4.55"));
        // Without the most specific rule, the next one in precedence wins.
        for most_specific in [5, 4, 3, 2] {
            let remaining: Vec<PriceRule> = rules
                .iter()
                .filter(|r| r.id < id(100 + most_specific))
                .cloned()
                .collect();
            let resolved = resolve_price(&item(true), &remaining, qty("1"), day(22), None);
            assert_eq!(resolved.rule.unwrap().id, id(100 + most_specific - 1));
        }
    }

    #[test]
    fn highest_reached_min_quantity_wins() {
        let rules = [
            rule(
                1,
                RuleScope::Product(id(PRODUCT)),
                "1",
                RuleAdjustment::FixedPrice(price("90")),
            ),
            rule(
                2,
                RuleScope::Product(id(PRODUCT)),
                "10",
                RuleAdjustment::FixedPrice(price("95")),
            ),
            rule(
                3,
                RuleScope::Product(id(PRODUCT)),
                "100",
                RuleAdjustment::FixedPrice(price("70")),
            ),
        ];
        let at = |q: &str| resolve_price(&item(false), &rules, qty(q), day(22), None).unit_price;
        assert_eq!(at("0.5"), price("100"));
        assert_eq!(at("9.999"), price("90"));
        assert_eq!(at("10"), price("95"));
        assert_eq!(at("100"), price("70"));
    }

    #[test]
    fn rules_outside_their_dates_are_ignored() {
        let mut seasonal = rule(
            1,
            RuleScope::All,
            "0",
            RuleAdjustment::DiscountPercent(pct("10")),
        );
        seasonal.valid_from = Some(day(10));
        seasonal.valid_to = Some(day(20));
        let rules = [seasonal];
        let at = |d| resolve_price(&item(false), &rules, qty("1"), day(d), None).unit_price;
        assert_eq!(at(9), price("100"));
        assert_eq!(at(10), price("90"));
        assert_eq!(at(20), price("90"));
        assert_eq!(at(21), price("100"));
    }

    #[test]
    fn unrelated_scopes_never_match() {
        let rules = [
            rule(
                1,
                RuleScope::Product(id(7)),
                "0",
                RuleAdjustment::FixedPrice(price("1")),
            ),
            rule(
                2,
                RuleScope::Variant(id(8)),
                "0",
                RuleAdjustment::FixedPrice(price("1")),
            ),
            rule(
                3,
                RuleScope::Category(id(9)),
                "0",
                RuleAdjustment::FixedPrice(price("1")),
            ),
        ];
        let resolved = resolve_price(&item(true), &rules, qty("1"), day(22), None);
        assert_eq!(resolved.source, PriceSource::BasePrice);
    }

    proptest! {
        #[test]
        fn a_discount_never_raises_the_price_and_keeps_four_decimals(
            base in 0i64..10_000_000_000, percent in 0i64..=10_000
        ) {
            let mut product = item(false);
            product.sale_price = UnitPrice::from_units(base);
            let rules = [rule(1, RuleScope::All, "0", RuleAdjustment::DiscountPercent(Percent::from_units(percent * 100)))];
            let resolved = resolve_price(&product, &rules, qty("1"), day(22), None);
            prop_assert!(resolved.unit_price <= resolved.base_price);
            prop_assert!(resolved.unit_price >= UnitPrice::ZERO);
            prop_assert!(resolved.unit_price.value().scale() <= 4);
        }
    }
}
