//! What the pages say, in the reader's language: the translation catalogs
//! (`locales/*.json`, key → text, one file per language) and how numbers,
//! amounts and dates are written in each language.
//!
//! The API's messages are in English; `locales/messages.fr.json` gives
//! their French, so a form shows the message the API would give, in the
//! reader's language. A message it lacks is shown in English.

use chrono::NaiveDate;
use comptoir_domain::language::Language;
use comptoir_domain::time_zone::TimeZone;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::sync::LazyLock;

type Catalog = HashMap<String, String>;

fn parse(name: &str, text: &str) -> Catalog {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("locales/{name} is not valid: {e}"))
}

static FRENCH: LazyLock<Catalog> =
    LazyLock::new(|| parse("fr.json", include_str!("../locales/fr.json")));
static ENGLISH: LazyLock<Catalog> =
    LazyLock::new(|| parse("en.json", include_str!("../locales/en.json")));
static FRENCH_MESSAGES: LazyLock<Catalog> = LazyLock::new(|| {
    parse(
        "messages.fr.json",
        include_str!("../locales/messages.fr.json"),
    )
});

fn catalog(language: Language) -> &'static Catalog {
    match language {
        Language::Fr => &FRENCH,
        Language::En => &ENGLISH,
    }
}

/// The text of `key`; the key itself when the catalog lacks it (a test
/// keeps both catalogs complete).
pub fn text(language: Language, key: &str) -> String {
    catalog(language)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// An API message in the reader's language.
pub fn message(language: Language, english: &str) -> String {
    match language {
        Language::En => english.to_owned(),
        Language::Fr => FRENCH_MESSAGES
            .get(english)
            .cloned()
            .or_else(|| with_value(english))
            .unwrap_or_else(|| english.to_owned()),
    }
}

/// A message that carries a value ("more than ordered: 3 still to
/// deliver…"), translated by the catalog's entry with `{}` in its place.
fn with_value(english: &str) -> Option<String> {
    FRENCH_MESSAGES.iter().find_map(|(key, french)| {
        let (before, after) = key.split_once("{}")?;
        let value = english
            .strip_prefix(before)?
            .strip_suffix(after)
            .filter(|value| !value.is_empty())?;
        Some(french.replacen("{}", value, 1))
    })
}

/// French groups thousands with a narrow no-break space and writes a
/// decimal comma; English a comma and a point.
fn separators(language: Language) -> (&'static str, &'static str) {
    match language {
        Language::Fr => ("\u{202f}", ","),
        Language::En => (",", "."),
    }
}

/// A decimal with its digits grouped, at `decimals` places (rounded half
/// away from zero, as amounts are).
pub fn number(language: Language, value: Decimal, decimals: u32) -> String {
    let rounded = value.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let text = format!("{:.*}", decimals as usize, rounded.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (group, point) = separators(language);
    let mut grouped = String::new();
    for (position, digit) in whole.chars().enumerate() {
        if position > 0 && (whole.len() - position).is_multiple_of(3) {
            grouped.push_str(group);
        }
        grouped.push(digit);
    }
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}{point}{fraction}")
    }
}

/// A quantity: as many decimals as it has, none when whole.
pub fn quantity(language: Language, value: Decimal) -> String {
    let normalized = value.normalize();
    number(language, normalized, normalized.scale())
}

fn currency_symbol(currency: &str) -> &str {
    match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    }
}

/// An amount with its currency: `1 234,50 €` in French, `€1,234.50` in
/// English.
pub fn money(language: Language, value: Decimal, currency: &str) -> String {
    money_to(language, value, currency, 2)
}

/// An amount in whole units (`12 500 €`), for chart axes.
pub fn whole_money(language: Language, value: Decimal, currency: &str) -> String {
    money_to(language, value, currency, 0)
}

fn money_to(language: Language, value: Decimal, currency: &str, decimals: u32) -> String {
    let digits = number(language, value.abs(), decimals);
    let sign = if value.is_sign_negative() && !value.round_dp(decimals).is_zero() {
        "-"
    } else {
        ""
    };
    let symbol = currency_symbol(currency);
    match language {
        Language::Fr => format!("{sign}{digits}\u{a0}{symbol}"),
        Language::En if symbol.chars().count() == 1 => format!("{sign}{symbol}{digits}"),
        Language::En => format!("{sign}{symbol}\u{a0}{digits}"),
    }
}

/// A percentage: `12,5 %` or `12.5%`.
pub fn percent(language: Language, ratio: Decimal) -> String {
    let value = (ratio * Decimal::ONE_HUNDRED).round_dp(1).normalize();
    let digits = number(language, value, value.scale());
    match language {
        Language::Fr => format!("{digits}\u{a0}%"),
        Language::En => format!("{digits}%"),
    }
}

