//! Received supplier e-invoices read from the fixture files of
//! `tests/fixtures/received/`: one invoice in each syntax, a credit note,
//! and files that must be refused with their reason.

use comptoir_documents::receive::{ReceiveError, ReceivedFormat, ReceivedKind, read};
use comptoir_domain::catalog::VatCategory;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/received/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

#[test]
fn a_cii_invoice_is_read_whole() {
    let invoice = read(&fixture("cii-invoice.xml")).unwrap();
    assert_eq!(invoice.format, ReceivedFormat::Cii);
    assert_eq!(invoice.kind, ReceivedKind::Invoice);
    assert_eq!(invoice.number, "PM-2026-0101");
    assert_eq!(invoice.seller.name, "Papeterie Martin SAS");
    assert_eq!(invoice.seller.siren.as_deref(), Some("732829320"));
    assert_eq!(invoice.seller.vat_number.as_deref(), Some("FR44732829320"));
    assert_eq!(invoice.issue_date.to_string(), "2026-11-20");
    assert_eq!(invoice.due_date.unwrap().to_string(), "2026-12-20");
    assert_eq!(invoice.currency, "EUR");
    assert_eq!(
        invoice.buyer_order_reference.as_deref(),
        Some("ACH-2026-00001")
    );
    assert_eq!(invoice.lines.len(), 2);
    let pens = &invoice.lines[1];
    assert_eq!(pens.seller_item_id.as_deref(), Some("STY-BLEU"));
    assert_eq!(pens.name, "Stylo bille bleu");
    assert_eq!(pens.quantity.to_string(), "20");
    assert_eq!(pens.unit.as_deref(), Some("C62"));
    assert_eq!(pens.net_price.to_string(), "0.80");
    assert_eq!(pens.vat_category, VatCategory::Standard);
    assert_eq!(pens.vat_rate.to_string(), "20.00");
    assert_eq!(pens.net_amount.to_string(), "16.00");
    assert_eq!(invoice.tax_breakdown.len(), 1);
    assert_eq!(invoice.totals.total_excl_tax.to_string(), "61.00");
    assert_eq!(invoice.totals.total_tax.to_string(), "12.20");
    assert_eq!(invoice.totals.total_incl_tax.to_string(), "73.20");
    assert_eq!(invoice.totals.amount_due.to_string(), "73.20");
}

#[test]
fn a_ubl_invoice_reads_as_the_same_invoice() {
    let cii = read(&fixture("cii-invoice.xml")).unwrap();
    let ubl = read(&fixture("ubl-invoice.xml")).unwrap();
    assert_eq!(ubl.format, ReceivedFormat::Ubl);
    assert_eq!(ubl.number, "PM-2026-0102");
    assert_eq!(ubl.due_date.unwrap().to_string(), "2026-12-21");
    assert_eq!(ubl.seller, cii.seller);
    assert_eq!(ubl.lines, cii.lines);
    assert_eq!(ubl.tax_breakdown, cii.tax_breakdown);
    assert_eq!(ubl.buyer_order_reference, cii.buyer_order_reference);
    assert_eq!(ubl.totals.amount_due, cii.totals.amount_due);
}

#[test]
fn a_ubl_credit_note_is_a_credit_note() {
    let note = read(&fixture("ubl-credit-note.xml")).unwrap();
    assert_eq!(note.kind, ReceivedKind::CreditNote);
    assert_eq!(note.lines[0].quantity.to_string(), "5");
    assert_eq!(note.totals.amount_due.to_string(), "4.80");
    assert_eq!(note.due_date, None);
}

#[test]
fn a_factur_x_pdf_gives_its_embedded_invoice() {
    let invoice = read(&fixture("facturx-invoice.pdf")).unwrap();
    assert_eq!(invoice.format, ReceivedFormat::FacturX);
    assert_eq!(invoice.number, "PM-2026-0103");
    assert_eq!(invoice.lines.len(), 2);
    assert_eq!(invoice.totals.total_incl_tax.to_string(), "73.20");
}

#[test]
fn totals_that_do_not_add_up_are_refused() {
    let wrong = text("cii-invoice.xml").replace(
        "<ram:GrandTotalAmount>73.20</ram:GrandTotalAmount>",
        "<ram:GrandTotalAmount>75.20</ram:GrandTotalAmount>",
    );
    assert_eq!(
        read(wrong.as_bytes()).unwrap_err().to_string(),
        "the invoice's totals do not add up: the total excluding VAT plus VAT come to 73.20, \
         the invoice states 75.20"
    );
    let wrong = text("ubl-invoice.xml").replace(
        "<cbc:LineExtensionAmount currencyID=\"EUR\">16.00</cbc:LineExtensionAmount>",
        "<cbc:LineExtensionAmount currencyID=\"EUR\">18.00</cbc:LineExtensionAmount>",
    );
    assert!(matches!(
        read(wrong.as_bytes()),
        Err(ReceiveError::Totals(_))
    ));
}

#[test]
fn a_missing_mandatory_field_is_named() {
    let without_number = text("ubl-invoice.xml").replace("<cbc:ID>PM-2026-0102</cbc:ID>", "");
    assert_eq!(
        read(without_number.as_bytes()),
        Err(ReceiveError::Missing("number"))
    );
    let without_seller =
        text("cii-invoice.xml").replace("<ram:Name>Papeterie Martin SAS</ram:Name>", "");
    assert_eq!(
        read(without_seller.as_bytes()).unwrap_err().to_string(),
        "the invoice has no seller name"
    );
    let bad_date = text("cii-invoice.xml").replace(">20261120<", ">2026-13-45<");
    assert!(matches!(
        read(bad_date.as_bytes()),
        Err(ReceiveError::Invalid {
            field: "issue date",
            ..
        })
    ));
}

#[test]
fn a_plain_pdf_or_another_file_is_not_an_invoice() {
    // The Factur-X PDF with its attachment renamed (same length, so its
    // cross-reference offsets hold) is a PDF like any other.
    let mut plain = fixture("facturx-invoice.pdf");
    let mut renamed = 0;
    while let Some(at) = plain.windows(12).position(|w| w == b"factur-x.xml") {
        plain[at..at + 12].copy_from_slice(b"notes-xx.txt");
        renamed += 1;
    }
    assert!(renamed > 0);
    assert_eq!(read(&plain), Err(ReceiveError::PlainPdf));
    assert_eq!(
        read(b"\xFF\xD8\xFF\xE0 jpeg"),
        Err(ReceiveError::NotAnInvoice)
    );
    assert_eq!(
        read(b"<?xml version=\"1.0\"?><Order xmlns=\"urn:x\"/>")
            .unwrap_err()
            .to_string(),
        "the file is XML but not an invoice: its root element is <Order>, not a CII or UBL invoice"
    );
}
