//! PDFs rendered from the shipped template, read back as text.

use chrono::{NaiveDate, TimeZone, Utc};
use comptoir_documents::DEFAULT_TEMPLATE;
use comptoir_documents::pdf::{Render, render};
use comptoir_documents::printed::{
    Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine, printed,
};
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};

fn money(text: &str) -> Money {
    Money::parse(text).unwrap()
}

fn facts(lines: usize) -> Facts {
    let line = |i: usize| Line {
        description: format!(
            "Article numéro {i} — une désignation assez longue pour passer à la ligne dans sa colonne"
        ),
        quantity: Quantity::parse("2").unwrap(),
        unit: "u".into(),
        unit_price: UnitPrice::parse("12.5").unwrap(),
        discount_percent: Percent::ZERO,
        vat_rate: Percent::parse("20").unwrap(),
        total_excl_tax: money("25"),
        image: None,
    };
    let total = money(&(25 * lines).to_string());
    let tax = money(&(5 * lines).to_string());
    Facts {
        kind: PrintedKind::Invoice,
        language: Language::Fr,
        number: "FAC-2026-00042".into(),
        currency: "EUR".into(),
        issue_date: NaiveDate::from_ymd_opt(2026, 12, 1),
        due_date: NaiveDate::from_ymd_opt(2026, 12, 31),
        valid_until: None,
        delivery_date: NaiveDate::from_ymd_opt(2026, 11, 28),
        expected_date: None,
        seller: Seller {
            name: "Comptoir Démo".into(),
            legal_name: Some("Comptoir Démo SARL".into()),
            legal_form: Some("SARL".into()),
            share_capital: Some(money("10000")),
            address: Some(Address {
                line1: "12 rue des Halles".into(),
                line2: None,
                postal_code: "75001".into(),
                city: "Paris".into(),
                country: "FR".into(),
            }),
            siren: Some("732829320".into()),
            rcs_city: Some("Paris".into()),
            vat_number: Some("FR44732829320".into()),
            iban: Some("FR7630006000011234567890189".into()),
            bic: Some("AGRIFRPP".into()),
            ..Seller::default()
        },
        recipient: Recipient {
            code: Some("CLI-00001".into()),
            name: "Dupont SARL".into(),
            is_company: true,
            address: Some(Address {
                line1: "3 avenue Foch".into(),
                line2: None,
                postal_code: "69006".into(),
                city: "Lyon".into(),
                country: "FR".into(),
            }),
            siren: Some("552100554".into()),
            vat_number: Some("FR96552100554".into()),
        },
        delivery_address: None,
        corrects: None,
        order_number: Some("CMD-2026-00007".into()),
        lines: (1..=lines).map(line).collect(),
        show_prices: true,
        discount_percent: Percent::ZERO,
        discount_amount: Money::ZERO,
        total_excl_tax: total,
        total_tax: tax,
        total_incl_tax: money(&(30 * lines).to_string()),
        tax_breakdown: vec![TaxLine {
            category: "S".into(),
            rate: Percent::parse("20").unwrap(),
            base: total,
            amount: tax,
            wording: None,
        }],
        payment_terms_days: Some(30),
        operation: Some(Operation::Goods),
        text: None,
        notes: None,
        has_logo: None,
    }
}

fn pdf_of(facts: &Facts) -> Vec<u8> {
    let data = serde_json::to_value(printed(facts)).unwrap();
    render(&Render {
        template: DEFAULT_TEMPLATE,
        data: &data,
        images: &[],
        created_at: Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap(),
        ident: "test-invoice",
    })
    .unwrap()
}

fn text_of(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("comptoir-pdf-{}.pdf", std::process::id()));
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    std::fs::remove_file(&path).unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn an_invoice_prints_its_mentions() {
    let started = std::time::Instant::now();
    let pdf = pdf_of(&facts(20));
    eprintln!("rendered in {:?}, {} bytes", started.elapsed(), pdf.len());
    std::fs::write("/tmp/invoice-sample.pdf", &pdf).unwrap();
    let text = text_of(&pdf);
    for expected in [
        "Facture",
        "FAC-2026-00042",
        "Dupont SARL",
        "SIREN 552100554",
        "Total TTC",
        "600,00",
        "Catégorie de l'opération : livraison de biens.",
        "40 €",
        "Pas d'escompte pour paiement anticipé.",
        "IBAN FR7630006000011234567890189",
        "Page 1 / 2",
        "Page 2 / 2",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

#[test]
fn the_factur_x_xml_is_embedded_with_its_xmp() {
    let pdf = pdf_of(&facts(3));
    let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100\"/>";
    let modified = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0).unwrap();
    let facturx = comptoir_documents::embed::embed_facturx(&pdf, xml, modified).unwrap();
    let path = std::env::temp_dir().join(format!("comptoir-fx-{}.pdf", std::process::id()));
    std::fs::write(&path, &facturx).unwrap();
    let out = std::process::Command::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../.ci/facturx-check"
    ))
    .arg(&path)
    .output()
    .expect("facturx-check");
    let report = String::from_utf8_lossy(&out.stdout);
    std::fs::remove_file(&path).unwrap();
    eprintln!("{report}");
    for check in ["1.1", "1.2", "1.3", "1.4"] {
        assert!(
            report
                .lines()
                .any(|l| l.starts_with("[PASS]") && l.contains(&format!(" {check} "))),
            "check {check} failed:\n{report}"
        );
    }
}
