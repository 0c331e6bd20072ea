//! Exact numbers. Money, unit prices, quantities and percentages are
//! `rust_decimal` values with a bounded number of decimals, written in JSON as
//! strings. Storage keeps each of them as a whole number of ten-thousandths
//! ([`STORAGE_SCALE`]), so both databases store and sum them exactly.
//!
//! Decimals allowed (conventions): amounts 2, unit prices 4, quantities 3,
//! VAT rates and percentages 2. More decimals than that is an input error,
//! never a silent rounding.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Decimals kept in storage for every fixed-point value.
pub const STORAGE_SCALE: u32 = 4;

/// Largest magnitude accepted on input: far below what an `i64` of
/// ten-thousandths holds, so sums of many values cannot overflow.
const MAX_MAGNITUDE: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NumberError {
    #[error("must be a decimal number written as a string, like \"12.50\"")]
    NotANumber,
    #[error("at most {0} decimals allowed")]
    TooManyDecimals(u32),
    #[error("must not be negative")]
    Negative,
    #[error("out of range")]
    OutOfRange,
    #[error("must be between 0 and 100")]
    NotAPercentage,
}

fn parse_decimal(text: &str, max_decimals: u32) -> Result<Decimal, NumberError> {
    let trimmed = text.trim();
    if trimmed.is_empty()
        || trimmed.contains(['e', 'E'])
        || !trimmed
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-' || c == '+')
    {
        return Err(NumberError::NotANumber);
    }
    let value = Decimal::from_str(trimmed).map_err(|_| NumberError::NotANumber)?;
    check_decimal(value, max_decimals)
}

fn check_decimal(value: Decimal, max_decimals: u32) -> Result<Decimal, NumberError> {
    let normalized = value.normalize();
    if normalized.scale() > max_decimals {
        return Err(NumberError::TooManyDecimals(max_decimals));
    }
    if normalized.abs() > Decimal::from(MAX_MAGNITUDE) {
        return Err(NumberError::OutOfRange);
    }
    Ok(normalized)
}

fn to_units(value: Decimal) -> i64 {
    let scaled = value * Decimal::from(10_i64.pow(STORAGE_SCALE));
    // Values were bounded on construction, so this always fits.
    i64::try_from(scaled.trunc()).unwrap_or(i64::MAX)
}

fn from_units(units: i64) -> Decimal {
    Decimal::new(units, STORAGE_SCALE).normalize()
}

fn format_with_min_scale(value: Decimal, min_scale: u32) -> String {
    let mut shown = value.normalize();
    if shown.scale() < min_scale {
        shown.rescale(min_scale);
    }
    shown.to_string()
}

