//! The invoices the documents scenario renders: a 20-entry catalog
//! cycled through, and each invoice as the issuing service has it, the
//! facts the PDF prints and the EN 16931 model its XML is written from.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use comptoir_documents::printed::{
    Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine,
};
use comptoir_documents::words::unit_label;
use comptoir_domain::catalog::{Unit, VatCategory};
use comptoir_domain::einvoice::{
    self, BankAccount, Delivery, DocumentType, Header, Invoice, LineFacts, Note, Party,
};
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, NumberError, Percent, Quantity, UnitPrice};

/// What the invoices sell, cycled through for as many lines as asked:
/// "quantity unit unit-price discount-% VAT-rate-%", and the description.
const CATALOG: [(&str, &str); 20] = [
    (
        "1.5 day 650 0 20",
        "Audit de l'installation électrique existante",
    ),
    (
        "2 unit 489.9 10 20",
        "Tableau électrique pré-câblé 3 rangées, 39 modules, avec interrupteurs \
         différentiels 30 mA type A et AC, disjoncteurs divisionnaires et peignes \
         d'alimentation",
    ),
    ("120 m 1.85 0 20", "Câble R2V 3G2,5 mm²"),
    (
        "3 package 42.5 5 20",
        "Gaine ICTA Ø 20 mm, couronne de 100 m",
    ),
    ("16 h 58 0 10", "Main-d'œuvre : pose et raccordement"),
    ("24 unit 6.9 15 10", "Prise de courant 2P+T 16 A, blanc"),
    ("12 unit 7.45 15 10", "Interrupteur va-et-vient, blanc"),
    (
        "18 unit 24.9 0 10",
        "Spot LED encastrable 6 W, 4000 K, IP44, orientable, avec alimentation \
         électronique et ressort de fixation pour plafond en plaque de plâtre",
    ),
    (
        "64 m2 21.5 0 5.5",
        "Isolation des combles perdus en laine de verre soufflée, R = 7 m².K/W, \
         y compris repérage des gaines et pose des capots de protection des spots",
    ),
    (
        "1 unit 6890 8 5.5",
        "Pompe à chaleur air/eau 8 kW, fourniture",
    ),
    (
        "1 unit 350 0 5.5",
        "Mise en service de la pompe à chaleur et réglages",
    ),
    (
        "2 unit 129 0 5.5",
        "Thermostat d'ambiance programmable connecté",
    ),
    ("3 day 45 0 20", "Déplacement et frais de chantier"),
    (
        "2.5 m3 38 0 20",
        "Évacuation et recyclage des déchets de chantier",
    ),
    (
        "4 unit 68.4 12.5 20",
        "Disjoncteur différentiel 40 A 30 mA type A",
    ),
    ("30 unit 3.15 0 20", "Tube IRL Ø 25 mm, longueur 3 m"),
    (
        "5 set 11.9 0 10",
        "Boîte d'encastrement Ø 67 mm, profondeur 40 mm",
    ),
    (
        "1 unit 180 0 20",
        "Vérification de conformité et attestation Consuel",
    ),
    (
        "6 package 27.35 0 10",
        "Ragréage autolissant P3, sac de 25 kg",
    ),
    (
        "48.5 m2 14.2 0 10",
        "Peinture de finition acrylique mate, deux couches, sur murs et plafonds \
         des pièces reprises après passage des gaines",
    ),
];

/// One invoice as the issuing service has it: what the PDF prints and the
/// EN 16931 model the XML is written from, of the same lines.
pub(super) struct Sale {
    pub(super) facts: Facts,
    pub(super) invoice: Invoice,
}

pub(super) fn issued_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 0)
        .single()
        .expect("a valid instant")
}

fn day(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("a valid date")
}

fn number<T>(text: &str, parse: fn(&str) -> Result<T, NumberError>) -> T {
    parse(text).expect("a number of the catalog")
}

/// A line billing catalog entry `entry` (`spec` and `name`), its quantity
/// `times` the catalog's.
fn line(entry: usize, spec: &str, name: &str, times: i64) -> LineFacts {
    let [quantity, unit, price, discount, rate] = spec
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .expect("five fields in a catalog entry");
    LineFacts {
        name: name.to_owned(),
        seller_code: Some(format!("ART-{:04}", entry + 1)),
        quantity: Quantity::from_units(number(quantity, Quantity::parse).units() * times),
        unit: Unit::parse(unit).expect("a unit of the catalog"),
        unit_price: number(price, UnitPrice::parse),
        discount_percent: number(discount, Percent::parse),
        vat_category: VatCategory::Standard,
        vat_rate: number(rate, Percent::parse),
        exemption_reason: None,
    }
}

/// How many times the catalog's quantity invoice `serial` bills of entry
/// `entry`: spread over 1 to 97 and mixed so that an invoice's amounts
/// are not those of an invoice shortly before it, as real invoices'
/// are not (a repeated amount's layout would be reused).
fn times(serial: usize, entry: usize) -> i64 {
    let mixed = serial
        .wrapping_mul(7919)
        .wrapping_add(entry.wrapping_mul(104_729));
    i64::try_from(mixed % 97 + 1).expect("a small factor")
}

