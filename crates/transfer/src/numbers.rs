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

#[cfg(test)]
mod tests {
    use super::*;

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
