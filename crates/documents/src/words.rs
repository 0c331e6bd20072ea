//! The words of printed documents in French and English, and how numbers,
//! amounts and dates are written in each.

use crate::printed::{Operation, PrintedKind};
use chrono::{Datelike, NaiveDate};
use comptoir_domain::catalog::Unit;
use comptoir_domain::language::Language;
use rust_decimal::Decimal;
use serde::Serialize;

/// Every fixed word a template prints, in one language.
#[derive(Debug, Clone, Serialize)]
pub struct Words {
    #[serde(skip)]
    language: Language,
    pub date: &'static str,
    pub valid_until: &'static str,
    pub expected_date: &'static str,
    pub sale_date: &'static str,
    pub delivery_date: &'static str,
    pub due_date: &'static str,
    pub order: &'static str,
    pub client_code: &'static str,
    pub supplier_code: &'static str,
    pub client: &'static str,
    pub supplier: &'static str,
    pub delivery_address: &'static str,
    pub vat_number: &'static str,
    pub corrects: &'static str,
    pub of_date: &'static str,
    pub description: &'static str,
    pub quantity: &'static str,
    pub unit_price: &'static str,
    pub discount: &'static str,
    pub vat: &'static str,
    pub amount: &'static str,
    pub vat_breakdown: &'static str,
    pub rate: &'static str,
    pub base: &'static str,
    pub tax: &'static str,
    pub discount_total: &'static str,
    pub total_excl_tax: &'static str,
    pub total_tax: &'static str,
    pub total_incl_tax: &'static str,
    pub total_credited: &'static str,
    pub payment: &'static str,
    pub transfer: &'static str,
    pub recovery_indemnity: &'static str,
    pub no_early_discount: &'static str,
    pub with_capital: &'static str,
    pub signature_title: &'static str,
    pub signature_hint: &'static str,
    pub page: &'static str,
}

const FRENCH: Words = Words {
    language: Language::Fr,
    date: "Date",
    valid_until: "Valable jusqu'au",
    expected_date: "Livraison souhaitée",
    sale_date: "Date de la vente ou de la prestation",
    delivery_date: "Date de livraison",
    due_date: "Échéance",
    order: "Commande",
    client_code: "Code client",
    supplier_code: "Code fournisseur",
    client: "Client",
    supplier: "Fournisseur",
    delivery_address: "Adresse de livraison",
    vat_number: "N° TVA",
    corrects: "Avoir sur la facture",
    of_date: "du",
    description: "Désignation",
    quantity: "Quantité",
    unit_price: "Prix unitaire HT",
    discount: "Remise",
    vat: "TVA",
    amount: "Montant HT",
    vat_breakdown: "Détail de la TVA",
    rate: "Taux",
    base: "Base HT",
    tax: "Montant TVA",
    discount_total: "Remise globale",
    total_excl_tax: "Total HT",
    total_tax: "Total TVA",
    total_incl_tax: "Total TTC",
    total_credited: "Total TTC de l'avoir",
    payment: "Règlement",
    transfer: "Virement",
    recovery_indemnity: "Indemnité forfaitaire pour frais de recouvrement en cas de retard de \
                         paiement : 40 € (articles L441-10 et D441-5 du Code de commerce).",
    no_early_discount: "Pas d'escompte pour paiement anticipé.",
    with_capital: "au capital de",
    signature_title: "Bon pour accord",
    signature_hint: "Date, nom, qualité et signature du client, précédés de la mention « Bon pour accord »",
    page: "Page",
};

const ENGLISH: Words = Words {
    language: Language::En,
    date: "Date",
    valid_until: "Valid until",
    expected_date: "Expected delivery",
    sale_date: "Date of sale or service",
    delivery_date: "Delivery date",
    due_date: "Due date",
    order: "Order",
    client_code: "Client code",
    supplier_code: "Supplier code",
    client: "Client",
    supplier: "Supplier",
    delivery_address: "Delivery address",
    vat_number: "VAT no.",
    corrects: "Credit note for invoice",
    of_date: "of",
    description: "Description",
    quantity: "Quantity",
    unit_price: "Unit price excl. VAT",
    discount: "Discount",
    vat: "VAT",
    amount: "Amount excl. VAT",
    vat_breakdown: "VAT breakdown",
    rate: "Rate",
    base: "Taxable amount",
    tax: "VAT amount",
    discount_total: "Document discount",
    total_excl_tax: "Total excl. VAT",
    total_tax: "Total VAT",
    total_incl_tax: "Total incl. VAT",
    total_credited: "Total credited incl. VAT",
    payment: "Payment",
    transfer: "Bank transfer",
    recovery_indemnity: "Fixed compensation for recovery costs in case of late payment: €40 \
                         (articles L441-10 and D441-5 of the French Commercial Code).",
    no_early_discount: "No discount for early payment.",
    with_capital: "with a share capital of",
    signature_title: "Approved",
    signature_hint: "Date, name, position and signature of the client, preceded by \"Approved\"",
    page: "Page",
};

