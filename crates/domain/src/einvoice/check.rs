//! What a user could enter that would make an invoice fail the EN 16931
//! rules, named by the field to fix. The issuing service refuses such an
//! invoice (422), so no issued invoice fails validation. The rule each
//! check stands for is named beside it.

use super::{Invoice, Party};
use crate::FieldErrors;
use crate::catalog::{VatCategory, check_vat};
use crate::numbers::Money;

/// Every problem at once, or `Ok`.
pub fn check(invoice: &Invoice) -> Result<(), FieldErrors> {
    let mut problems = Problems(FieldErrors::new());
    let header = &invoice.header;
    if invoice.lines.is_empty() {
        problems.add("lines", "an invoice needs at least one line"); // BR-16
    }
    if !is_code(&header.currency, 3) {
        problems.add("currency", "must be an ISO 4217 code such as EUR"); // BR-5
    }
    party(&mut problems, "seller", &invoice.seller); // BR-6, BR-8, BR-9
    party(&mut problems, "buyer", &invoice.buyer); // BR-7, BR-10, BR-11
    for (index, line) in invoice.lines.iter().enumerate() {
        let facts = &line.facts;
        if facts.name.trim().is_empty() {
            problems.add(format!("lines[{index}].description"), "is required"); // BR-25
        }
        if let Err((field, message)) = check_vat(
            facts.vat_category,
            facts.vat_rate,
            facts.exemption_reason.as_deref(),
        ) {
            problems.add(format!("lines[{index}].{field}"), message); // BR-E-10, BR-S-5…
        }
    }

    let has = |category: VatCategory| {
        invoice
            .vat_breakdown
            .iter()
            .any(|tax| tax.category == category)
    };
    let seller_vat = invoice.seller.vat_id.is_some();
    if invoice.outside_scope() {
        if invoice.vat_breakdown.len() > 1 {
            problems.add(
                "lines",
                "lines not subject to VAT (O) cannot share an invoice with other VAT categories",
            ); // BR-O-11, BR-O-12
        }
        if invoice.seller.siren.is_none() {
            // Such an invoice names no VAT identifier (BR-O-2): the SIREN
            // is then the seller's only identifier (BR-CO-26).
            problems.add(
                "seller.siren",
                "the organization's SIREN is required on an invoice not subject to VAT",
            );
        }
    } else if !seller_vat {
        // BR-S-2, BR-Z-2, BR-E-2, BR-AE-2, BR-IC-2, BR-G-2, BR-CO-26.
        problems.add(
            "seller.vat_id",
            "the organization's VAT number is required to invoice with VAT categories",
        );
    }
    if has(VatCategory::ReverseCharge)
        && invoice.buyer.vat_id.is_none()
        && invoice.buyer.siren.is_none()
    {
        problems.add(
            "buyer.vat_id",
            "reverse charge (AE) needs the client's VAT number or SIREN",
        ); // BR-AE-2
    }
    if has(VatCategory::IntraCommunity) {
        if invoice.buyer.vat_id.is_none() {
            problems.add(
                "buyer.vat_id",
                "an intra-EU supply (K) needs the client's VAT number",
            ); // BR-IC-2
        }
        let delivery = &header.delivery;
        if !delivery.country.as_deref().is_some_and(|c| is_code(c, 2)) {
            problems.add(
                "delivery.country",
                "an intra-EU supply (K) needs the country the goods are delivered to",
            ); // BR-IC-12
        }
        if delivery.date.is_none() {
            problems.add(
                "delivery.date",
                "an intra-EU supply (K) needs the delivery date",
            ); // BR-IC-11
        }
    }
    if invoice.totals.due_payable > Money::ZERO
        && header.due_date.is_none()
        && header.payment_terms.is_none()
    {
        problems.add(
            "due_date",
            "an amount due needs a due date or payment terms",
        ); // BR-CO-25
    }
    if header.document_type == super::DocumentType::CreditNote && header.preceding_invoice.is_none()
    {
        problems.add(
            "preceding_invoice",
            "a credit note names the invoice it corrects",
        );
    }
    problems.0.finish(|| ())
}

fn party(problems: &mut Problems, role: &str, party: &Party) {
    if party.name.trim().is_empty() {
        problems.add(format!("{role}.name"), "is required");
    }
    if !party
        .address
        .country
        .as_deref()
        .is_some_and(|c| is_code(c, 2))
    {
        problems.add(
            format!("{role}.address.country"),
            "the country of the address is required (ISO code such as FR)",
        );
    }
    if let Some(vat_id) = &party.vat_id
        && (vat_id.len() < 3 || !is_code(&vat_id[..2], 2))
    {
        problems.add(
            format!("{role}.vat_id"),
            "must start with its country code, like FR12345678901",
        ); // BR-CO-9
    }
}

fn is_code(text: &str, length: usize) -> bool {
    text.len() == length && text.bytes().all(|b| b.is_ascii_uppercase())
}

/// The problems found, one per field: the first rule a field breaks is
/// the one to fix.
struct Problems(FieldErrors);

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: &str) {
        let field = field.into();
        if !self.0.has(&field) {
            self.0.add(field, message);
        }
    }
}
