//! An invoice or credit note as EN 16931 sees it (the semantic model the
//! Factur-X XML is written from), built from plain values: the stored
//! document's header and lines, the organization's identity and the
//! client's. Building it computes nothing new: line amounts, the VAT
//! breakdown and the document discount come from `documents`, so the XML
//! says to the cent what the PDF and the stored totals say.
//!
//! [`check`] lists what would make the invoice fail the EN 16931 rules
//! (a missing VAT number, country, delivery country…), in the words a
//! user can act on; an invoice that passes it validates.

mod check;
mod wording;

pub use check::check;
pub use wording::{breakdown_wording, exemption_code, legal_wording, unit_code};

use crate::catalog::{Unit, VatCategory};
use crate::documents::{LineAmounts, discounted_totals};
use crate::numbers::{Money, Percent, Quantity, UnitPrice};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// BT-3: what the document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentType {
    Invoice,
    CreditNote,
}

impl DocumentType {
    /// UNTDID 1001: commercial invoice, credit note.
    pub fn code(self) -> &'static str {
        match self {
            DocumentType::Invoice => "380",
            DocumentType::CreditNote => "381",
        }
    }
}

/// A postal address (BG-5, BG-8, BG-15).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Address {
    pub line1: Option<String>,
    pub line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// The seller (BG-4) or the buyer (BG-7).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// Our code for the party (the client's code), BT-29 / BT-46.
    pub id: Option<String>,
    pub name: String,
    /// The SIREN, the legal registration identifier (BT-30 / BT-47,
    /// scheme 0002).
    pub siren: Option<String>,
    /// The VAT identifier (BT-31 / BT-48), with its country prefix.
    pub vat_id: Option<String>,
    pub address: Address,
    /// The electronic address (BT-34 / BT-49), an e-mail.
    pub email: Option<String>,
}

/// Where the seller is paid (BG-17).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankAccount {
    pub iban: String,
    pub bic: Option<String>,
}

/// How the invoice is paid (BG-16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentMeans {
    /// SEPA credit transfer (58) to the seller's account.
    CreditTransfer(BankAccount),
    /// No account to name: "instrument not defined" (1), since a credit
    /// transfer without an account fails BR-61.
    NotDefined,
}

impl PaymentMeans {
    /// UNTDID 4461.
    pub fn code(&self) -> &'static str {
        match self {
            PaymentMeans::CreditTransfer(_) => "58",
            PaymentMeans::NotDefined => "1",
        }
    }
}

/// The invoice a credit note corrects (BG-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrecedingInvoice {
    pub number: String,
    pub issue_date: Option<NaiveDate>,
}

/// Where and when the goods went (BG-13); an intra-EU supply needs both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delivery {
    pub date: Option<NaiveDate>,
    /// ISO 3166-1 alpha-2 (BT-80).
    pub country: Option<String>,
}

/// A note on the invoice (BG-1), with its UNTDID 4451 subject (`PMT`,
/// `PMD`, `AAB`…) when it is one of the legal mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub subject: Option<String>,
    pub content: String,
}

/// The header of the document, as stored and issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub document_type: DocumentType,
    pub number: String,
    pub issue_date: NaiveDate,
    /// ISO 4217.
    pub currency: String,
    pub due_date: Option<NaiveDate>,
    pub payment_terms: Option<String>,
    pub preceding_invoice: Option<PrecedingInvoice>,
    pub delivery: Delivery,
    pub notes: Vec<Note>,
    /// The document-level discount, taken off each VAT base.
    pub discount_percent: Percent,
    /// What was already paid (BT-113).
    pub prepaid: Money,
}

/// A line as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineFacts {
    pub name: String,
    /// The product's code (BT-155), none on a free-text line.
    pub seller_code: Option<String>,
    pub quantity: Quantity,
    pub unit: Unit,
    pub unit_price: UnitPrice,
    pub discount_percent: Percent,
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
    /// The line's (or its product's) exemption reason, overriding the
    /// category's legal wording.
    pub exemption_reason: Option<String>,
}

impl LineFacts {
    fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount_percent: self.discount_percent,
            vat_category: self.vat_category,
            vat_rate: self.vat_rate,
        }
    }
}

/// An allowance: a line's discount (BG-27) or the document discount on
/// one VAT category and rate (BG-20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub percent: Percent,
    pub basis: Money,
    pub amount: Money,
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
}

/// An invoice line (BG-25).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// BT-126: the line's position, from 1.
    pub id: String,
    pub facts: LineFacts,
    pub allowance: Option<Allowance>,
    /// BT-131, the line's `total_excl_tax`.
    pub net_amount: Money,
}