impl Words {
    pub fn of(language: Language) -> Words {
        match language {
            Language::Fr => FRENCH,
            Language::En => ENGLISH,
        }
    }

    pub fn title(&self, kind: PrintedKind) -> &'static str {
        let french = self.language == Language::Fr;
        match kind {
            PrintedKind::Quote if french => "Devis",
            PrintedKind::Quote => "Quote",
            PrintedKind::Order if french => "Bon de commande",
            PrintedKind::Order => "Order confirmation",
            PrintedKind::Delivery if french => "Bon de livraison",
            PrintedKind::Delivery => "Delivery note",
            PrintedKind::Invoice if french => "Facture",
            PrintedKind::Invoice => "Invoice",
            PrintedKind::CreditNote if french => "Avoir",
            PrintedKind::CreditNote => "Credit note",
            PrintedKind::PurchaseOrder if french => "Commande fournisseur",
            PrintedKind::PurchaseOrder => "Purchase order",
        }
    }

    pub fn terms(&self, days: i64) -> String {
        match (self.language, days) {
            (Language::Fr, 0) => "Paiement à réception de facture.".into(),
            (Language::Fr, days) => format!("Paiement à {days} jours date de facture."),
            (Language::En, 0) => "Payment on receipt of invoice.".into(),
            (Language::En, days) => format!("Payment within {days} days of the invoice date."),
        }
    }

    /// How a credit note is settled: against the invoice it corrects.
    pub fn credit_terms(&self, invoice: &str) -> String {
        match self.language {
            Language::Fr => {
                format!("Avoir à déduire de la facture {invoice}, ou remboursé sur demande.")
            }
            Language::En => {
                format!("To be set against invoice {invoice}, or refunded on request.")
            }
        }
    }

    /// The operation category the 2026 invoicing reform requires.
    pub fn operation(&self, operation: Operation) -> String {
        let what = match (self.language, operation) {
            (Language::Fr, Operation::Goods) => "livraison de biens",
            (Language::Fr, Operation::Services) => "prestation de services",
            (Language::Fr, Operation::Both) => "livraison de biens et prestation de services",
            (Language::En, Operation::Goods) => "supply of goods",
            (Language::En, Operation::Services) => "supply of services",
            (Language::En, Operation::Both) => "supply of goods and services",
        };
        match self.language {
            Language::Fr => format!("Catégorie de l'opération : {what}."),
            Language::En => format!("Operation category: {what}."),
        }
    }

    /// The late-payment penalty mention (Code de commerce L441-10): the
    /// organization's rate, or the legal default when it set none.
    pub fn late_penalty(&self, rate: Option<&str>) -> String {
        match (self.language, rate) {
            (Language::Fr, Some(rate)) => format!(
                "En cas de retard de paiement, des pénalités sont exigibles au taux annuel de {rate}."
            ),
            (Language::Fr, None) => {
                "En cas de retard de paiement, des pénalités sont exigibles au \
                                     taux de trois fois le taux d'intérêt légal."
                    .into()
            }
            (Language::En, Some(rate)) => {
                format!("Late payment incurs penalties at the yearly rate of {rate}.")
            }
            (Language::En, None) => {
                "Late payment incurs penalties at three times the French legal interest rate."
                    .into()
            }
        }
    }

    /// A country's name for an address abroad.
    pub fn country(&self, code: &str) -> String {
        let french = self.language == Language::Fr;
        let name = match code {
            "BE" if french => "Belgique",
            "BE" => "Belgium",
            "DE" if french => "Allemagne",
            "DE" => "Germany",
            "ES" if french => "Espagne",
            "ES" => "Spain",
            "IT" if french => "Italie",
            "IT" => "Italy",
            "LU" => "Luxembourg",
            "CH" if french => "Suisse",
            "CH" => "Switzerland",
            "GB" if french => "Royaume-Uni",
            "GB" => "United Kingdom",
            "US" if french => "États-Unis",
            "US" => "United States",
            "FR" => "France",
            other => other,
        };
        name.to_owned()
    }
}

