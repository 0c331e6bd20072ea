//! Formula injection in CSV (OWASP "CSV Injection"): a cell that begins
//! with `=`, `+`, `-`, `@`, a tab or a carriage return opens as a formula
//! in Excel or LibreOffice. Exported text cells that begin so get a `'`
//! in front, and so do those that already begin with `'`, so that the
//! importer can take exactly one `'` back off and read what was exported.
//! Numbers are written as numbers, never through here.

use std::borrow::Cow;

fn opens_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r', '\''])
}

/// The text as a CSV export writes it.
pub fn neutralize(text: &str) -> Cow<'_, str> {
    if opens_a_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text a CSV cell written by [`neutralize`] stood for.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if opens_a_formula(rest) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralized_and_read_back_as_they_were() {
        for text in [
            "=cmd|' /C calc'!A0",
            "+33 6 12 34 56 78",
            "-2",
            "@SUM(A1)",
            "\tx",
            "'quoted",
            "''twice",
            "it's",
            "Dupont",
            "",
        ] {
            let written = neutralize(text);
            assert!(
                !written.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{written}"
            );
            assert_eq!(restore(&written), text);
        }
        assert_eq!(neutralize("=1+1"), "'=1+1");
        assert_eq!(neutralize("Dupont"), "Dupont");
    }
}
