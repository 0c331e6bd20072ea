//! What a printed document says, in its language: the `data.json` a
//! template lays out. Built here from plain facts (no I/O), so the words
//! and the legal mentions are decided in one place and every template
//! prints the same.

mod facts;
mod sample;

pub use facts::{Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine};
pub use sample::sample;

use crate::words::{Words, format_amount, format_date, format_percent, format_quantity};
use chrono::NaiveDate;
use comptoir_domain::einvoice::Note;
use comptoir_domain::numbers::Money;
use serde::Serialize;

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
