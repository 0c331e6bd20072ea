//! The documents scenario, in process and on one thread: what issuing an
//! invoice adds to the issuing transaction, that is its PDF laid out by
//! the shipped template, its Factur-X (CII) XML, and the XML embedded in
//! the PDF.
//!
//! A 20-line invoice (rates of 20, 10 and 5.5 %, line discounts, a
//! document discount, descriptions long enough to wrap) is rendered
//! `--renders` times after a warm-up, each render timed alone. Each
//! invoice has its own number, starts at another product and bills other
//! quantities (1 to 97 times the catalog's, mixed per line), so its
//! amounts, VAT breakdown and totals are its own; what
//! it shares with the invoices before it is what a business's invoices
//! share, its products' descriptions, whose layout Typst reuses as it
//! would in the server. Then a 500-line invoice once. The figures are set
//! against issue 15's targets.
//!
//! The renders are timed one after another on one thread, but Typst may
//! lay out in parallel on its own threads: the CPU time the process spent
//! is reported beside the wall time, and running the bench under
//! `taskset -c 0` holds the whole process to one core.

use crate::Cli;
use crate::report::mib;
use crate::server::rss_kib;
use crate::stats::{Stats, ms};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use comptoir_documents::DEFAULT_TEMPLATE;
use comptoir_documents::embed::embed_facturx;
use comptoir_documents::facturx::cii_xml;
use comptoir_documents::pdf::{Render, render};
use comptoir_documents::printed::{
    self, Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine,
};
use comptoir_documents::words::unit_label;
use comptoir_domain::catalog::{Unit, VatCategory};
use comptoir_domain::einvoice::{
    self, BankAccount, Delivery, DocumentType, Header, Invoice, LineFacts, Note, Party,
};
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, NumberError, Percent, Quantity, UnitPrice};
use std::time::{Duration, Instant};

/// Renders before the timed ones: fonts loaded, the template parsed.
const WARMUP_RENDERS: u32 = 30;
/// The serials of the warm-up invoices and of the long one, apart from
/// the timed ones'.
const WARMUP_SERIALS: usize = 90_000;
const LONG_SERIAL: usize = 99_999;
/// The lines of the invoice the targets are set for.
const LINES: usize = 20;
/// The long invoice rendered once.
const LONG_LINES: usize = 500;
/// Issue 15's targets for the 20-line invoice.
const TARGET_PER_SECOND: f64 = 50.0;
const TARGET_P99: Duration = Duration::from_millis(50);
const TARGET_BYTES: usize = 60_000;
/// The kernel's clock ticks per second in `/proc` (`USER_HZ`, 100 on
/// every Linux architecture's ABI).
const USER_HZ: f64 = 100.0;

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
struct Sale {
    facts: Facts,
    invoice: Invoice,
}

/// One invoice's figures.
struct Measured {
    name: String,
    stats: Stats,
    /// The renders' time, end to end.
    wall: Duration,
    /// The process's CPU time over the same renders, all its threads
    /// (and the invoices' building, a few microseconds each).
    cpu: Duration,
    bytes: usize,
    /// What the process's resident memory grew by over the renders: what
    /// a server rendering as many documents keeps.
    rss_growth_kib: u64,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.stats.count() as f64 / self.wall.as_secs_f64()
    }
}

pub fn run(cli: &Cli) -> Vec<String> {
    match measure(cli.renders) {
        Ok(measured) => {
            print_table(&measured);
            Vec::new()
        }
        Err(message) => vec![format!("documents: {message}")],
    }
}

fn measure(renders: u32) -> Result<Vec<Measured>, String> {
    let check = sale(0, LINES);
    einvoice::check(&check.invoice).map_err(|e| format!("the 20-line invoice fails: {e}"))?;
    for n in 0..WARMUP_RENDERS {
        issue_render(&sale(WARMUP_SERIALS + n as usize, LINES))?;
    }
    println!("{WARMUP_RENDERS} warm-up renders done; timing {renders}");
    let twenty = timed(
        format!("{LINES} lines"),
        (1..=renders as usize).map(|serial| sale(serial, LINES)),
    )?;
    let long = timed(
        format!("{LONG_LINES} lines"),
        std::iter::once(sale(LONG_SERIAL, LONG_LINES)),
    )?;
    Ok(vec![twenty, long])
}

