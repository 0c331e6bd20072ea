//! Supplier e-invoices received, read into one [`ReceivedInvoice`] whatever
//! their syntax: UN/CEFACT CII (`cii`), UBL 2.1 Invoice and CreditNote
//! (`ubl`), or a Factur-X / ZUGFeRD PDF carrying its CII (`embedded`).
//!
//! Invariant: a `ReceivedInvoice` has every field EN 16931 makes
//! mandatory for our use (number, issue date, currency, seller name, at
//! least one line, totals) and its totals add up (the checks of `check`);
//! anything else is a [`ReceiveError`] worded for the person who uploaded
//! the file.

mod check;
mod cii;
mod embedded;
mod ubl;
mod xml;

use chrono::NaiveDate;
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use serde::Serialize;

/// The syntax a received invoice came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedFormat {
    /// A PDF with its CII embedded (Factur-X, ZUGFeRD).
    FacturX,
    Cii,
    Ubl,
}

impl ReceivedFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceivedFormat::FacturX => "facturx",
            ReceivedFormat::Cii => "cii",
            ReceivedFormat::Ubl => "ubl",
        }
    }

    /// The content type the original file is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            ReceivedFormat::FacturX => "application/pdf",
            ReceivedFormat::Cii | ReceivedFormat::Ubl => "application/xml",
        }
    }
}

/// An invoice or a credit note (EN 16931 BT-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceivedKind {
    Invoice,
    CreditNote,
}

impl ReceivedKind {
    /// UNTDID 1001 codes of credit notes; every other code bills.
    fn from_type_code(code: &str) -> Self {
        match code {
            "81" | "83" | "261" | "262" | "296" | "308" | "381" | "396" | "420" | "458" | "532" => {
                ReceivedKind::CreditNote
            }
            _ => ReceivedKind::Invoice,
        }
    }
}

/// Who sent the invoice (BG-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedSeller {
    pub name: String,
    /// The French SIREN (legal registration with scheme 0002), when given.
    pub siren: Option<String>,
    /// The VAT identifier (BT-31).
    pub vat_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedLine {
    /// The seller's code for the item (BT-155).
    pub seller_item_id: Option<String>,
    pub name: String,
    pub quantity: Quantity,
    /// UN/ECE recommendation 20 unit code (BT-130), such as `C62`.
    pub unit: Option<String>,
    pub net_price: UnitPrice,
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
    pub net_amount: Money,
}

/// One row of the VAT breakdown (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedTax {
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
    pub base: Money,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedInvoice {
    pub format: ReceivedFormat,
    pub kind: ReceivedKind,
    pub number: String,
    pub seller: ReceivedSeller,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    /// The buyer's purchase order number (BT-13).
    pub buyer_order_reference: Option<String>,
    pub lines: Vec<ReceivedLine>,
    pub tax_breakdown: Vec<ReceivedTax>,
    pub totals: ReceivedTotals,
}

/// The document totals (BG-22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedTotals {
    /// The sum of the lines (BT-106).
    pub line_total: Money,
    /// Document allowances and charges (BT-107, BT-108).
    pub allowances: Money,
    pub charges: Money,
    pub total_excl_tax: Money,
    pub total_tax: Money,
    pub total_incl_tax: Money,
    /// Already paid (BT-113) and rounding (BT-114) taken off the total.
    pub prepaid: Money,
    pub rounding: Money,
    pub amount_due: Money,
}

/// Why a file is not an invoice we can take in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiveError {
    #[error(
        "the file is not an e-invoice: expected a Factur-X PDF, a CII XML or a UBL 2.1 XML invoice"
    )]
    NotAnInvoice,
    #[error(
        "the file is XML but not an invoice: its root element is <{0}>, not a CII or UBL invoice"
    )]
    UnknownXml(String),
    #[error("the XML is malformed: {0}")]
    BadXml(String),
    #[error("the PDF cannot be read: {0}")]
    BadPdf(String),
    #[error(
        "the PDF carries no e-invoice: it has no embedded factur-x.xml, zugferd-invoice.xml or xrechnung.xml"
    )]
    PlainPdf,
    #[error("the invoice has no {0}")]
    Missing(&'static str),
    #[error("the invoice's {field} is not valid ({value}): {reason}")]
    Invalid {
        field: &'static str,
        value: String,
        reason: String,
    },
    #[error("the invoice's totals do not add up: {0}")]
    Totals(String),
}

/// Reads a received file, whichever of the three syntaxes it is in.
pub fn read(bytes: &[u8]) -> Result<ReceivedInvoice, ReceiveError> {
    let start = skip_preamble(bytes);
    if start.starts_with(b"%PDF-") {
        let xml = embedded::invoice_xml(bytes)?;
        let mut invoice = read_xml(&xml)?;
        invoice.format = ReceivedFormat::FacturX;
        return Ok(invoice);
    }
    if start.starts_with(b"<") {
        return read_xml(bytes);
    }
    Err(ReceiveError::NotAnInvoice)
}

/// The bytes after a UTF-8 byte order mark and leading white space.
fn skip_preamble(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn read_xml(bytes: &[u8]) -> Result<ReceivedInvoice, ReceiveError> {
    let text = std::str::from_utf8(skip_preamble(bytes))
        .map_err(|_| ReceiveError::BadXml("it is not UTF-8 text".into()))?;
    let document =
        roxmltree::Document::parse(text).map_err(|e| ReceiveError::BadXml(e.to_string()))?;
    let root = document.root_element();
    let invoice = match (root.tag_name().name(), root.tag_name().namespace()) {
        ("CrossIndustryInvoice", _) => cii::read(root)?,
        ("Invoice", Some(ubl::INVOICE_NAMESPACE)) => ubl::read(root, ReceivedKind::Invoice)?,
        ("CreditNote", Some(ubl::CREDIT_NOTE_NAMESPACE)) => {
            ubl::read(root, ReceivedKind::CreditNote)?
        }
        (name, _) => return Err(ReceiveError::UnknownXml(name.to_owned())),
    };
    check::totals(&invoice)?;
    Ok(invoice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_an_invoice_says_so() {
        assert_eq!(read(b"name;qty\n"), Err(ReceiveError::NotAnInvoice));
        assert_eq!(
            read(b"<html><body/></html>"),
            Err(ReceiveError::UnknownXml("html".into()))
        );
        assert!(matches!(read(b"<Invoice>"), Err(ReceiveError::BadXml(_))));
        assert!(matches!(
            read(b"%PDF-1.7 garbage"),
            Err(ReceiveError::BadPdf(_))
        ));
    }

    #[test]
    fn the_kind_follows_the_type_code() {
        assert_eq!(ReceivedKind::from_type_code("380"), ReceivedKind::Invoice);
        assert_eq!(
            ReceivedKind::from_type_code("381"),
            ReceivedKind::CreditNote
        );
        assert_eq!(ReceivedKind::from_type_code("384"), ReceivedKind::Invoice);
    }
}
