//! Every VAT situation the totals allow, written as Factur-X XML and
//! validated by `.ci/facturx-check`: the Factur-X EN 16931 XSD, the CEN
//! EN 16931 CII business rules and the Factur-X profile rules, 0 fatal.

use chrono::NaiveDate;
use comptoir_documents::facturx::cii_xml;
use comptoir_domain::catalog::{Unit, VatCategory};
use comptoir_domain::einvoice::{
    Address, BankAccount, Delivery, DocumentType, Header, Invoice, LineFacts, Note, Party,
    PrecedingInvoice, check,
};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use std::path::PathBuf;
use std::process::Command;

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).unwrap()
}

fn address(country: &str) -> Address {
    Address {
        line1: Some("12 rue des Lilas".into()),
        line2: Some("Bâtiment B".into()),
        postal_code: Some("69003".into()),
        city: Some("Lyon".into()),
        country: Some(country.into()),
    }
}

fn seller() -> Party {
    Party {
        id: None,
        name: "Comptoir & Fils SARL".into(),
        siren: Some("732829320".into()),
        vat_id: Some("FR44732829320".into()),
        address: address("FR"),
        email: Some("factures@comptoir.example".into()),
    }
}

fn buyer(country: &str, vat_id: Option<&str>) -> Party {
    Party {
        id: Some("CLI-0042".into()),
        name: "Client <Établissements> Martin".into(),
        siren: (country == "FR").then(|| "552100554".into()),
        vat_id: vat_id.map(Into::into),
        address: address(country),
        email: Some("compta@martin.example".into()),
    }
}

fn header(number: &str, discount: &str) -> Header {
    Header {
        document_type: DocumentType::Invoice,
        number: number.into(),
        issue_date: day(12, 1),
        currency: "EUR".into(),
        due_date: Some(day(12, 31)),
        payment_terms: Some("Paiement à 30 jours".into()),
        preceding_invoice: None,
        delivery: Delivery::default(),
        notes: vec![Note {
            subject: Some("PMD".into()),
            content: "Pénalités de retard : 3 fois le taux d'intérêt légal.".into(),
        }],
        discount_percent: Percent::parse(discount).unwrap(),
        prepaid: Money::ZERO,
    }
}

/// A line from `"quantity unit price discount category rate"`, such as
/// `"2.5 kg 19.9999 10 S 20"`.
fn line(spec: &str) -> LineFacts {
    let [quantity, unit, price, discount, category, rate] = spec
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();
    LineFacts {
        name: format!("Article à {price}"),
        seller_code: Some(format!("P-{price}")),
        quantity: Quantity::parse(quantity).unwrap(),
        unit: Unit::parse(unit).unwrap(),
        unit_price: UnitPrice::parse(price).unwrap(),
        discount_percent: Percent::parse(discount).unwrap(),
        vat_category: VatCategory::parse(category).unwrap(),
        vat_rate: Percent::parse(rate).unwrap(),
        exemption_reason: None,
    }
}

fn account() -> Option<BankAccount> {
    Some(BankAccount {
        iban: "FR7630006000011234567890189".into(),
        bic: Some("AGRIFRPP".into()),
    })
}

