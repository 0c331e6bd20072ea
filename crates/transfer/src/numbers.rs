//! Numbers as spreadsheets write them.

/// Rewrites a number as `"1234.50"`: a decimal comma becomes a point, and
/// thousands separators (spaces, non-breaking spaces, or the separator
/// that is not the last one) are dropped. Text that is not a number is
/// returned trimmed, for the field's own parser to refuse.
pub fn normalize_decimal(text: &str) -> String {
    let compact: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    let last_comma = compact.rfind(',');
    let last_point = compact.rfind('.');
    match (last_comma, last_point) {
        (Some(comma), Some(point)) if comma > point => compact.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => compact.replace(',', ""),
        (Some(_), None) if compact.matches(',').count() == 1 => compact.replace(',', "."),
        _ => compact,
    }
}

/// Rewrites a date as `YYYY-MM-DD` when it is written the French way
/// (`31/12/2026`, `31-12-2026`, `31.12.2026`, two-digit years being
/// 20xx); anything else is returned trimmed, for the field's own parser.
pub fn normalize_date(text: &str) -> String {
    let text = text.trim();
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let all_digits = parts
        .iter()
        .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    match parts.as_slice() {
        [day, month, year] if all_digits && day.len() <= 2 && month.len() <= 2 => {
            let year = match year.len() {
                2 => format!("20{year}"),
                4 => (*year).to_owned(),
                _ => return text.to_owned(),
            };
            format!("{year}-{month:0>2}-{day:0>2}")
        }
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates_become_iso_dates() {
        for (input, expected) in [
            ("31/12/2026", "2026-12-31"),
            ("1/3/2026", "2026-03-01"),
            (" 05.04.26 ", "2026-04-05"),
            ("2026-12-31", "2026-12-31"),
            ("31/12/202", "31/12/202"),
            ("demain", "demain"),
        ] {
            assert_eq!(normalize_date(input), expected, "{input:?}");
        }
    }

    #[test]
    fn french_and_english_spellings() {
        for (input, expected) in [
            ("12,50", "12.50"),
            (" 1 234,5 ", "1234.5"),
            ("1\u{a0}234,50", "1234.50"),
            ("1.234,50", "1234.50"),
            ("1,234.50", "1234.50"),
            ("12.5", "12.5"),
            ("-3,25", "-3.25"),
            ("20", "20"),
            ("1,234,567", "1,234,567"),
            ("abc", "abc"),
        ] {
            assert_eq!(normalize_decimal(input), expected, "{input:?}");
        }
    }
}
