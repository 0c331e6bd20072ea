//! Amounts of commercial documents (quotes, orders, invoices, credit notes,
//! purchase orders), computed once here. EN 16931 rounding:
//! - a line's `total_excl_tax` is `quantity × unit_price × (1 − discount)`
//!   rounded to 2 decimals, half away from zero;
//! - VAT is computed per (category, rate) on the sum of its line totals,
//!   rounded to 2 decimals — never line by line;
//! - a document-level discount (an EN 16931 document allowance) is taken
//!   off each (category, rate) base, rounded to 2 decimals, before its VAT;
//! - the document's totals are the sums of those rounded amounts.

use crate::catalog::VatCategory;
use crate::numbers::{Money, Percent, Quantity, UnitPrice};
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::BTreeMap;

/// What a line contributes to the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineAmounts {
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub discount_percent: Percent,
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
}

impl LineAmounts {
    pub fn total_excl_tax(&self) -> Money {
        let gross = self.quantity.value() * self.unit_price.value();
        Money::round(
            gross * (Decimal::ONE_HUNDRED - self.discount_percent.value()) / Decimal::ONE_HUNDRED,
        )
    }
}

/// The VAT of one (category, rate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TaxLine {
    pub vat_category: VatCategory,
    #[schema(value_type = String, example = "20.00")]
    pub vat_rate: Percent,
    #[schema(value_type = String, example = "100.00")]
    pub base: Money,
    #[schema(value_type = String, example = "20.00")]
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Totals {
    /// What the document-level discount took off the line totals.
    #[schema(value_type = String, example = "0.00")]
    pub discount_amount: Money,
    #[schema(value_type = String, example = "100.00")]
    pub total_excl_tax: Money,
    #[schema(value_type = String, example = "20.00")]
    pub total_tax: Money,
    #[schema(value_type = String, example = "120.00")]
    pub total_incl_tax: Money,
    pub tax_breakdown: Vec<TaxLine>,
}

fn add(a: Money, b: Money) -> Money {
    Money::round(a.value() + b.value())
}

pub fn totals(lines: &[LineAmounts]) -> Totals {
    discounted_totals(lines, Percent::ZERO)
}

