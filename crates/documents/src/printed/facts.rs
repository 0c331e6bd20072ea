//! The plain facts a printed document is made from, before words and
//! layout: the document's kind, parties, lines, taxes and totals.

use chrono::NaiveDate;
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use serde::Serialize;

/// The kinds of printed documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrintedKind {
    Quote,
    Order,
    Delivery,
    Invoice,
    CreditNote,
    PurchaseOrder,
}

impl PrintedKind {
    pub const ALL: [PrintedKind; 6] = [
        PrintedKind::Quote,
        PrintedKind::Order,
        PrintedKind::Delivery,
        PrintedKind::Invoice,
        PrintedKind::CreditNote,
        PrintedKind::PurchaseOrder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PrintedKind::Quote => "quote",
            PrintedKind::Order => "order",
            PrintedKind::Delivery => "delivery",
            PrintedKind::Invoice => "invoice",
            PrintedKind::CreditNote => "credit_note",
            PrintedKind::PurchaseOrder => "purchase_order",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A postal address.
#[derive(Debug, Clone, Default)]
pub struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166 alpha-2.
    pub country: String,
}

/// The organization printing the document.
#[derive(Debug, Clone, Default)]
pub struct Seller {
    pub name: String,
    pub legal_name: Option<String>,
    pub legal_form: Option<String>,
    pub share_capital: Option<Money>,
    pub address: Option<Address>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    pub rcs_city: Option<String>,
    pub vat_number: Option<String>,
    pub naf_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// The yearly late-payment penalty rate, printed on invoices.
    pub late_penalty_rate: Option<Percent>,
    /// The early-payment discount terms; "none" is said when empty.
    pub early_payment_discount: Option<String>,
    pub footer: Option<String>,
}

/// The client or supplier the document is addressed to.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub code: Option<String>,
    pub name: String,
    pub is_company: bool,
    pub address: Option<Address>,
    pub siren: Option<String>,
    pub vat_number: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Line {
    pub description: String,
    pub quantity: Quantity,
    /// Printed after the quantity, in the document's language.
    pub unit: String,
    pub unit_price: UnitPrice,
    pub discount_percent: Percent,
    pub vat_rate: Percent,
    pub total_excl_tax: Money,
    /// A file name among the render's images, shown when the template asks.
    pub image: Option<String>,
}

/// One (category, rate) of the VAT breakdown, with the legal wording its
/// category requires (exemption reason, reverse charge…).
#[derive(Debug, Clone)]
pub struct TaxLine {
    pub category: String,
    pub rate: Percent,
    pub base: Money,
    pub amount: Money,
    pub wording: Option<String>,
}

/// What was sold: the operation category the 2026 invoicing reform asks
/// invoices to state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Goods,
    Services,
    Both,
}

/// Everything a document prints, before words and layout.
#[derive(Debug, Clone)]
pub struct Facts {
    pub kind: PrintedKind,
    pub language: Language,
    pub number: String,
    pub currency: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// The date of the sale or service (invoices), or of the delivery.
    pub delivery_date: Option<NaiveDate>,
    /// A purchase order's expected date.
    pub expected_date: Option<NaiveDate>,
    pub seller: Seller,
    pub recipient: Recipient,
    /// Printed when it differs from the recipient's address.
    pub delivery_address: Option<Address>,
    /// A credit note's invoice: its number and issue date.
    pub corrects: Option<(String, Option<NaiveDate>)>,
    /// The order a delivery or an invoice comes from.
    pub order_number: Option<String>,
    pub lines: Vec<Line>,
    pub show_prices: bool,
    pub discount_percent: Percent,
    pub discount_amount: Money,
    pub total_excl_tax: Money,
    pub total_tax: Money,
    pub total_incl_tax: Money,
    pub tax_breakdown: Vec<TaxLine>,
    pub payment_terms_days: Option<i64>,
    pub operation: Option<Operation>,
    /// The organization's free text for this document type.
    pub text: Option<String>,
    pub notes: Option<String>,
    pub has_logo: Option<&'static str>,
}