/// One VAT category and rate of the breakdown (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatBreakdown {
    pub category: VatCategory,
    pub rate: Percent,
    pub base: Money,
    pub amount: Money,
    /// BT-120: the legal wording, or the reasons its lines give.
    pub exemption_reason: Option<String>,
    /// BT-121.
    pub exemption_code: Option<&'static str>,
}

/// The document totals (BG-22).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonetaryTotals {
    pub line_total: Money,
    pub allowance_total: Money,
    pub tax_basis_total: Money,
    pub tax_total: Money,
    pub grand_total: Money,
    pub prepaid: Money,
    pub due_payable: Money,
}

/// The whole invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub header: Header,
    pub seller: Party,
    pub buyer: Party,
    pub payment_means: PaymentMeans,
    pub lines: Vec<Line>,
    pub allowances: Vec<Allowance>,
    pub vat_breakdown: Vec<VatBreakdown>,
    pub totals: MonetaryTotals,
}

impl Invoice {
    /// The invoice of `lines`, its amounts computed by the rules of
    /// `documents` (the stored totals' own). `account` is the seller's
    /// bank account, when it has one.
    pub fn new(
        header: Header,
        seller: Party,
        buyer: Party,
        account: Option<BankAccount>,
        lines: Vec<LineFacts>,
    ) -> Invoice {
        let amounts: Vec<LineAmounts> = lines.iter().map(LineFacts::amounts).collect();
        let totals = discounted_totals(&amounts, header.discount_percent);
        let lines: Vec<Line> = lines.into_iter().enumerate().map(line).collect();

        let mut lines_totals: BTreeMap<(&str, Percent), Money> = BTreeMap::new();
        for line in &lines {
            let facts = &line.facts;
            let total = lines_totals
                .entry((facts.vat_category.as_str(), facts.vat_rate))
                .or_default();
            *total = Money::round(total.value() + line.net_amount.value());
        }
        let mut allowances = Vec::new();
        let mut vat_breakdown = Vec::new();
        for tax in &totals.tax_breakdown {
            let lines_total = &lines_totals[&(tax.vat_category.as_str(), tax.vat_rate)];
            if !header.discount_percent.is_zero() {
                allowances.push(Allowance {
                    percent: header.discount_percent,
                    basis: *lines_total,
                    amount: Money::round(lines_total.value() - tax.base.value()),
                    vat_category: tax.vat_category,
                    vat_rate: tax.vat_rate,
                });
            }
            let facts = lines.iter().map(|line| {
                let facts = &line.facts;
                (
                    facts.vat_category,
                    facts.vat_rate,
                    facts.exemption_reason.as_deref(),
                )
            });
            vat_breakdown.push(VatBreakdown {
                category: tax.vat_category,
                rate: tax.vat_rate,
                base: tax.base,
                amount: tax.amount,
                exemption_reason: breakdown_wording(tax.vat_category, tax.vat_rate, facts),
                exemption_code: exemption_code(tax.vat_category),
            });
        }
        let line_total = lines.iter().fold(Money::ZERO, |sum, line| {
            Money::round(sum.value() + line.net_amount.value())
        });
        let totals = MonetaryTotals {
            line_total,
            allowance_total: totals.discount_amount,
            tax_basis_total: totals.total_excl_tax,
            tax_total: totals.total_tax,
            grand_total: totals.total_incl_tax,
            prepaid: header.prepaid,
            due_payable: Money::round(totals.total_incl_tax.value() - header.prepaid.value()),
        };
        Invoice {
            header,
            seller,
            buyer,
            payment_means: account.map_or(PaymentMeans::NotDefined, PaymentMeans::CreditTransfer),
            lines,
            allowances,
            vat_breakdown,
            totals,
        }
    }

    /// Whether the invoice is not subject to VAT (category O), which
    /// then names no VAT identifier at all (BR-O-2).
    pub fn outside_scope(&self) -> bool {
        self.vat_breakdown
            .iter()
            .any(|tax| tax.category == VatCategory::OutsideScope)
    }
}

fn line((index, facts): (usize, LineFacts)) -> Line {
    let net_amount = facts.amounts().total_excl_tax();
    let allowance = (!facts.discount_percent.is_zero()).then(|| {
        let basis = Money::round(facts.quantity.value() * facts.unit_price.value());
        Allowance {
            percent: facts.discount_percent,
            basis,
            amount: Money::round(basis.value() - net_amount.value()),
            vat_category: facts.vat_category,
            vat_rate: facts.vat_rate,
        }
    });
    Line {
        id: (index + 1).to_string(),
        facts,
        allowance,
        net_amount,
    }
}

#[cfg(test)]
mod tests;