/// Renders every sale, timing each render alone; the size is the last
/// PDF's.
fn timed(name: String, sales: impl Iterator<Item = Sale>) -> Result<Measured, String> {
    let mut latencies = Vec::new();
    let mut bytes = 0;
    let rss_before = own_rss_kib()?;
    let cpu_before = process_cpu()?;
    for sale in sales {
        let started = Instant::now();
        let pdf = issue_render(&sale)?;
        latencies.push(started.elapsed());
        bytes = pdf.len();
    }
    let cpu = process_cpu()?.saturating_sub(cpu_before);
    let measured = Measured {
        name,
        wall: latencies.iter().sum(),
        stats: Stats::new(latencies),
        cpu,
        bytes,
        rss_growth_kib: own_rss_kib()?.saturating_sub(rss_before),
    };
    println!(
        "{}: {} renders, {:.1}/s; ms p50 {} p99 {} max {}; CPU {:.2} s over {:.2} s; \
         PDF {} bytes; RSS +{} MiB",
        measured.name,
        measured.stats.count(),
        measured.per_second(),
        ms(measured.stats.percentile(50.0)),
        ms(measured.stats.percentile(99.0)),
        ms(measured.stats.max()),
        measured.cpu.as_secs_f64(),
        measured.wall.as_secs_f64(),
        measured.bytes,
        mib(measured.rss_growth_kib),
    );
    Ok(measured)
}

/// What issuing adds for the document: the PDF, the CII XML, the XML
/// embedded in the PDF.
fn issue_render(sale: &Sale) -> Result<Vec<u8>, String> {
    let created_at = issued_at();
    let data = serde_json::to_value(printed::printed(&sale.facts))
        .map_err(|e| format!("cannot serialize the printed invoice: {e}"))?;
    let pdf = render(&Render {
        template: DEFAULT_TEMPLATE,
        data: &data,
        images: &[],
        created_at,
        ident: &sale.facts.number,
    })
    .map_err(|e| format!("{}: {e}", sale.facts.number))?;
    let xml = cii_xml(&sale.invoice);
    embed_facturx(&pdf, xml.as_bytes(), created_at)
        .map_err(|e| format!("{}: cannot embed the XML: {e}", sale.facts.number))
}

fn own_rss_kib() -> Result<u64, String> {
    rss_kib(std::process::id()).ok_or_else(|| "cannot read the bench's own VmRSS".to_owned())
}

/// The process's user and system CPU time, all threads included.
fn process_cpu() -> Result<Duration, String> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("cannot read /proc/self/stat: {e}"))?;
    // The fields after the command name, which may hold spaces, start
    // with the state (field 3); utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|field| field.parse::<u64>().ok())
    };
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => Ok(Duration::from_secs_f64((user + system) as f64 / USER_HZ)),
        _ => Err(format!("unexpected /proc/self/stat: {stat}")),
    }
}

fn issued_at() -> DateTime<Utc> {
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
fn sale(serial: usize, lines: usize) -> Sale {
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

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn print_table(measured: &[Measured]) {
    println!();
    println!(
        "Documents (in process, one thread): invoice PDF + Factur-X XML embedded, shipped template, no logo:"
    );
    println!(
        "| invoice | renders | renders/s | p50 ms | p99 ms | max ms | CPU ms per render | PDF bytes | RSS growth MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in measured {
        println!(
            "| {} | {} | {:.1} | {} | {} | {} | {:.1} | {} | {} |",
            run.name,
            run.stats.count(),
            run.per_second(),
            ms(run.stats.percentile(50.0)),
            ms(run.stats.percentile(99.0)),
            ms(run.stats.max()),
            run.cpu.as_secs_f64() * 1000.0 / run.stats.count() as f64,
            run.bytes,
            mib(run.rss_growth_kib),
        );
    }
    if let Some(twenty) = measured.first() {
        println!(
            "targets for {LINES} lines: ≥ {TARGET_PER_SECOND}/s {}, p99 < {} ms {}, < {TARGET_BYTES} bytes {}",
            verdict(twenty.per_second() >= TARGET_PER_SECOND),
            TARGET_P99.as_millis(),
            verdict(twenty.stats.percentile(99.0) < TARGET_P99),
            verdict(twenty.bytes < TARGET_BYTES),
        );
    }
}