/// The totals with a document-level discount of `discount` percent.
pub fn discounted_totals(lines: &[LineAmounts], discount: Percent) -> Totals {
    let mut bases: BTreeMap<(&'static str, Percent), (VatCategory, Money)> = BTreeMap::new();
    for line in lines {
        let entry = bases
            .entry((line.vat_category.as_str(), line.vat_rate))
            .or_insert((line.vat_category, Money::ZERO));
        entry.1 = add(entry.1, line.total_excl_tax());
    }
    let mut discount_amount = Money::ZERO;
    let tax_breakdown: Vec<TaxLine> = bases
        .into_iter()
        .map(|((_, vat_rate), (vat_category, lines_total))| {
            let allowance =
                Money::round(lines_total.value() * discount.value() / Decimal::ONE_HUNDRED);
            discount_amount = add(discount_amount, allowance);
            let base = Money::round(lines_total.value() - allowance.value());
            TaxLine {
                vat_category,
                vat_rate,
                base,
                amount: Money::round(base.value() * vat_rate.value() / Decimal::ONE_HUNDRED),
            }
        })
        .collect();
    let total_excl_tax = tax_breakdown
        .iter()
        .fold(Money::ZERO, |sum, t| add(sum, t.base));
    let total_tax = tax_breakdown
        .iter()
        .fold(Money::ZERO, |sum, t| add(sum, t.amount));
    Totals {
        discount_amount,
        total_excl_tax,
        total_tax,
        total_incl_tax: add(total_excl_tax, total_tax),
        tax_breakdown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(quantity: &str, price: &str, discount: &str, rate: &str) -> LineAmounts {
        LineAmounts {
            quantity: Quantity::parse(quantity).unwrap(),
            unit_price: UnitPrice::parse(price).unwrap(),
            discount_percent: Percent::parse(discount).unwrap(),
            vat_category: if rate == "0" {
                VatCategory::ZeroRated
            } else {
                VatCategory::Standard
            },
            vat_rate: Percent::parse(rate).unwrap(),
        }
    }

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap()
    }

    #[test]
    fn line_totals_round_half_away_from_zero() {
        assert_eq!(
            line("3", "0.335", "0", "20").total_excl_tax(),
            money("1.01")
        );
        assert_eq!(
            line("1", "0.125", "0", "20").total_excl_tax(),
            money("0.13")
        );
        assert_eq!(
            line("2.5", "19.99", "10", "20").total_excl_tax(),
            money("44.98")
        );
    }

    #[test]
    fn vat_is_computed_per_rate_on_the_summed_base() {
        // Three lines of 0.33 at 20 %: line by line the VAT would be
        // 3 × 0.07 = 0.21; on the base of 0.99 it is 0.20.
        let lines = [
            line("1", "0.33", "0", "20"),
            line("1", "0.33", "0", "20"),
            line("1", "0.33", "0", "20"),
            line("2", "10", "0", "5.5"),
            line("1", "7", "0", "0"),
        ];
        let totals = totals(&lines);
        assert_eq!(totals.tax_breakdown.len(), 3);
        let standard = totals
            .tax_breakdown
            .iter()
            .find(|t| t.vat_rate == Percent::parse("20").unwrap())
            .unwrap();
        assert_eq!(
            (standard.base, standard.amount),
            (money("0.99"), money("0.20"))
        );
        assert_eq!(totals.total_excl_tax, money("27.99"));
        assert_eq!(totals.total_tax, money("1.30"));
        assert_eq!(totals.total_incl_tax, money("29.29"));
    }

    proptest! {
        #[test]
        fn totals_are_the_sums_of_the_breakdown(
            lines in proptest::collection::vec((1i64..100_000, 0i64..10_000_000, 0i64..10_000, 0usize..3), 0..20)
        ) {
            let rates = ["20", "5.5", "10"];
            let lines: Vec<LineAmounts> = lines.into_iter().map(|(q, p, d, r)| LineAmounts {
                quantity: Quantity::from_units(q * 10),
                unit_price: UnitPrice::from_units(p),
                discount_percent: Percent::from_units(d * 100),
                vat_category: VatCategory::Standard,
                vat_rate: Percent::parse(rates[r]).unwrap(),
            }).collect();
            let totals = totals(&lines);
            let base: Decimal = totals.tax_breakdown.iter().map(|t| t.base.value()).sum();
            let tax: Decimal = totals.tax_breakdown.iter().map(|t| t.amount.value()).sum();
            let line_sum: Decimal = lines.iter().map(|l| l.total_excl_tax().value()).sum();
            prop_assert_eq!(totals.total_excl_tax.value(), base);
            prop_assert_eq!(base, line_sum);
            prop_assert_eq!(totals.total_tax.value(), tax);
            prop_assert_eq!(totals.total_incl_tax.value(), base + tax);
            for t in &totals.tax_breakdown {
                prop_assert!(t.amount.value().scale() <= 2);
            }
        }

        #[test]
        fn a_document_discount_keeps_the_sums_and_comes_off_cleanly(
            lines in proptest::collection::vec((1i64..100_000, 0i64..10_000_000, 0usize..3), 1..20),
            discount in 0i64..=10_000,
        ) {
            let rates = ["20", "5.5", "10"];
            let lines: Vec<LineAmounts> = lines.into_iter().map(|(q, p, r)| LineAmounts {
                quantity: Quantity::from_units(q * 10),
                unit_price: UnitPrice::from_units(p),
                discount_percent: Percent::ZERO,
                vat_category: VatCategory::Standard,
                vat_rate: Percent::parse(rates[r]).unwrap(),
            }).collect();
            let plain = totals(&lines);
            let discounted = discounted_totals(&lines, Percent::from_units(discount * 100));
            let base: Decimal = discounted.tax_breakdown.iter().map(|t| t.base.value()).sum();
            let tax: Decimal = discounted.tax_breakdown.iter().map(|t| t.amount.value()).sum();
            prop_assert_eq!(discounted.total_excl_tax.value(), base);
            prop_assert_eq!(discounted.total_tax.value(), tax);
            prop_assert_eq!(discounted.total_incl_tax.value(), base + tax);
            prop_assert_eq!(
                discounted.total_excl_tax.value() + discounted.discount_amount.value(),
                plain.total_excl_tax.value()
            );
            prop_assert!(discounted.total_excl_tax <= plain.total_excl_tax);
            prop_assert_eq!(discounted_totals(&lines, Percent::ZERO), plain);
        }
    }
}