/// A business date: `31/12/2026` in French, `2026-12-31` in English.
pub fn date(language: Language, value: NaiveDate) -> String {
    match language {
        Language::Fr => value.format("%d/%m/%Y").to_string(),
        Language::En => value.format("%Y-%m-%d").to_string(),
    }
}

/// `at` on the organization's wall clock: its date in the language's
/// spelling and the time of day, without the zone, which every reader of
/// the organization shares.
pub fn instant(language: Language, zone: TimeZone, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = zone.local(at);
    format!("{} {}", date(language, local.date()), local.format("%H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn a_message_with_a_value_keeps_its_value_in_french() {
        assert_eq!(
            message(
                Language::Fr,
                "more than ordered: 2.5 still to deliver on this line"
            ),
            "plus que commandé : il reste 2.5 à livrer sur cette ligne"
        );
        assert_eq!(
            message(Language::Fr, "more than ordered"),
            "more than ordered"
        );
    }

    #[test]
    fn both_catalogs_have_the_same_keys_and_no_empty_text() {
        let french: BTreeSet<_> = FRENCH.keys().collect();
        let english: BTreeSet<_> = ENGLISH.keys().collect();
        let only_french: Vec<_> = french.difference(&english).collect();
        let only_english: Vec<_> = english.difference(&french).collect();
        assert!(
            only_french.is_empty(),
            "missing in en.json: {only_french:?}"
        );
        assert!(
            only_english.is_empty(),
            "missing in fr.json: {only_english:?}"
        );
        for (key, text) in FRENCH.iter().chain(ENGLISH.iter()) {
            assert!(!text.trim().is_empty(), "{key} has no text");
        }
    }

    #[test]
    fn amounts_follow_the_language() {
        assert_eq!(
            money(Language::Fr, d("1234.5"), "EUR"),
            "1\u{202f}234,50\u{a0}€"
        );
        assert_eq!(money(Language::En, d("1234.5"), "EUR"), "€1,234.50");
        assert_eq!(
            money(Language::En, d("-1234567.005"), "EUR"),
            "-€1,234,567.01"
        );
        assert_eq!(money(Language::Fr, d("-0.001"), "EUR"), "0,00\u{a0}€");
        assert_eq!(money(Language::En, d("12"), "CHF"), "CHF\u{a0}12.00");
        assert_eq!(money(Language::Fr, d("999"), "EUR"), "999,00\u{a0}€");
        assert_eq!(
            whole_money(Language::Fr, d("12500"), "EUR"),
            "12\u{202f}500\u{a0}€"
        );
        assert_eq!(whole_money(Language::En, d("12500.4"), "EUR"), "€12,500");
    }

    #[test]
    fn numbers_quantities_and_percentages() {
        assert_eq!(
            number(Language::Fr, d("1000000"), 0),
            "1\u{202f}000\u{202f}000"
        );
        assert_eq!(number(Language::En, d("100000.25"), 1), "100,000.3");
        assert_eq!(quantity(Language::Fr, d("2.5000")), "2,5");
        assert_eq!(quantity(Language::En, d("1200.0000")), "1,200");
        assert_eq!(percent(Language::Fr, d("0.125")), "12,5\u{a0}%");
        assert_eq!(percent(Language::En, d("0.4")), "40%");
    }

    #[test]
    fn dates_follow_the_language() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(date(Language::Fr, day), "31/12/2026");
        assert_eq!(date(Language::En, day), "2026-12-31");
    }

    #[test]
    fn api_messages_are_translated_or_kept() {
        assert_eq!(message(Language::Fr, "is required"), "obligatoire",);
        assert_eq!(message(Language::En, "is required"), "is required");
        assert_eq!(message(Language::Fr, "no such message"), "no such message");
        assert_eq!(
            message(
                Language::Fr,
                "more than ordered: 6 still expected on this line"
            ),
            "plus que commandé : 6 encore attendu(s) sur cette ligne"
        );
    }

    /// Every refusal of the supplier invoice state machine, and the
    /// description of every permission, reads in French.
    #[test]
    fn payables_refusals_and_permissions_are_translated() {
        use comptoir_domain::payables::{PayableAction, PayableStatus, payable_transition};
        use comptoir_domain::permissions::Permission;
        let actions = [
            PayableAction::Approve,
            PayableAction::Dispute,
            PayableAction::Resolve,
            PayableAction::Pay { complete: false },
            PayableAction::Pay { complete: true },
        ];
        let refusals: Vec<String> = PayableStatus::ALL
            .iter()
            .flat_map(|&status| {
                actions
                    .iter()
                    .filter_map(move |&a| payable_transition(status, a).err())
            })
            .collect();
        assert!(refusals.len() > 10);
        let permissions = Permission::ALL.iter().map(|p| p.description().to_owned());
        for english in refusals.into_iter().chain(permissions) {
            assert_ne!(message(Language::Fr, &english), english);
        }
    }
}
