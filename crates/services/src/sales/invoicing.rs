//! Invoices (factures) and credit notes (avoirs): invoicing what an order
//! delivered, issuing — the next number of the series from a counter in
//! the issuing transaction, the record chained and frozen — and crediting.

use super::drafts::create;
use super::events::event;
use super::views::{DocumentDetail, balance_due, detail};
use super::{load, move_to, next_invoice, next_order};
use crate::audit::log;
use crate::documents::print_issued;
use crate::validate::{MAX_TEXT, optional, parsed};
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{Datelike, Days, NaiveDate};
use comptoir_db::parties::Client;
use comptoir_db::resource;
use comptoir_db::sales::{self as store, DocumentInput, LineInput, SalesDocument, SalesLine};
use comptoir_db::{Db, Tx, compliance, numbering};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::sales::progress::creditable;
use comptoir_domain::sales::{DocumentKind, InvoiceAction, OrderAction};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

const KIND: DocumentKind = DocumentKind::Invoice;

/// Invoices what has been delivered and not invoiced yet: a draft invoice
/// (no number until it is issued) billing those quantities at the order's
/// prices; the order moves to `invoiced` once all of it is.
pub async fn invoice_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let order = load(&mut tx, actor.organization_id, id, DocumentKind::Order).await?;
    next_order(&order, OrderAction::Invoice { complete: false })?;
    let lines = store::lines_in(&mut tx, actor.organization_id, id).await?;
    let billable: Vec<&SalesLine> = lines
        .iter()
        .filter(|line| line.progress().billable() > Quantity::ZERO)
        .collect();
    if billable.is_empty() {
        return Err(ServiceError::InvalidTransition(
            "nothing delivered remains to be invoiced on this order".into(),
        ));
    }
    let mut inputs = Vec::new();
    for line in billable {
        let quantity = line.progress().billable();
        if !store::invoice_line(&mut tx, actor.organization_id, id, line.id, quantity).await? {
            return Err(ServiceError::InvalidTransition(
                "the order was invoiced meanwhile; retry".into(),
            ));
        }
        let mut amounts = line.amounts();
        amounts.quantity = quantity;
        inputs.push(LineInput {
            item: line.item(),
            description: line.description.clone(),
            amounts,
            vat_exemption_reason: line.vat_exemption_reason.clone(),
            location_id: None,
            source_line_id: Some(line.id),
        });
    }
    let input = DocumentInput {
        client_id: order.client_id,
        warehouse_id: order.warehouse_id,
        currency: order.currency.clone(),
        issue_date: None,
        valid_until: None,
        notes: order.notes.clone(),
        discount_percent: order.discount_percent.0,
        lines: inputs,
    };
    let invoice = create(
        &mut tx,
        actor,
        DocumentKind::Invoice,
        None,
        Some(id),
        &input,
    )
    .await?;
    let complete = store::lines_in(&mut tx, actor.organization_id, id)
        .await?
        .iter()
        .all(|line| line.invoiced_quantity.0 == line.quantity.0);
    let to = next_order(&order, OrderAction::Invoice { complete })?;
    if order.status != to {
        move_to(&mut tx, actor, &order, to.into(), "order_invoiced").await?;
    }
    tx.commit().await?;
    detail(db, actor, invoice).await
}

/// Issues a draft invoice: it gets the next `FAC-YYYY-NNNNN` of the year,
/// today's date and a due date after the client's payment terms, and can
/// no longer change.
pub async fn issue_invoice(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let invoice = load(&mut tx, actor.organization_id, id, KIND).await?;
    let client: Client =
        resource::get_in(&mut tx, actor.organization_id, invoice.client_id).await?;
    let terms = Days::new(u64::try_from(client.payment_terms_days).unwrap_or(0));
    let issued = issue(&mut tx, actor, &invoice, |today| Some(today + terms)).await?;
    tx.commit().await?;
    detail(db, actor, issued).await
}

