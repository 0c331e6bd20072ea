//! The money steps of the history: credit notes and payments, each
//! chained in the sales record like the workflows' own.

use super::{Writer, as_json, invalid};
use crate::InitError;
use chrono::NaiveDate;
use comptoir_db::Tx;
use comptoir_db::audit;
use comptoir_db::compliance;
use comptoir_db::sales::{self, DocumentInput, LineInput, SalesDocument};
use comptoir_domain::numbers::{Money, Quantity};
use comptoir_domain::sales::{DocumentKind, DocumentStatus, PaymentKind, PaymentMethod};
use serde_json::json;

/// What an invoice still owes.
fn balance(invoice: &SalesDocument) -> i64 {
    invoice.total_incl_tax.0.units()
        - invoice.amount_paid.0.units()
        - invoice.amount_credited.0.units()
}

impl Writer<'_> {
    /// A credit note for one unit of the invoice's first line, issued and
    /// taken off the invoice's balance.
    pub(super) async fn credit(
        &self,
        tx: &mut Tx,
        invoice: &SalesDocument,
        date: NaiveDate,
    ) -> Result<SalesDocument, InitError> {
        let organization_id = self.organization_id();
        let lines = sales::lines_in(tx, organization_id, invoice.id).await?;
        let line = lines.first().ok_or_else(|| invalid("an empty invoice"))?;
        let mut amounts = line.amounts();
        amounts.quantity = Quantity::from_units(10_000);
        let input = DocumentInput {
            client_id: invoice.client_id,
            warehouse_id: invoice.warehouse_id,
            currency: invoice.currency.clone(),
            issue_date: None,
            valid_until: None,
            notes: Some("Geste commercial : un article abîmé à la livraison".into()),
            discount_percent: invoice.discount_percent.0,
            lines: vec![LineInput {
                item: line.item(),
                description: line.description.clone(),
                amounts,
                vat_exemption_reason: line.vat_exemption_reason.clone(),
                location_id: None,
                source_line_id: Some(line.id),
            }],
        };
        let draft = self
            .draft(tx, DocumentKind::CreditNote, None, Some(invoice.id), &input)
            .await?;
        let credit_note = self.issue(tx, &draft, date, None).await?;
        let amount = credit_note.total_incl_tax.0;
        let status = match balance(invoice) - amount.units() <= 0 {
            true => DocumentStatus::Credited,
            false => invoice.status,
        };
        let credited = sales::apply_credit(tx, organization_id, invoice, amount, status)
            .await?
            .ok_or_else(|| invalid("credit: the invoice moved"))?;
        let (before, after) = (as_json(invoice), as_json(&credited));
        audit::record(
            tx,
            self.actor,
            "credit",
            "invoice",
            Some(invoice.id),
            before,
            after,
        )
        .await?;
        let data = json!({ "credit_note_id": credit_note.id, "credit_note_number": credit_note.number, "amount": amount });
        self.event(tx, "invoice_credited", &credited, data).await?;
        Ok(credited)
    }

    /// A payment of `share` percent of the balance due (whole cents), or
    /// of all of it, chained.
    pub(super) async fn pay(
        &self,
        tx: &mut Tx,
        invoice: &SalesDocument,
        share: Option<i64>,
        date: NaiveDate,
    ) -> Result<SalesDocument, InitError> {
        let balance = balance(invoice);
        let units = share.map_or(balance, |percent| balance * percent / 100 / 100 * 100);
        if units <= 0 {
            return Ok(invoice.clone());
        }
        let complete = units == balance;
        let status = match complete {
            true => DocumentStatus::Paid,
            false => DocumentStatus::PartiallyPaid,
        };
        let company = self
            .clients
            .iter()
            .any(|client| client.id == invoice.client_id && client.payment_terms_days > 0);
        let (method, reference) = match company {
            true => (
                PaymentMethod::Transfer,
                Some(format!(
                    "VIR {}",
                    invoice.number.as_deref().unwrap_or_default()
                )),
            ),
            false => (PaymentMethod::Card, None),
        };
        let payment = sales::PaymentInput {
            amount: Money::from_units(units),
            date,
            method,
            reference,
        };
        let organization_id = self.organization_id();
        let (paid, recorded) = sales::record_payment(
            tx,
            organization_id,
            invoice,
            status,
            PaymentKind::Payment,
            &payment,
            self.user_id(),
        )
        .await?
        .ok_or_else(|| invalid("payment: the invoice moved"))?;
        compliance::chain_payment(tx, organization_id, &recorded)
            .await
            .map_err(invalid)?;
        let (before, after) = (as_json(invoice), as_json(&paid));
        audit::record(
            tx,
            self.actor,
            "pay",
            "invoice",
            Some(invoice.id),
            before,
            after,
        )
        .await?;
        let data = json!({ "payment_id": recorded.id, "amount": payment.amount, "method": payment.method });
        self.event(tx, "payment_received", &paid, data).await?;
        if complete {
            self.event(tx, "invoice_paid", &paid, json!({})).await?;
        }
        Ok(paid)
    }
}