/// Invoice number `serial`, of `lines` lines cycling through the catalog
/// from an entry and with quantities that depend on the serial.
pub(super) fn sale(serial: usize, lines: usize) -> Sale {
    let lines: Vec<LineFacts> = CATALOG
        .iter()
        .enumerate()
        .cycle()
        .skip(serial % CATALOG.len())
        .take(lines)
        .map(|(entry, &(spec, name))| line(entry, spec, name, times(serial, entry)))
        .collect();
    let header = Header {
        document_type: DocumentType::Invoice,
        number: format!("FA-2026-{serial:05}"),
        issue_date: day(12, 1),
        currency: "EUR".into(),
        due_date: Some(day(12, 31)),
        payment_terms: Some("Paiement à 30 jours".into()),
        preceding_invoice: None,
        delivery: Delivery {
            date: Some(day(11, 27)),
            country: None,
        },
        notes: vec![Note {
            subject: Some("PMD".into()),
            content: "Pénalités de retard : 12,15 % l'an ; indemnité forfaitaire \
                      pour frais de recouvrement : 40 €."
                .into(),
        }],
        discount_percent: number("5", Percent::parse),
        prepaid: Money::ZERO,
    };
    let invoice = Invoice::new(
        header,
        party_of(&seller()),
        party_of_recipient(&recipient()),
        Some(BankAccount {
            iban: "FR7630006000011234567890189".into(),
            bic: Some("AGRIFRPP".into()),
        }),
        lines,
    );
    Sale {
        facts: facts_of(&invoice),
        invoice,
    }
}

fn address() -> Address {
    Address {
        line1: "18 rue des Artisans".into(),
        line2: Some("Zone d'activité du Moulin".into()),
        postal_code: "44000".into(),
        city: "Nantes".into(),
        country: "FR".into(),
    }
}

fn seller() -> Seller {
    Seller {
        name: "Comptoir Rénovation".into(),
        legal_name: Some("Comptoir Rénovation SARL".into()),
        legal_form: Some("SARL".into()),
        share_capital: Some(number("20000", Money::parse)),
        address: Some(address()),
        siren: Some("303265045".into()),
        siret: Some("30326504500018".into()),
        rcs_city: Some("Nantes".into()),
        vat_number: Some("FR40303265045".into()),
        naf_code: Some("43.21A".into()),
        email: Some("factures@comptoir-renovation.example".into()),
        phone: Some("02 40 00 00 00".into()),
        website: Some("https://comptoir-renovation.example".into()),
        iban: Some("FR7630006000011234567890189".into()),
        bic: Some("AGRIFRPP".into()),
        late_penalty_rate: Some(number("12.15", Percent::parse)),
        early_payment_discount: None,
        footer: Some("Comptoir Rénovation SARL au capital de 20 000 €".into()),
    }
}

fn recipient() -> Recipient {
    Recipient {
        code: Some("CLI-00042".into()),
        name: "Résidence Les Tilleuls SCI".into(),
        is_company: true,
        address: Some(Address {
            line1: "5 allée des Tilleuls".into(),
            line2: None,
            postal_code: "49100".into(),
            city: "Angers".into(),
            country: "FR".into(),
        }),
        siren: Some("552100554".into()),
        vat_number: Some("FR96552100554".into()),
    }
}

fn einvoice_address(address: Option<&Address>) -> einvoice::Address {
    address.map_or_else(einvoice::Address::default, |address| einvoice::Address {
        line1: Some(address.line1.clone()),
        line2: address.line2.clone(),
        postal_code: Some(address.postal_code.clone()),
        city: Some(address.city.clone()),
        country: Some(address.country.clone()),
    })
}

fn party_of(seller: &Seller) -> Party {
    Party {
        id: None,
        name: seller
            .legal_name
            .clone()
            .unwrap_or_else(|| seller.name.clone()),
        siren: seller.siren.clone(),
        vat_id: seller.vat_number.clone(),
        address: einvoice_address(seller.address.as_ref()),
        email: seller.email.clone(),
    }
}

fn party_of_recipient(recipient: &Recipient) -> Party {
    Party {
        id: recipient.code.clone(),
        name: recipient.name.clone(),
        siren: recipient.siren.clone(),
        vat_id: recipient.vat_number.clone(),
        address: einvoice_address(recipient.address.as_ref()),
        email: None,
    }
}

/// What the PDF prints of `invoice`: its lines, breakdown and totals, as
/// the XML says them.
fn facts_of(invoice: &Invoice) -> Facts {
    let header = &invoice.header;
    let totals = &invoice.totals;
    Facts {
        kind: PrintedKind::Invoice,
        language: Language::Fr,
        number: header.number.clone(),
        currency: header.currency.clone(),
        issue_date: Some(header.issue_date),
        due_date: header.due_date,
        valid_until: None,
        delivery_date: header.delivery.date,
        expected_date: None,
        seller: seller(),
        recipient: recipient(),
        delivery_address: None,
        corrects: None,
        order_number: Some("CMD-2026-00318".into()),
        lines: invoice
            .lines
            .iter()
            .map(|line| Line {
                description: line.facts.name.clone(),
                quantity: line.facts.quantity,
                unit: unit_label(line.facts.unit, Language::Fr).to_owned(),
                unit_price: line.facts.unit_price,
                discount_percent: line.facts.discount_percent,
                vat_rate: line.facts.vat_rate,
                total_excl_tax: line.net_amount,
                image: None,
            })
            .collect(),
        show_prices: true,
        discount_percent: header.discount_percent,
        discount_amount: totals.allowance_total,
        total_excl_tax: totals.tax_basis_total,
        total_tax: totals.tax_total,
        total_incl_tax: totals.grand_total,
        tax_breakdown: invoice
            .vat_breakdown
            .iter()
            .map(|tax| TaxLine {
                category: tax.category.as_str().to_owned(),
                rate: tax.rate,
                base: tax.base,
                amount: tax.amount,
                wording: tax.exemption_reason.clone(),
            })
            .collect(),
        payment_terms_days: Some(30),
        operation: Some(Operation::Both),
        text: Some("Merci de votre confiance.".into()),
        notes: None,
        has_logo: None,
    }
}
