//! The EN 16931 arithmetic a received invoice must satisfy (BR-CO-10 to
//! BR-CO-17, BR-CO-14, BR-CO-16): a file whose totals do not add up is
//! refused rather than booked with figures nobody can trust.

use super::{ReceiveError, ReceivedInvoice};
use comptoir_domain::numbers::Money;
use rust_decimal::Decimal;

/// What rounding differences a VAT amount may show against its base ×
/// rate: senders round per line or per rate, and the norm tolerates both.
const VAT_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

fn sum(amounts: impl Iterator<Item = Money>) -> Decimal {
    amounts.map(Money::value).sum()
}

fn equal(found: Decimal, stated: Money, what: &str) -> Result<(), ReceiveError> {
    if found == stated.value() {
        Ok(())
    } else {
        Err(ReceiveError::Totals(format!(
            "{what} come to {}, the invoice states {stated}",
            Money::round(found)
        )))
    }
}

pub fn totals(invoice: &ReceivedInvoice) -> Result<(), ReceiveError> {
    let totals = &invoice.totals;
    let currency = &invoice.currency;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ReceiveError::Invalid {
            field: "currency",
            value: currency.clone(),
            reason: "not an ISO 4217 code".into(),
        });
    }
    if invoice.lines.is_empty() {
        return Err(ReceiveError::Missing("lines"));
    }
    if invoice.tax_breakdown.is_empty() {
        return Err(ReceiveError::Missing("VAT breakdown"));
    }
    equal(
        sum(invoice.lines.iter().map(|l| l.net_amount)),
        totals.line_total,
        "the lines",
    )?;
    equal(
        totals.line_total.value() - totals.allowances.value() + totals.charges.value(),
        totals.total_excl_tax,
        "the lines less allowances plus charges",
    )?;
    equal(
        sum(invoice.tax_breakdown.iter().map(|t| t.base)),
        totals.total_excl_tax,
        "the VAT bases",
    )?;
    equal(
        sum(invoice.tax_breakdown.iter().map(|t| t.amount)),
        totals.total_tax,
        "the VAT amounts",
    )?;
    for tax in &invoice.tax_breakdown {
        let expected = Money::round(tax.base.value() * tax.vat_rate.value() / Decimal::ONE_HUNDRED);
        if (expected.value() - tax.amount.value()).abs() > VAT_TOLERANCE {
            return Err(ReceiveError::Totals(format!(
                "{}% of {} is {expected}, the invoice states {} of VAT",
                tax.vat_rate, tax.base, tax.amount
            )));
        }
    }
    equal(
        totals.total_excl_tax.value() + totals.total_tax.value(),
        totals.total_incl_tax,
        "the total excluding VAT plus VAT",
    )?;
    equal(
        totals.total_incl_tax.value() - totals.prepaid.value() + totals.rounding.value(),
        totals.amount_due,
        "the total less what was prepaid",
    )
}