/// How a unit of measure is printed after a quantity.
pub fn unit_label(unit: Unit, language: Language) -> &'static str {
    let french = language == Language::Fr;
    match unit {
        Unit::Unit if french => "u",
        Unit::Unit => "pc",
        Unit::Kilogram => "kg",
        Unit::Gram => "g",
        Unit::Tonne => "t",
        Unit::Litre => "l",
        Unit::Metre => "m",
        Unit::SquareMetre => "m²",
        Unit::CubicMetre => "m³",
        Unit::Hour => "h",
        Unit::Day if french => "j",
        Unit::Day => "d",
        Unit::Month if french => "mois",
        Unit::Month => "mo",
        Unit::Package if french => "colis",
        Unit::Package => "pkg",
        Unit::Set if french => "lot",
        Unit::Set => "set",
    }
}

/// Groups the digits of a whole number by three with `separator`.
fn group(digits: &str, separator: &str) -> String {
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// A decimal with at least `min_scale` decimals, in the language's
/// notation (`1 234,50` / `1,234.50`).
fn format_decimal(value: Decimal, min_scale: u32, language: Language) -> String {
    let mut value = value.normalize();
    if value.scale() < min_scale {
        value.rescale(min_scale);
    }
    let text = value.abs().to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (thousands, point) = match language {
        Language::Fr => ("\u{202f}", ","),
        Language::En => (",", "."),
    };
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "−"
    } else {
        ""
    };
    let mut written = format!("{sign}{}", group(whole, thousands));
    if !fraction.is_empty() {
        written.push_str(point);
        written.push_str(fraction);
    }
    written
}

/// An amount with its currency: `1 234,50 €` / `€1,234.50`. Unit prices
/// keep up to 4 decimals, at least 2.
pub fn format_amount(value: Decimal, currency: &str, language: Language) -> String {
    let number = format_decimal(value, 2, language);
    let symbol = match currency {
        "EUR" => "€",
        "USD" => "$",
        "GBP" => "£",
        other => other,
    };
    match language {
        Language::Fr => format!("{number}\u{a0}{symbol}"),
        Language::En if symbol.len() > 3 || symbol == currency => format!("{number} {symbol}"),
        Language::En => format!("{symbol}{number}"),
    }
}

pub fn format_quantity(value: Decimal, language: Language) -> String {
    format_decimal(value, 0, language)
}

pub fn format_percent(value: Decimal, language: Language) -> String {
    let number = format_decimal(value, 0, language);
    match language {
        Language::Fr => format!("{number}\u{a0}%"),
        Language::En => format!("{number}%"),
    }
}

pub fn format_date(day: NaiveDate, language: Language) -> String {
    match language {
        Language::Fr => day.format("%d/%m/%Y").to_string(),
        Language::En => format!("{} {} {}", day.day(), day.format("%b"), day.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn amounts_in_each_language() {
        assert_eq!(
            format_amount(d("1234567.5"), "EUR", Language::Fr),
            "1\u{202f}234\u{202f}567,50\u{a0}€"
        );
        assert_eq!(format_amount(d("1234.5"), "EUR", Language::En), "€1,234.50");
        assert_eq!(format_amount(d("0.1234"), "EUR", Language::En), "€0.1234");
        assert_eq!(format_amount(d("-12"), "CHF", Language::En), "−12.00 CHF");
        assert_eq!(format_quantity(d("2.500"), Language::Fr), "2,5");
        assert_eq!(format_percent(d("5.50"), Language::Fr), "5,5\u{a0}%");
        assert_eq!(format_percent(d("20"), Language::En), "20%");
    }

    #[test]
    fn dates_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(format_date(day, Language::Fr), "07/03/2026");
        assert_eq!(format_date(day, Language::En), "7 Mar 2026");
    }
}
