//! How an organization spells its document numbers. Each series has a
//! per-organization, per-year counter kept by the storage layer; a
//! [`NumberFormat`] only spells the counter's value, so changing it never
//! restarts, skips or repeats the sequence.

use crate::catalog::vocabulary;

vocabulary!(
    /// A number series, named by its default prefix.
    Series {
        Quote => "DEV",
        Order => "CMD",
        DeliveryNote => "BL",
        Invoice => "FAC",
        CreditNote => "AV",
        PurchaseOrder => "ACH",
    }
);

impl Series {
    /// `FAC-{YYYY}-{N:5}`: `FAC-2026-00001`.
    pub fn default_format(self) -> NumberFormat {
        NumberFormat::parse(&format!("{}-{{YYYY}}-{{N:5}}", self.as_str()))
            .expect("the default formats are valid")
    }

    /// The name of the series' counter for `year`. Purchase orders kept
    /// their counter's older name.
    pub fn counter(self, year: i32) -> String {
        match self {
            Series::PurchaseOrder => format!("purchase_orders:{year}"),
            series => format!("{}:{year}", series.as_str()),
        }
    }

    /// What the series numbers, for people.
    pub fn numbers(self) -> &'static str {
        match self {
            Series::Quote => "quotes",
            Series::Order => "orders",
            Series::DeliveryNote => "delivery notes",
            Series::Invoice => "invoices",
            Series::CreditNote => "credit notes",
            Series::PurchaseOrder => "purchase orders",
        }
    }
}

/// The longest format accepted, so numbers fit on documents and in files.
pub const MAX_FORMAT_LENGTH: usize = 40;

/// The widest sequence number, in digits.
const MAX_WIDTH: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    FullYear,
    ShortYear,
    /// The counter, left-padded with zeros to this many digits.
    Sequence(usize),
}

/// A number format such as `FAC-{YYYY}-{N:5}` or `F{YY}/{N}`: literal
/// letters, digits and `-` `_` `/` `.`, a year (`{YYYY}` or `{YY}`, since
/// the sequence restarts each year) and the sequence exactly once (`{N}`,
/// or `{N:5}` padded to 5 digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    pattern: String,
    parts: Vec<Part>,
}

impl NumberFormat {
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let pattern = pattern.trim();
        if pattern.is_empty() || pattern.chars().count() > MAX_FORMAT_LENGTH {
            return Err(format!("must be 1 to {MAX_FORMAT_LENGTH} characters"));
        }
        let mut parts = Vec::new();
        let mut rest = pattern;
        while !rest.is_empty() {
            if let Some(after_brace) = rest.strip_prefix('{') {
                let (token, after) = after_brace
                    .split_once('}')
                    .ok_or("has a { with no closing }")?;
                parts.push(match token {
                    "YYYY" => Part::FullYear,
                    "YY" => Part::ShortYear,
                    "N" => Part::Sequence(1),
                    _ => match token.strip_prefix("N:").map(str::parse::<usize>) {
                        Some(Ok(width)) if (1..=MAX_WIDTH).contains(&width) => {
                            Part::Sequence(width)
                        }
                        Some(_) => return Err(format!("pads {{N:…}} to 1 to {MAX_WIDTH} digits")),
                        None => {
                            return Err(format!(
                                "has an unknown {{{token}}}: use {{YYYY}}, {{YY}}, {{N}} or {{N:5}}"
                            ));
                        }
                    },
                });
                rest = after;
            } else {
                let end = rest.find('{').unwrap_or(rest.len());
                let text = &rest[..end];
                if let Some(bad) = text
                    .chars()
                    .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
                {
                    return Err(format!(
                        "may not contain {bad:?}: letters, digits, - _ / . and the {{…}} fields only"
                    ));
                }
                parts.push(Part::Text(text.to_owned()));
                rest = &rest[end..];
            }
        }
        let sequences = parts
            .iter()
            .filter(|part| matches!(part, Part::Sequence(_)))
            .count();
        if sequences != 1 {
            return Err("must contain the sequence {N} (or {N:5}) exactly once".into());
        }
        if !parts
            .iter()
            .any(|part| matches!(part, Part::FullYear | Part::ShortYear))
        {
            return Err(
                "must contain the year, {YYYY} or {YY}: the sequence restarts every year".into(),
            );
        }
        Ok(Self {
            pattern: pattern.to_owned(),
            parts,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// The number of the `sequence`-th document of `year`.
    pub fn render(&self, year: i32, sequence: i64) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::FullYear => out.push_str(&format!("{year:04}")),
                Part::ShortYear => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                Part::Sequence(width) => out.push_str(&format!("{sequence:0width$}")),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn default_formats_spell_the_usual_numbers() {
        assert_eq!(
            Series::Invoice.default_format().render(2026, 42),
            "FAC-2026-00042"
        );
        assert_eq!(
            Series::CreditNote.default_format().render(2026, 1),
            "AV-2026-00001"
        );
        assert_eq!(Series::Quote.default_format().as_str(), "DEV-{YYYY}-{N:5}");
        assert_eq!(
            Series::Order.default_format().render(2026, 123_456),
            "CMD-2026-123456",
            "a sequence wider than its padding is written whole"
        );
        assert_eq!(Series::PurchaseOrder.counter(2026), "purchase_orders:2026");
        assert_eq!(Series::Invoice.counter(2026), "FAC:2026");
    }

    #[test]
    fn custom_formats() {
        let format = NumberFormat::parse(" F{YY}/{N:6} ").unwrap();
        assert_eq!(format.as_str(), "F{YY}/{N:6}");
        assert_eq!(format.render(2026, 7), "F26/000007");
        assert_eq!(
            NumberFormat::parse("{YYYY}.{N}").unwrap().render(2027, 12),
            "2027.12"
        );
        assert_eq!(
            NumberFormat::parse("{N:3}-{YY}").unwrap().render(2005, 9),
            "009-05"
        );
    }

    #[test]
    fn bad_formats_say_why() {
        for (pattern, message) in [
            ("", "must be 1 to 40 characters"),
            (
                "FAC-{YYYY}",
                "must contain the sequence {N} (or {N:5}) exactly once",
            ),
            (
                "FAC-{N}-{N}-{YY}",
                "must contain the sequence {N} (or {N:5}) exactly once",
            ),
            ("FAC-{N:5}", "must contain the year"),
            ("FAC-{YYYY}-{N:0}", "pads {N:…} to 1 to 10 digits"),
            ("FAC-{YYYY}-{N:11}", "pads {N:…} to 1 to 10 digits"),
            ("FAC-{MM}-{N}", "has an unknown {MM}"),
            ("FAC {YYYY}{N}", "may not contain ' '"),
            ("FAC-{YYYY-{N}", "has an unknown {YYYY-{N}"),
            ("FAC-{YYYY}-{N", "has a { with no closing }"),
        ] {
            let error = NumberFormat::parse(pattern).unwrap_err();
            assert!(error.starts_with(message), "{pattern:?}: {error}");
        }
        assert!(NumberFormat::parse(&format!("{}{{YY}}{{N}}", "A".repeat(34))).is_err());
    }

    proptest! {
        #[test]
        fn distinct_sequences_of_a_year_give_distinct_numbers(
            width in 1_usize..=10,
            a in 1_i64..10_000_000,
            b in 1_i64..10_000_000,
            year in 2000_i32..2100,
        ) {
            let format = NumberFormat::parse(&format!("X{{YY}}-{{N:{width}}}")).unwrap();
            prop_assert_eq!(a == b, format.render(year, a) == format.render(year, b));
        }
    }
}
