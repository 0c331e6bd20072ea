//! Sales: quotes, orders, deliveries, invoices, credit notes, payments and
//! returns. Quotes, orders, invoices and credit notes are one kind of
//! record (`db::sales`), so drafts, their validation and representation,
//! status moves and business events are written once here and each
//! workflow file adds its own steps. Every change runs in one
//! transaction with its audit entry and its business event.
//!
//! - `documents`: the draft body (`DocumentRequest`) and its validation.
//! - `views`: the representations (`DocumentDetail`, `DocumentRow`,
//!   `InvoiceMoney`) and an invoice's balance.
//! - `drafts`: creating, reading, replacing, previewing and deleting drafts.
//! - `lists`: the lists of documents, events, deliveries, returns and
//!   payments.
//! - `events`: business events, with or without an actor.
//! - `quotes`: send, accept, refuse, convert, version; `sweep_quotes`.
//! - `orders`: reading, confirming (credit check, reservations), cancelling.
//! - `deliveries`: delivery notes.
//! - `invoicing`: invoicing an order, issuing, credit notes.
//! - `payments`: payments and refunds.
//! - `returns`: goods taken back, restocked and credited.
//! - `accounts`: a client's account — open balance, documents, events.

mod accounts;
mod deliveries;
mod documents;
mod drafts;
mod events;
mod invoicing;
mod lists;
mod orders;
mod payments;
mod quotes;
mod returns;
mod views;

pub use accounts::{ClientAccount, client_account};
pub use deliveries::{
    DeliveryLineRequest, DeliveryLines, DeliveryNote, DeliveryRequest, Everything, deliver_order,
};
pub use documents::{DocumentRequest, LineRequest};
pub use drafts::{
    DraftPreview, create_draft, delete_draft, get_document, preview_draft, replace_draft,
};
pub use invoicing::{
    CreditLineRequest, CreditNoteRequest, credit_invoice, invoice_order, issue_credit_note,
    issue_invoice,
};
pub use lists::{
    DeliveryFilters, DocumentFilters, EventFilters, InvoiceFilters, Paging, PaymentFilters,
    ReturnFilters, delivery_filter, document_filter, list_deliveries, list_documents, list_events,
    list_invoices, list_payments, list_returns, payment_filter, return_filter,
};
pub use orders::{ConfirmRequest, OrderDetail, cancel_order, confirm_order, get_order};
pub(crate) use payments::payment_date;
pub use payments::{
    PaymentRequest, RecordedPayment, RefundRequest, invoice_payments, record_payment, record_refund,
};
pub use quotes::{
    accept_quote, convert_quote, refuse_quote, send_quote, sweep_quotes, version_quote,
};
pub use returns::{ReturnLineRequest, ReturnNote, ReturnRequest, return_goods};
pub use views::{DocumentDetail, DocumentRow, InvoiceMoney, balance_due};

use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::resource;
use comptoir_db::sales::{self as store, SalesDocument};
use comptoir_db::{Db, Tx};
use comptoir_domain::sales::{
    DocumentKind, DocumentStatus, InvoiceAction, InvoiceStatus, OrderAction, OrderStatus,
    QuoteAction, QuoteStatus, invoice_transition, order_transition, quote_transition,
};
use uuid::Uuid;

/// Where `action` takes a quote, or why it cannot.
fn next_quote(quote: &SalesDocument, action: QuoteAction) -> ServiceResult<QuoteStatus> {
    let status = QuoteStatus::try_from(quote.status).map_err(ServiceError::BadInput)?;
    quote_transition(status, action).map_err(ServiceError::InvalidTransition)
}

/// Where `action` takes an order, or why it cannot.
fn next_order(order: &SalesDocument, action: OrderAction) -> ServiceResult<OrderStatus> {
    let status = OrderStatus::try_from(order.status).map_err(ServiceError::BadInput)?;
    order_transition(status, action).map_err(ServiceError::InvalidTransition)
}

/// Where `action` takes an invoice or credit note, or why it cannot.
fn next_invoice(invoice: &SalesDocument, action: InvoiceAction) -> ServiceResult<InvoiceStatus> {
    let status = InvoiceStatus::try_from(invoice.status).map_err(ServiceError::BadInput)?;
    invoice_transition(status, action).map_err(ServiceError::InvalidTransition)
}

/// A document of `kind`, locked for the transaction; another kind's id is
/// unknown here.
async fn load(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    kind: DocumentKind,
) -> ServiceResult<SalesDocument> {
    let document: SalesDocument = resource::get_in(tx, organization_id, id).await?;
    if document.kind != kind {
        return Err(ServiceError::NotFound);
    }
    Ok(document)
}

/// Reads a document of `kind` outside any transaction.
async fn read(
    db: &Db,
    organization_id: Uuid,
    id: Uuid,
    kind: DocumentKind,
) -> ServiceResult<SalesDocument> {
    let document: SalesDocument = resource::get(db, organization_id, id).await?;
    if document.kind != kind {
        return Err(ServiceError::NotFound);
    }
    Ok(document)
}

/// Moves a locked document to `to` with one conditional update, audits it
/// and records `event_type`.
async fn move_to(
    tx: &mut Tx,
    actor: &Actor,
    current: &SalesDocument,
    to: DocumentStatus,
    event_type: &str,
) -> ServiceResult<SalesDocument> {
    store::transition(tx, &actor.audit(), current, to, event_type)
        .await?
        .ok_or_else(|| {
            ServiceError::InvalidTransition("the document changed meanwhile; retry".into())
        })
}