macro_rules! fixed_point {
    ($(#[$doc:meta])* $name:ident, max_decimals = $max:expr, min_shown = $min_shown:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, utoipa::ToSchema)]
        #[schema(value_type = String)]
        pub struct $name(Decimal);

        impl $name {
            pub const MAX_DECIMALS: u32 = $max;
            pub const ZERO: Self = Self(Decimal::ZERO);
            pub const ONE: Self = Self(Decimal::ONE);

            /// Parses a JSON string such as `"12.50"`.
            pub fn parse(text: &str) -> Result<Self, NumberError> {
                parse_decimal(text, $max).map(Self)
            }

            /// Parses and refuses negative values.
            pub fn parse_non_negative(text: &str) -> Result<Self, NumberError> {
                let value = Self::parse(text)?;
                if value.0.is_sign_negative() && !value.0.is_zero() {
                    return Err(NumberError::Negative);
                }
                Ok(value)
            }

            pub fn from_decimal(value: Decimal) -> Result<Self, NumberError> {
                check_decimal(value, $max).map(Self)
            }

            pub fn value(self) -> Decimal {
                self.0
            }

            /// The stored form: whole ten-thousandths.
            pub fn units(self) -> i64 {
                to_units(self.0)
            }

            pub fn from_units(units: i64) -> Self {
                Self(from_units(units))
            }

            pub fn is_zero(self) -> bool {
                self.0.is_zero()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&format_with_min_scale(self.0, $min_shown))
            }
        }

        impl From<i64> for $name {
            /// From stored units (ten-thousandths).
            fn from(units: i64) -> Self {
                Self::from_units(units)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

fixed_point!(
    /// A document amount or total: 2 decimals, shown with exactly 2.
    Money, max_decimals = 2, min_shown = 2
);
fixed_point!(
    /// A unit price, excluding VAT: up to 4 decimals, shown with at least 2.
    UnitPrice, max_decimals = 4, min_shown = 2
);
fixed_point!(
    /// A quantity: up to 3 decimals, shown without trailing zeros.
    Quantity, max_decimals = 3, min_shown = 0
);
fixed_point!(
    /// A percentage (VAT rate, discount): up to 2 decimals, 0 to 100,
    /// shown with exactly 2.
    Percent, max_decimals = 2, min_shown = 2
);

impl Percent {
    /// Parses a percentage and checks it lies in 0..=100.
    pub fn parse_percentage(text: &str) -> Result<Self, NumberError> {
        let value = Self::parse(text)?;
        if value.0 < Decimal::ZERO || value.0 > Decimal::ONE_HUNDRED {
            return Err(NumberError::NotAPercentage);
        }
        Ok(value)
    }
}

impl Money {
    /// Rounds any decimal to an amount, half away from zero (EN 16931
    /// rounding of line amounts and VAT).
    pub fn round(value: Decimal) -> Self {
        Self(
            value
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }
}

impl UnitPrice {
    /// Rounds any decimal to a unit price (4 decimals, half away from zero).
    pub fn round(value: Decimal) -> Self {
        Self(
            value
                .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_and_shows_each_kind_with_its_decimals() {
        assert_eq!(Money::parse("1234.5").unwrap().to_string(), "1234.50");
        assert_eq!(UnitPrice::parse("0.1234").unwrap().to_string(), "0.1234");
        assert_eq!(UnitPrice::parse("3").unwrap().to_string(), "3.00");
        assert_eq!(Quantity::parse("0.125").unwrap().to_string(), "0.125");
        assert_eq!(Quantity::parse("2.000").unwrap().to_string(), "2");
        assert_eq!(Percent::parse("5.5").unwrap().to_string(), "5.50");
    }

    #[test]
    fn refuses_more_decimals_than_allowed() {
        assert_eq!(Money::parse("1.234"), Err(NumberError::TooManyDecimals(2)));
        assert_eq!(
            UnitPrice::parse("1.23456"),
            Err(NumberError::TooManyDecimals(4))
        );
        assert_eq!(
            Quantity::parse("1.2345"),
            Err(NumberError::TooManyDecimals(3))
        );
        // trailing zeros are not extra precision
        assert!(Money::parse("1.2300").is_ok());
    }

    #[test]
    fn refuses_non_numbers_and_floats_in_disguise() {
        for text in ["", "abc", "1e3", "NaN", "1,5", "inf", " "] {
            assert_eq!(Money::parse(text), Err(NumberError::NotANumber), "{text}");
        }
        assert_eq!(Money::parse("10000000000000"), Err(NumberError::OutOfRange));
        assert_eq!(Money::parse_non_negative("-1"), Err(NumberError::Negative));
        assert_eq!(
            Percent::parse_percentage("100.01"),
            Err(NumberError::NotAPercentage)
        );
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round(Decimal::new(1005, 3)).to_string(), "1.01");
        assert_eq!(Money::round(Decimal::new(-1005, 3)).to_string(), "-1.01");
        assert_eq!(Money::round(Decimal::new(1004, 3)).to_string(), "1.00");
    }

    proptest! {
        #[test]
        fn storage_units_round_trip(units in -10_000_000_000_000_000i64..10_000_000_000_000_000i64) {
            let price = UnitPrice::from_units(units);
            prop_assert_eq!(price.units(), units);
            prop_assert_eq!(UnitPrice::parse(&price.to_string()).unwrap(), price);
        }

        #[test]
        fn sums_of_units_equal_sums_of_values(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let (x, y) = (Quantity::from_units(a * 10), Quantity::from_units(b * 10));
            prop_assert_eq!(Quantity::from_units(x.units() + y.units()).value(), x.value() + y.value());
        }
    }
}
