//! The sample documents a new template must render before it replaces
//! another.

use super::{Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine};
use chrono::NaiveDate;
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};

/// A made-up document of `kind` that uses every part of the layout: what
/// a template must be able to print before it replaces another.
pub fn sample(kind: PrintedKind, language: Language) -> Facts {
    let money = |cents: i64| Money::from_units(cents * 100);
    let percent = |whole: i64| Percent::from_units(whole * 10_000);
    let address = |line1: &str, postal_code: &str, city: &str| Address {
        line1: line1.into(),
        line2: None,
        postal_code: postal_code.into(),
        city: city.into(),
        country: "FR".into(),
    };
    let line = |description: &str, quantity: i64, price: i64, rate: i64, discount: i64| Line {
        description: description.into(),
        quantity: Quantity::from_units(quantity * 10_000),
        unit: "u".into(),
        unit_price: UnitPrice::from_units(price * 10_000),
        discount_percent: percent(discount),
        vat_rate: percent(rate),
        total_excl_tax: Money::round(
            rust_decimal::Decimal::from(quantity * price * (100 - discount))
                / rust_decimal::Decimal::ONE_HUNDRED,
        ),
        image: None,
    };
    Facts {
        kind,
        language,
        number: "EX-2026-00001".into(),
        currency: "EUR".into(),
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 15),
        due_date: NaiveDate::from_ymd_opt(2026, 2, 14),
        valid_until: NaiveDate::from_ymd_opt(2026, 2, 14),
        delivery_date: NaiveDate::from_ymd_opt(2026, 1, 12),
        expected_date: NaiveDate::from_ymd_opt(2026, 1, 30),
        seller: Seller {
            name: "Exemple SARL".into(),
            legal_form: Some("SARL".into()),
            share_capital: Some(money(1_000_000)),
            address: Some(address("1 rue de l'Exemple", "75001", "Paris")),
            siren: Some("732829320".into()),
            rcs_city: Some("Paris".into()),
            vat_number: Some("FR44732829320".into()),
            iban: Some("FR7630006000011234567890189".into()),
            bic: Some("AGRIFRPP".into()),
            ..Seller::default()
        },
        recipient: Recipient {
            code: Some("CLI-00001".into()),
            name: "Client Exemple SAS".into(),
            is_company: true,
            address: Some(address("2 avenue du Client", "69002", "Lyon")),
            siren: Some("552100554".into()),
            vat_number: Some("FR96552100554".into()),
        },
        delivery_address: Some(address("3 quai de Livraison", "13002", "Marseille")),
        corrects: (kind == PrintedKind::CreditNote)
            .then(|| ("EX-2026-00000".into(), NaiveDate::from_ymd_opt(2026, 1, 10))),
        order_number: Some("CMD-2026-00001".into()),
        lines: vec![
            line("Article à 20 %", 2, 50, 20, 0),
            line("Article remisé de 10 %", 1, 10, 20, 10),
        ],
        show_prices: true,
        discount_percent: Percent::ZERO,
        discount_amount: Money::ZERO,
        total_excl_tax: money(10_900),
        total_tax: money(2_180),
        total_incl_tax: money(13_080),
        tax_breakdown: vec![TaxLine {
            category: "S".into(),
            rate: percent(20),
            base: money(10_900),
            amount: money(2_180),
            wording: None,
        }],
        payment_terms_days: Some(30),
        operation: Some(Operation::Both),
        text: Some("Merci de votre confiance.".into()),
        notes: None,
        has_logo: None,
    }
}
