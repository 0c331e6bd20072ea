//! The fixed vocabulary an e-invoice needs beyond our own: the legal
//! wording of each VAT category, its VATEX exemption code, and the UN/ECE
//! recommendation 20 code of each unit.

use crate::catalog::{Unit, VatCategory};
use crate::numbers::Percent;

/// What the invoice says about a VAT category, on the PDF and in the XML
/// alike: `override_text` (a product's or a line's exemption reason) when
/// given, else the French legal wording of the category. Categories that
/// charge VAT (S) or charge it at zero (Z) say nothing: EN 16931 forbids
/// an exemption reason on them (BR-S-10, BR-Z-10).
pub fn legal_wording(category: VatCategory, override_text: Option<&str>) -> Option<String> {
    let given = override_text.map(str::trim).filter(|text| !text.is_empty());
    match category {
        VatCategory::Standard | VatCategory::ZeroRated => None,
        _ => given.or(default_wording(category)).map(str::to_owned),
    }
}

/// What the VAT breakdown says of one category and rate (BT-120): the
/// reasons the lines of that category and rate give, each once and
/// joined, else the category's legal wording (`legal_wording`).
pub fn breakdown_wording<'a>(
    category: VatCategory,
    rate: Percent,
    lines: impl IntoIterator<Item = (VatCategory, Percent, Option<&'a str>)>,
) -> Option<String> {
    let mut reasons: Vec<&str> = Vec::new();
    for (line_category, line_rate, reason) in lines {
        if let Some(reason) = reason.map(str::trim).filter(|r| !r.is_empty())
            && (line_category, line_rate) == (category, rate)
            && !reasons.contains(&reason)
        {
            reasons.push(reason);
        }
    }
    let given = (!reasons.is_empty()).then(|| reasons.join("; "));
    legal_wording(category, given.as_deref())
}

fn default_wording(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::ReverseCharge => Some("Autoliquidation"),
        VatCategory::IntraCommunity => Some("Exonération de TVA, article 262 ter I du CGI"),
        VatCategory::Export => Some("Exonération de TVA, article 262 I du CGI"),
        // An exemption (E) has no default: the reason is the seller's to
        // give, and a line without one is refused.
        VatCategory::Standard
        | VatCategory::ZeroRated
        | VatCategory::Exempt
        | VatCategory::OutsideScope => None,
    }
}

/// The VATEX code (CEF list) of an exemption, BT-121. An exemption (E)
/// has none: the reasons are many and its text says which.
pub fn exemption_code(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::ReverseCharge => Some("VATEX-EU-AE"),
        VatCategory::IntraCommunity => Some("VATEX-EU-IC"),
        VatCategory::Export => Some("VATEX-EU-G"),
        VatCategory::OutsideScope => Some("VATEX-EU-O"),
        VatCategory::Standard | VatCategory::ZeroRated | VatCategory::Exempt => None,
    }
}

/// The UN/ECE recommendation 20 (or 21, `X…`) code of a unit, BT-130.
pub fn unit_code(unit: Unit) -> &'static str {
    match unit {
        Unit::Unit => "C62",
        Unit::Kilogram => "KGM",
        Unit::Gram => "GRM",
        Unit::Tonne => "TNE",
        Unit::Litre => "LTR",
        Unit::Metre => "MTR",
        Unit::SquareMetre => "MTK",
        Unit::CubicMetre => "MTQ",
        Unit::Hour => "HUR",
        Unit::Day => "DAY",
        Unit::Month => "MON",
        Unit::Package => "XPK",
        Unit::Set => "SET",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_exempt_category_has_its_default_wording_and_a_given_one_wins() {
        assert_eq!(
            legal_wording(VatCategory::ReverseCharge, None).as_deref(),
            Some("Autoliquidation")
        );
        assert_eq!(
            legal_wording(VatCategory::IntraCommunity, Some("  ")).as_deref(),
            Some("Exonération de TVA, article 262 ter I du CGI")
        );
        assert_eq!(
            legal_wording(VatCategory::Export, None).as_deref(),
            Some("Exonération de TVA, article 262 I du CGI")
        );
        assert_eq!(legal_wording(VatCategory::Exempt, None), None);
        assert_eq!(
            legal_wording(VatCategory::Exempt, Some(" Article 261 4 4° du CGI ")).as_deref(),
            Some("Article 261 4 4° du CGI")
        );
        assert_eq!(
            legal_wording(
                VatCategory::ReverseCharge,
                Some("Autoliquidation, art. 283-2 du CGI")
            )
            .as_deref(),
            Some("Autoliquidation, art. 283-2 du CGI")
        );
    }

    #[test]
    fn taxed_categories_say_nothing_whatever_is_given() {
        for category in [VatCategory::Standard, VatCategory::ZeroRated] {
            assert_eq!(legal_wording(category, Some("anything")), None);
            assert_eq!(exemption_code(category), None);
        }
    }

    #[test]
    fn every_unit_has_a_code() {
        let codes: std::collections::BTreeSet<_> =
            Unit::ALL.iter().map(|u| unit_code(*u)).collect();
        assert_eq!(codes.len(), Unit::ALL.len());
    }
}