/// Checks the invoice as the issuing service will, writes its XML and
/// validates it; prints the validator's summary line. The file is left in
/// the temporary folder when `KEEP_FACTURX` is set, to be read.
fn validates(name: &str, invoice: &Invoice) -> String {
    assert_eq!(check(invoice).map_err(|e| e.to_string()), Ok(()), "{name}");
    let xml = cii_xml(invoice);
    let path = std::env::temp_dir().join(format!(
        "comptoir-facturx-{}-{name}.xml",
        std::process::id()
    ));
    std::fs::write(&path, &xml).unwrap();
    let checker = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/facturx-check");
    let output = Command::new(checker).arg(&path).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    let summary = report
        .lines()
        .find(|line| line.contains("SUMMARY"))
        .unwrap_or("no SUMMARY line");
    println!("{name}: {summary}");
    assert!(
        output.status.success(),
        "{name} fails validation:\n{report}\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
    if std::env::var_os("KEEP_FACTURX").is_none() {
        std::fs::remove_file(&path).unwrap();
    }
    xml
}

/// An invoice from our seller, paid by transfer to its account.
fn sale(header: Header, buyer: Party, lines: Vec<LineFacts>) -> Invoice {
    Invoice::new(header, seller(), buyer, account(), lines)
}

fn french_client() -> Party {
    buyer("FR", Some("FR03552100554"))
}

#[test]
fn standard_and_reduced_rates_with_line_and_document_discounts() {
    let mut header = header("FAC-2026-00001", "7.5");
    header.prepaid = Money::parse("100").unwrap();
    let invoice = sale(
        header,
        french_client(),
        vec![
            line("3 unit 0.335 0 S 20"),
            line("2.5 kg 19.9999 10 S 20"),
            line("7 package 4.1251 0 S 5.5"),
            line("1.125 h 65 12.5 S 10"),
            line("0.333 m2 12.3456 3.33 S 2.1"),
        ],
    );
    let xml = validates("standard", &invoice);
    assert!(xml.contains("<ram:ChargeAmount>19.9999</ram:ChargeAmount>"));
    assert!(xml.contains(r#"<ram:BilledQuantity unitCode="KGM">2.5</ram:BilledQuantity>"#));
    assert!(xml.contains("<ram:TypeCode>58</ram:TypeCode>"));
    assert!(xml.contains("Client &lt;Établissements&gt; Martin"));
}

#[test]
fn exempt_lines_with_their_reason_beside_taxed_ones() {
    let mut exempt = line("2 day 450 0 E 0");
    exempt.exemption_reason = Some("Exonération de TVA, article 261-4-4° du CGI".into());
    let invoice = sale(
        header("FAC-2026-00002", "0"),
        buyer("FR", None),
        vec![exempt, line("1 unit 39.90 0 S 20")],
    );
    let xml = validates("exempt", &invoice);
    assert!(xml.contains(
        "<ram:ExemptionReason>Exonération de TVA, article 261-4-4° du CGI</ram:ExemptionReason>"
    ));
}

#[test]
fn reverse_charge() {
    let invoice = sale(
        header("FAC-2026-00003", "5"),
        buyer("BE", Some("BE0123456749")),
        vec![line("40 h 55.5 0 AE 0")],
    );
    let xml = validates("reverse-charge", &invoice);
    assert!(xml.contains("<ram:ExemptionReason>Autoliquidation</ram:ExemptionReason>"));
    assert!(xml.contains("<ram:ExemptionReasonCode>VATEX-EU-AE</ram:ExemptionReasonCode>"));
}

#[test]
fn intra_eu_supply_with_the_delivery_country() {
    let mut header = header("FAC-2026-00004", "0");
    header.delivery = Delivery {
        date: Some(day(11, 28)),
        country: Some("DE".into()),
    };
    let invoice = sale(
        header,
        buyer("DE", Some("DE123456789")),
        vec![line("1.5 t 812.125 2 K 0"), line("12 l 3.99 0 K 0")],
    );
    let xml = validates("intra-eu", &invoice);
    assert!(xml.contains("article 262 ter I du CGI"));
}

#[test]
fn export_outside_the_eu() {
    let invoice = sale(
        header("FAC-2026-00005", "0"),
        buyer("CH", None),
        vec![line("3 set 1499 0 G 0")],
    );
    let xml = validates("export", &invoice);
    assert!(xml.contains("article 262 I du CGI"));
}

#[test]
fn zero_rate_beside_the_standard_rate_with_no_bank_account() {
    let invoice = Invoice::new(
        header("FAC-2026-00006", "10"),
        seller(),
        french_client(),
        None,
        vec![line("5 m 2.2222 0 Z 0"), line("5 m3 2.2222 0 S 20")],
    );
    let xml = validates("zero-rate", &invoice);
    assert!(xml.contains("<ram:TypeCode>1</ram:TypeCode>"));
}

#[test]
fn not_subject_to_vat_names_no_vat_number() {
    let invoice = sale(
        header("FAC-2026-00007", "0"),
        french_client(),
        vec![line("1 month 120 0 O 0")],
    );
    let xml = validates("outside-scope", &invoice);
    assert!(!xml.contains("schemeID=\"VA\""));
}

#[test]
fn a_credit_note_names_the_invoice_it_corrects() {
    let mut header = header("AV-2026-00001", "0");
    header.document_type = DocumentType::CreditNote;
    header.due_date = None;
    header.preceding_invoice = Some(PrecedingInvoice {
        number: "FAC-2026-00001".into(),
        issue_date: Some(day(11, 2)),
    });
    let invoice = sale(
        header,
        french_client(),
        vec![line("1 unit 0.335 0 S 20"), line("2 g 0.0125 0 S 5.5")],
    );
    let xml = validates("credit-note", &invoice);
    assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
    assert!(xml.contains("<ram:IssuerAssignedID>FAC-2026-00001</ram:IssuerAssignedID>"));
}

#[test]
fn five_hundred_lines() {
    let rates = ["S 20", "S 5.5", "S 10", "Z 0"];
    let lines = (0..500)
        .map(|i| {
            line(&format!(
                "{}.{:03} {} {}.{:04} {} {}",
                1 + i % 7,
                (i * 37) % 1000,
                Unit::ALL[i % Unit::ALL.len()],
                i % 90,
                (i * 7919) % 10_000,
                i % 15,
                rates[i % rates.len()],
            ))
        })
        .collect();
    validates(
        "five-hundred-lines",
        &sale(header("FAC-2026-00500", "3.25"), french_client(), lines),
    );
}