/// Issues a locked draft invoice or credit note: the next number of its
/// series (`FAC` or `AV`, `DocumentKind::series`) from a counter in the caller's transaction, so
/// a rollback leaves no gap, and today's date; its PDF is rendered and
/// stored, and chained with it.
async fn issue(
    tx: &mut Tx,
    actor: &Actor,
    draft: &SalesDocument,
    due_date: impl FnOnce(NaiveDate) -> Option<NaiveDate>,
) -> ServiceResult<SalesDocument> {
    next_invoice(draft, InvoiceAction::Issue)?;
    let today = actor.today();
    let series = draft.kind.series();
    let number = numbering::next_number(tx, actor.organization_id, series, today.year()).await?;
    let issued = store::issue(
        tx,
        actor.organization_id,
        draft.id,
        &number,
        today,
        due_date(today),
    )
    .await?
    .ok_or_else(|| ServiceError::InvalidTransition("the document was issued meanwhile".into()))?;
    let issued = print_issued(tx, actor, &issued).await?;
    compliance::chain_document(tx, actor.organization_id, &issued).await?;
    log(
        tx,
        actor,
        "issue",
        draft.kind.as_str(),
        draft.id,
        Some(draft),
        Some(&issued),
    )
    .await?;
    let event_type = format!("{}_issued", draft.kind.as_str());
    event(tx, actor, &event_type, &issued, json!({})).await?;
    Ok(issued)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreditLineRequest {
    /// A line of the invoice.
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    /// Default: all of the line not credited yet.
    pub quantity: Option<String>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct CreditNoteRequest {
    /// Default: everything not credited yet.
    pub lines: Option<Vec<CreditLineRequest>>,
    /// Why, printed on the credit note.
    pub notes: Option<String>,
}

/// Credits an issued invoice, in whole or for some lines: the credit note
/// is issued at once as the next `AV-YYYY-NNNNN` (its own gapless series),
/// frozen like an invoice, and taken off the invoice's balance. Crediting
/// more than was invoiced is the quantity's error.
pub async fn credit_invoice(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: CreditNoteRequest,
) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let invoice = load(&mut tx, actor.organization_id, id, KIND).await?;
    next_invoice(&invoice, InvoiceAction::Credit { settled: false })?;
    let lines = store::lines_in(&mut tx, actor.organization_id, id).await?;
    let credited = store::credited_quantities(&mut tx, actor.organization_id, id).await?;
    let creditable = |line: &SalesLine| {
        let already = credited
            .iter()
            .find(|(line_id, _)| *line_id == line.id)
            .map_or(Quantity::ZERO, |(_, quantity)| *quantity);
        creditable(line.quantity.0, already, Quantity::ZERO)
    };
    let mut errors = FieldErrors::new();
    let notes = optional(&mut errors, "notes", request.notes, MAX_TEXT);
    let wanted: Vec<(&SalesLine, Quantity)> = match request.lines {
        None => lines
            .iter()
            .map(|line| (line, creditable(line)))
            .filter(|(_, quantity)| *quantity > Quantity::ZERO)
            .collect(),
        Some(requested) => {
            let mut wanted = Vec::new();
            for (index, line) in requested.into_iter().enumerate() {
                let prefix = format!("lines[{index}].");
                let Some(invoice_line) = line
                    .line_id
                    .and_then(|line_id| lines.iter().find(|l| l.id == line_id))
                else {
                    errors.add(format!("{prefix}line_id"), "is not a line of this invoice");
                    continue;
                };
                let left = creditable(invoice_line);
                let quantity = parsed(
                    &mut errors,
                    &format!("{prefix}quantity"),
                    line.quantity,
                    Quantity::parse,
                )
                .unwrap_or(left);
                if quantity <= Quantity::ZERO {
                    errors.add(format!("{prefix}quantity"), "must be positive");
                } else if quantity > left {
                    errors.add(
                        format!("{prefix}quantity"),
                        format!("more than invoiced: {left} can still be credited on this line"),
                    );
                } else {
                    wanted.push((invoice_line, quantity));
                }
            }
            wanted
        }
    };
    if wanted.is_empty() && errors.is_empty() {
        errors.add("lines", "nothing is left to credit on this invoice");
    }
    errors.finish(|| ())?;
    let input = DocumentInput {
        client_id: invoice.client_id,
        warehouse_id: invoice.warehouse_id,
        currency: invoice.currency.clone(),
        issue_date: None,
        valid_until: None,
        notes,
        discount_percent: invoice.discount_percent.0,
        lines: wanted
            .into_iter()
            .map(|(line, quantity)| {
                let mut amounts = line.amounts();
                amounts.quantity = quantity;
                LineInput {
                    item: line.item(),
                    description: line.description.clone(),
                    amounts,
                    vat_exemption_reason: line.vat_exemption_reason.clone(),
                    location_id: None,
                    source_line_id: Some(line.id),
                }
            })
            .collect(),
    };
    let draft = create(
        &mut tx,
        actor,
        DocumentKind::CreditNote,
        None,
        Some(id),
        &input,
    )
    .await?;
    let credit_note = settle_credit_note(&mut tx, actor, &invoice, &draft).await?;
    tx.commit().await?;
    detail(db, actor, credit_note).await
}

/// Issues a locked draft credit note of a locked invoice and takes its
/// amount off the invoice's balance.
async fn settle_credit_note(
    tx: &mut Tx,
    actor: &Actor,
    invoice: &SalesDocument,
    draft: &SalesDocument,
) -> ServiceResult<SalesDocument> {
    let credit_note = issue(tx, actor, draft, |_| None).await?;
    let amount = credit_note.total_incl_tax.0;
    let settled = balance_due(invoice).units() - amount.units() <= 0;
    let to = next_invoice(invoice, InvoiceAction::Credit { settled })?;
    let credited = store::apply_credit(tx, actor.organization_id, invoice, amount, to.into())
        .await?
        .ok_or_else(|| ServiceError::conflict("the invoice changed meanwhile; retry"))?;
    log(
        tx,
        actor,
        "credit",
        "invoice",
        invoice.id,
        Some(invoice),
        Some(&credited),
    )
    .await?;
    event(
        tx,
        actor,
        "invoice_credited",
        &credited,
        json!({ "credit_note_id": credit_note.id, "credit_note_number": credit_note.number, "amount": amount }),
    )
    .await?;
    Ok(credit_note)
}

/// Issues a draft credit note (one a return prepared): it gets the next
/// `AV-YYYY-NNNNN` and its amount comes off the invoice's balance.
pub async fn issue_credit_note(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let draft = load(&mut tx, actor.organization_id, id, DocumentKind::CreditNote).await?;
    let invoice_id = draft
        .source_id
        .ok_or_else(|| ServiceError::conflict("this credit note credits no invoice"))?;
    let invoice = load(
        &mut tx,
        actor.organization_id,
        invoice_id,
        DocumentKind::Invoice,
    )
    .await?;
    let credit_note = settle_credit_note(&mut tx, actor, &invoice, &draft).await?;
    tx.commit().await?;
    detail(db, actor, credit_note).await
}
