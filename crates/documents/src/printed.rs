//! What a printed document says, in its language: the `data.json` a
//! template lays out. Built here from plain facts (no I/O), so the words
//! and the legal mentions are decided in one place and every template
//! prints the same.

use crate::words::{Words, format_amount, format_date, format_percent, format_quantity};
use chrono::NaiveDate;
use comptoir_domain::einvoice::Note;
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

#[derive(Serialize)]
struct Block {
    label: &'static str,
    name: String,
    lines: Vec<String>,
    ids: Vec<String>,
}

#[derive(Serialize)]
struct SellerBlock {
    name: String,
    lines: Vec<String>,
    contact: Vec<String>,
}

#[derive(Serialize)]
struct PrintedLine {
    description: String,
    quantity: String,
    unit: String,
    unit_price: String,
    discount: String,
    vat: String,
    amount: String,
    image: Option<String>,
}

#[derive(Serialize)]
struct PrintedTax {
    label: String,
    base: String,
    amount: String,
}

#[derive(Serialize)]
struct Total {
    label: &'static str,
    value: String,
    strong: bool,
}

/// The `data.json` of a template.
#[derive(Serialize)]
pub struct Printed {
    lang: &'static str,
    kind: PrintedKind,
    title: &'static str,
    number: String,
    labels: Words,
    dates: Vec<(&'static str, String)>,
    seller: SellerBlock,
    logo: Option<&'static str>,
    recipient: Block,
    delivery: Option<Block>,
    reference: Option<String>,
    text: Option<String>,
    show_prices: bool,
    show_discount: bool,
    lines: Vec<PrintedLine>,
    tax_breakdown: Vec<PrintedTax>,
    totals: Vec<Total>,
    payment: Vec<String>,
    mentions: Vec<String>,
    signature: bool,
    footer: Vec<String>,
}

fn address_lines(address: &Address, words: &Words) -> Vec<String> {
    let mut lines = vec![address.line1.clone()];
    lines.extend(address.line2.clone());
    lines.push(format!("{} {}", address.postal_code, address.city));
    if address.country != "FR" {
        lines.push(words.country(&address.country));
    }
    lines
}

/// The payment terms an invoice or a credit note states (BT-20 in its
/// e-invoice): the invoice's delay, the credit note's settlement.
fn terms(facts: &Facts, words: &Words) -> Option<String> {
    match facts.kind {
        PrintedKind::Invoice => facts.payment_terms_days.map(|days| words.terms(days)),
        PrintedKind::CreditNote => facts
            .corrects
            .as_ref()
            .map(|(invoice, _)| words.credit_terms(invoice)),
        _ => None,
    }
}

/// The mentions Code de commerce L441-9 requires on an invoice, each
/// with its UNTDID 4451 subject: the late-payment penalty rate (`PMD`),
/// the fixed recovery indemnity owed by business clients (`PMT`), the
/// early-payment discount terms (`AAB`).
fn payment_mentions(facts: &Facts, words: &Words) -> impl Iterator<Item = (&'static str, String)> {
    let mut mentions = Vec::new();
    if facts.kind == PrintedKind::Invoice {
        let seller = &facts.seller;
        let rate = seller
            .late_penalty_rate
            .map(|rate| format_percent(rate.value(), facts.language));
        mentions.push(("PMD", words.late_penalty(rate.as_deref())));
        if facts.recipient.is_company {
            mentions.push(("PMT", words.recovery_indemnity.to_owned()));
        }
        mentions.push((
            "AAB",
            seller
                .early_payment_discount
                .clone()
                .filter(|text| !text.trim().is_empty())
                .unwrap_or_else(|| words.no_early_discount.to_owned()),
        ));
    }
    mentions.into_iter()
}

/// What an invoice's or credit note's e-invoice says in words, as its
/// PDF does: the payment terms and the legal mentions as notes.
pub fn einvoice_wording(facts: &Facts) -> (Option<String>, Vec<Note>) {
    let words = Words::of(facts.language);
    let mut notes: Vec<Note> = payment_mentions(facts, &words)
        .map(|(subject, content)| Note {
            subject: Some(subject.to_owned()),
            content,
        })
        .collect();
    if let Some(operation) = facts.operation {
        notes.push(Note {
            subject: None,
            content: words.operation(operation),
        });
    }
    (terms(facts, &words), notes)
}

/// What the document prints, in its language.
pub fn printed(facts: &Facts) -> Printed {
    let language = facts.language;
    let words = Words::of(language);
    let money = |amount: Money| format_amount(amount.value(), &facts.currency, language);
    let date = |day: NaiveDate| format_date(day, language);
    let kind = facts.kind;
    let invoicing = matches!(kind, PrintedKind::Invoice | PrintedKind::CreditNote);

    let mut dates = Vec::new();
    if let Some(day) = facts.issue_date {
        dates.push((words.date, date(day)));
    }
    if let Some(day) = facts.valid_until {
        dates.push((words.valid_until, date(day)));
    }
    if let Some(day) = facts.expected_date {
        dates.push((words.expected_date, date(day)));
    }
    if let Some(day) = facts.delivery_date {
        let label = if invoicing {
            words.sale_date
        } else {
            words.delivery_date
        };
        dates.push((label, date(day)));
    }
    if let Some(day) = facts.due_date {
        dates.push((words.due_date, date(day)));
    }
    if let Some(order) = &facts.order_number {
        dates.push((words.order, order.clone()));
    }
    if let Some(code) = &facts.recipient.code {
        let label = if kind == PrintedKind::PurchaseOrder {
            words.supplier_code
        } else {
            words.client_code
        };
        dates.push((label, code.clone()));
    }

    let seller = &facts.seller;
    let mut seller_lines = Vec::new();
    if let Some(legal) = seller.legal_name.as_ref().filter(|l| **l != seller.name) {
        seller_lines.push(legal.clone());
    }
    if let Some(address) = &seller.address {
        seller_lines.extend(address_lines(address, &words));
    }
    let contact = [&seller.phone, &seller.email, &seller.website]
        .into_iter()
        .flatten()
        .cloned()
        .collect();

    let recipient = &facts.recipient;
    let mut ids = Vec::new();
    if let Some(siren) = &recipient.siren {
        ids.push(format!("SIREN {siren}"));
    }
    if let Some(vat) = &recipient.vat_number {
        ids.push(format!("{} {vat}", words.vat_number));
    }
    let recipient_block = Block {
        label: if kind == PrintedKind::PurchaseOrder {
            words.supplier
        } else {
            words.client
        },
        name: recipient.name.clone(),
        lines: recipient
            .address
            .as_ref()
            .map(|a| address_lines(a, &words))
            .unwrap_or_default(),
        ids,
    };
    let delivery = facts.delivery_address.as_ref().map(|address| Block {
        label: words.delivery_address,
        name: if kind == PrintedKind::PurchaseOrder {
            seller.name.clone()
        } else {
            recipient.name.clone()
        },
        lines: address_lines(address, &words),
        ids: Vec::new(),
    });

    let reference = facts
        .corrects
        .as_ref()
        .map(|(number, issued)| match issued {
            Some(day) => format!(
                "{} {number} {} {}",
                words.corrects,
                words.of_date,
                date(*day)
            ),
            None => format!("{} {number}", words.corrects),
        });

    let lines: Vec<PrintedLine> = facts
        .lines
        .iter()
        .map(|line| PrintedLine {
            description: line.description.clone(),
            quantity: format_quantity(line.quantity.value(), language),
            unit: line.unit.clone(),
            unit_price: format_amount(line.unit_price.value(), &facts.currency, language),
            discount: if line.discount_percent.is_zero() {
                String::new()
            } else {
                format_percent(line.discount_percent.value(), language)
            },
            vat: format_percent(line.vat_rate.value(), language),
            amount: money(line.total_excl_tax),
            image: line.image.clone(),
        })
        .collect();
    let show_discount = facts.lines.iter().any(|l| !l.discount_percent.is_zero());

    let tax_breakdown = facts
        .tax_breakdown
        .iter()
        .map(|tax| PrintedTax {
            label: if tax.category == "S" {
                format!(
                    "{} {}",
                    words.vat,
                    format_percent(tax.rate.value(), language)
                )
            } else {
                format!(
                    "{} ({})",
                    format_percent(tax.rate.value(), language),
                    tax.category
                )
            },
            base: money(tax.base),
            amount: money(tax.amount),
        })
        .collect();

    let mut totals = Vec::new();
    if !facts.discount_amount.is_zero() {
        totals.push(Total {
            label: words.discount_total,
            value: format!(
                "− {} ({})",
                money(facts.discount_amount),
                format_percent(facts.discount_percent.value(), language)
            ),
            strong: false,
        });
    }
    totals.push(Total {
        label: words.total_excl_tax,
        value: money(facts.total_excl_tax),
        strong: false,
    });
    totals.push(Total {
        label: words.total_tax,
        value: money(facts.total_tax),
        strong: false,
    });
    totals.push(Total {
        label: if kind == PrintedKind::CreditNote {
            words.total_credited
        } else {
            words.total_incl_tax
        },
        value: money(facts.total_incl_tax),
        strong: true,
    });

    let mut payment: Vec<String> = terms(facts, &words).into_iter().collect();
    if kind == PrintedKind::Invoice
        && let Some(iban) = &seller.iban
    {
        let bic = seller
            .bic
            .as_ref()
            .map(|bic| format!(" — BIC {bic}"))
            .unwrap_or_default();
        payment.push(format!("{} : IBAN {iban}{bic}", words.transfer));
    }

    let mut mentions = Vec::new();
    let mut wordings: Vec<&str> = facts
        .tax_breakdown
        .iter()
        .filter_map(|tax| tax.wording.as_deref())
        .collect();
    wordings.dedup();
    mentions.extend(wordings.into_iter().map(str::to_owned));
    if invoicing && let Some(operation) = facts.operation {
        mentions.push(words.operation(operation));
    }
    mentions.extend(payment_mentions(facts, &words).map(|(_, text)| text));
    if let Some(notes) = facts.notes.as_ref().filter(|n| !n.trim().is_empty()) {
        mentions.push(notes.clone());
    }

    let mut footer = Vec::new();
    let mut legal = vec![seller.legal_name.clone().unwrap_or(seller.name.clone())];
    if let Some(form) = &seller.legal_form {
        legal.push(match seller.share_capital {
            Some(capital) => format!("{form} {} {}", words.with_capital, money(capital)),
            None => form.clone(),
        });
    }
    if let Some(siren) = &seller.siren {
        legal.push(match &seller.rcs_city {
            Some(city) => format!("RCS {city} {siren}"),
            None => format!("SIREN {siren}"),
        });
    }
    if let Some(siret) = &seller.siret {
        legal.push(format!("SIRET {siret}"));
    }
    if let Some(naf) = &seller.naf_code {
        legal.push(format!("NAF {naf}"));
    }
    if let Some(vat) = &seller.vat_number {
        legal.push(format!("{} {vat}", words.vat_number));
    }
    footer.push(legal.join(" — "));
    footer.extend(seller.footer.clone().filter(|f| !f.trim().is_empty()));

    Printed {
        lang: language.as_str(),
        kind,
        title: words.title(kind),
        number: facts.number.clone(),
        dates,
        seller: SellerBlock {
            name: seller.name.clone(),
            lines: seller_lines,
            contact,
        },
        logo: facts.has_logo,
        recipient: recipient_block,
        delivery,
        reference,
        text: facts.text.clone(),
        show_prices: facts.show_prices,
        show_discount,
        lines,
        tax_breakdown,
        totals,
        payment,
        mentions,
        signature: kind == PrintedKind::Quote,
        footer,
        labels: words,
    }
}

/// A made-up document of `kind` that uses every part of the layout: what
/// a template must be able to print before it replaces another.
pub fn sample(kind: PrintedKind, language: Language) -> Facts {
    let money = |cents: i64| Money::from_units(cents * 100);
    let percent = |whole: i64| Percent::from_units(whole * 10_000);
    let address = |line1: &str, postal_code: &str, city: &str| Address {
        line1: line1.into(),
        line2: None,
        postal_code: postal_code.into(),
        city: city.into(),
        country: "FR".into(),
    };
    let line = |description: &str, quantity: i64, price: i64, rate: i64, discount: i64| Line {
        description: description.into(),
        quantity: Quantity::from_units(quantity * 10_000),
        unit: "u".into(),
        unit_price: UnitPrice::from_units(price * 10_000),
        discount_percent: percent(discount),
        vat_rate: percent(rate),
        total_excl_tax: Money::round(
            rust_decimal::Decimal::from(quantity * price * (100 - discount))
                / rust_decimal::Decimal::ONE_HUNDRED,
        ),
        image: None,
    };
    Facts {
        kind,
        language,
        number: "EX-2026-00001".into(),
        currency: "EUR".into(),
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 15),
        due_date: NaiveDate::from_ymd_opt(2026, 2, 14),
        valid_until: NaiveDate::from_ymd_opt(2026, 2, 14),
        delivery_date: NaiveDate::from_ymd_opt(2026, 1, 12),
        expected_date: NaiveDate::from_ymd_opt(2026, 1, 30),
        seller: Seller {
            name: "Exemple SARL".into(),
            legal_form: Some("SARL".into()),
            share_capital: Some(money(1_000_000)),
            address: Some(address("1 rue de l'Exemple", "75001", "Paris")),
            siren: Some("732829320".into()),
            rcs_city: Some("Paris".into()),
            vat_number: Some("FR44732829320".into()),
            iban: Some("FR7630006000011234567890189".into()),
            bic: Some("AGRIFRPP".into()),
            ..Seller::default()
        },
        recipient: Recipient {
            code: Some("CLI-00001".into()),
            name: "Client Exemple SAS".into(),
            is_company: true,
            address: Some(address("2 avenue du Client", "69002", "Lyon")),
            siren: Some("552100554".into()),
            vat_number: Some("FR96552100554".into()),
        },
        delivery_address: Some(address("3 quai de Livraison", "13002", "Marseille")),
        corrects: (kind == PrintedKind::CreditNote)
            .then(|| ("EX-2026-00000".into(), NaiveDate::from_ymd_opt(2026, 1, 10))),
        order_number: Some("CMD-2026-00001".into()),
        lines: vec![
            line("Article à 20 %", 2, 50, 20, 0),
            line("Article remisé de 10 %", 1, 10, 20, 10),
        ],
        show_prices: true,
        discount_percent: Percent::ZERO,
        discount_amount: Money::ZERO,
        total_excl_tax: money(10_900),
        total_tax: money(2_180),
        total_incl_tax: money(13_080),
        tax_breakdown: vec![TaxLine {
            category: "S".into(),
            rate: percent(20),
            base: money(10_900),
            amount: money(2_180),
            wording: None,
        }],
        payment_terms_days: Some(30),
        operation: Some(Operation::Both),
        text: Some("Merci de votre confiance.".into()),
        notes: None,
        has_logo: None,
    }
}
