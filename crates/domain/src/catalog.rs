//! Closed vocabularies of the catalog and of clients/suppliers. Each is an
//! enum stored as its snake_case name.

use crate::numbers::Percent;

macro_rules! vocabulary {
    ($(#[doc = $doc:literal])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            pub fn parse(text: &str) -> Result<Self, String> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(format!(
                        "must be one of: {}",
                        [$($text),+].join(", ")
                    )),
                }
            }
        }

        // Written by hand from the same strings serde uses: the derive
        // does not see a `rename` passed through a macro and would
        // document the Rust spelling.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::catalog::string_enum_schema(concat!($($doc),*).trim(), &[$($text),+])
            }
        }

        impl utoipa::ToSchema for $name {}

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(text: String) -> Result<Self, String> {
                Self::parse(&text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use vocabulary;

/// The OpenAPI schema of a closed vocabulary: a string among `values`.
pub fn string_enum_schema(
    description: &str,
    values: &[&str],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .description(Some(description))
        .enum_values(Some(values.iter().copied()))
        .into()
}

vocabulary!(
    /// Goods are stocked; services are not.
    ProductKind { Goods => "goods", Service => "service" }
);

vocabulary!(
    /// Unit of measure of a product.
    Unit {
        Unit => "unit",
        Kilogram => "kg",
        Gram => "g",
        Tonne => "t",
        Litre => "l",
        Metre => "m",
        SquareMetre => "m2",
        CubicMetre => "m3",
        Hour => "h",
        Day => "day",
        Month => "month",
        Package => "package",
        Set => "set",
    }
);

vocabulary!(
    /// EN 16931 VAT category codes (UNCL5305 subset).
    VatCategory {
        Standard => "S",
        ZeroRated => "Z",
        Exempt => "E",
        ReverseCharge => "AE",
        IntraCommunity => "K",
        Export => "G",
        OutsideScope => "O",
    }
);

vocabulary!(
    /// A client or supplier is a company or a private individual.
    PartyKind { Company => "company", Individual => "individual" }
);

vocabulary!(
    /// Where a client is in its life.
    ClientStatus { Prospect => "prospect", Active => "active", Archived => "archived" }
);

vocabulary!(
    /// What an address is used for.
    AddressKind { Billing => "billing", Shipping => "shipping" }
);

vocabulary!(
    /// What a price-list rule applies to (see `pricing` for precedence).
    PriceScope { All => "all", Category => "category", Product => "product", Variant => "variant" }
);

/// The VAT rules of EN 16931 for one line: the category decides which rates
/// are allowed and whether an exemption reason is required.
pub fn check_vat(
    category: VatCategory,
    rate: Percent,
    exemption_reason: Option<&str>,
) -> Result<(), (&'static str, &'static str)> {
    let has_reason = exemption_reason.is_some_and(|r| !r.trim().is_empty());
    match category {
        VatCategory::Standard if rate.is_zero() => Err((
            "vat_rate",
            "the standard category (S) needs a rate above zero",
        )),
        VatCategory::Standard => Ok(()),
        _ if !rate.is_zero() => Err((
            "vat_rate",
            "only the standard category (S) has a non-zero rate",
        )),
        VatCategory::Exempt if !has_reason => Err((
            "vat_exemption_reason",
            "an exempt product (E) needs an exemption reason",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for unit in Unit::ALL {
            assert_eq!(Unit::parse(unit.as_str()), Ok(*unit));
        }
        assert!(VatCategory::parse("X").unwrap_err().contains("S, Z, E"));
    }

    #[test]
    fn vat_rules() {
        let twenty = Percent::parse("20").unwrap();
        assert!(check_vat(VatCategory::Standard, twenty, None).is_ok());
        assert!(check_vat(VatCategory::Standard, Percent::ZERO, None).is_err());
        assert!(check_vat(VatCategory::ZeroRated, twenty, None).is_err());
        assert_eq!(
            check_vat(VatCategory::Exempt, Percent::ZERO, None)
                .unwrap_err()
                .0,
            "vat_exemption_reason"
        );
        assert!(check_vat(VatCategory::Exempt, Percent::ZERO, Some("Art. 261 CGI")).is_ok());
        assert!(check_vat(VatCategory::ReverseCharge, Percent::ZERO, None).is_ok());
    }
}
