//! The lists of sales records and the filters they take: documents of a
//! kind, business events, delivery notes, returns and payments. The
//! caller gives the page and sort it read; a bad filter value is
//! [`ServiceError::BadInput`](crate::ServiceError::BadInput).

use super::views::{DocumentRow, InvoiceMoney};
use crate::validate::query_filter;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{NaiveDate, TimeDelta};
use comptoir_db::resource::{self, Table};
use comptoir_db::sales as store;
use comptoir_db::sales::{BusinessEvent, Delivery, Payment, SalesDocument, SalesReturn};
use comptoir_db::{Count, Db, Filter, Listing, Page, Sort};
use comptoir_domain::sales::{
    DocumentKind, InvoiceStatus, OrderStatus, PaymentKind, PaymentMethod, QuoteStatus,
};
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentFilters {
    pub client_id: Option<Uuid>,
    /// One of the kind's statuses (a quote's, an order's or an invoice's).
    pub status: Option<String>,
}

/// What only invoice lists filter on.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceFilters {
    /// `true`: the invoices issued, not fully paid and past their due
    /// date; `false`: the others.
    pub overdue: Option<bool>,
}

/// Which page of a list, in which order, counted how (the API counts
/// every row; a screen may stop counting, see [`Count`]).
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub sort: Option<Sort>,
    pub page: Page,
    pub count: Count,
}

/// One page of documents of `kind`; `q` searches their number and notes
/// and their client's name and code.
pub async fn list_documents(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    filters: DocumentFilters,
    q: Option<&str>,
    paging: Paging,
) -> ServiceResult<Listing<DocumentRow>> {
    let filter = document_filter(actor, kind, filters, Default::default(), q)?;
    rows(db, filter, paging, actor.today()).await
}

/// One page of invoices, which also filter on being overdue.
pub async fn list_invoices(
    db: &Db,
    actor: &Actor,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
    q: Option<&str>,
    paging: Paging,
) -> ServiceResult<Listing<DocumentRow>> {
    let filter = document_filter(actor, DocumentKind::Invoice, filters, invoice_filters, q)?;
    rows(db, filter, paging, actor.today()).await
}

/// The rows of one page of the documents `filter` selects.
/// `today` is the organization's, which decides what is overdue.
pub(super) async fn rows(
    db: &Db,
    filter: Filter,
    Paging { sort, page, count }: Paging,
    today: NaiveDate,
) -> ServiceResult<Listing<DocumentRow>> {
    let listing = resource::list_counted::<SalesDocument>(db, filter, sort, page, count).await?;
    let items = listing
        .items
        .into_iter()
        .map(|document| {
            Ok(DocumentRow {
                money: InvoiceMoney::of(&document, today)?,
                document,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    Ok(Listing {
        items,
        total: listing.total,
    })
}

/// The statuses a document of `kind` can be in.
fn status_of(kind: DocumentKind, text: &str) -> Result<&'static str, String> {
    match kind {
        DocumentKind::Quote => QuoteStatus::parse(text).map(QuoteStatus::as_str),
        DocumentKind::Order => OrderStatus::parse(text).map(OrderStatus::as_str),
        DocumentKind::Invoice | DocumentKind::CreditNote => {
            InvoiceStatus::parse(text).map(InvoiceStatus::as_str)
        }
    }
}

/// The documents of `kind` a list (or its export) shows; `?q=` also finds
/// them by their client's name or code.
pub fn document_filter(
    actor: &Actor,
    kind: DocumentKind,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), |text| {
        status_of(kind, text)
    })?;
    let mut filter = Filter::organization(actor.organization_id)
        .eq("kind", Some(kind.as_str()))
        .eq("client_id", filters.client_id)
        .eq("status", status)
        .search(DOCUMENT_SEARCH, q);
    match (invoice_filters.overdue, kind) {
        (None, _) => {}
        (Some(overdue), DocumentKind::Invoice) => {
            let today = actor.today();
            filter = if overdue {
                store::filters::overdue(filter, today)
            } else {
                store::filters::not_overdue(filter, today)
            };
        }
        (Some(_), _) => {
            return Err(ServiceError::BadInput(
                "overdue: only invoices can be overdue".into(),
            ));
        }
    }
    Ok(filter)
}

/// What `?q=` searches in a document list: its number and notes, and its
/// client's name and code.
const DOCUMENT_SEARCH: &[&str] = &[
    "number",
    "notes",
    "(SELECT c.name FROM clients c WHERE c.id = sales_documents.client_id)",
    "(SELECT c.code FROM clients c WHERE c.id = sales_documents.client_id)",
];

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// `quote`, `order`, `invoice` or `credit_note`.
    #[param(value_type = Option<DocumentKind>)]
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub event_type: Option<String>,
}

/// The timeline of a document or a client: what happened, when, by whom.
pub async fn list_events(
    db: &Db,
    actor: &Actor,
    filters: EventFilters,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<BusinessEvent>> {
    let subject_type = query_filter(
        "subject_type",
        filters.subject_type.as_deref(),
        DocumentKind::parse,
    )?;
    let filter = Filter::organization(actor.organization_id)
        .eq("subject_type", subject_type.map(DocumentKind::as_str))
        .eq("subject_id", filters.subject_id)
        .eq("client_id", filters.client_id)
        .eq("event_type", filters.event_type);
    Ok(resource::list(db, filter, sort, page).await?)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilters {
    pub order_id: Option<Uuid>,
    /// The client of the delivered order.
    pub client_id: Option<Uuid>,
    /// Delivered on or after this date.
    pub from: Option<NaiveDate>,
    /// Delivered on or before this date.
    pub to: Option<NaiveDate>,
}

/// The delivery notes of every order.
pub async fn list_deliveries(
    db: &Db,
    actor: &Actor,
    filters: DeliveryFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Delivery>> {
    let filter = delivery_filter(actor.organization_id, filters, q);
    Ok(resource::list(db, filter, sort, page).await?)
}

/// The delivery notes a list (or its export) shows; `?q=` finds them by
/// number.
pub fn delivery_filter(organization_id: Uuid, filters: DeliveryFilters, q: Option<&str>) -> Filter {
    let mut filter = Filter::organization(organization_id)
        .eq("order_id", filters.order_id)
        .search(Delivery::SEARCHABLE, q);
    if let Some(client_id) = filters.client_id {
        filter = store::filters::deliveries_to(filter, client_id);
    }
    filter
        .since("delivery_date", filters.from)
        .until("delivery_date", filters.to)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnFilters {
    pub order_id: Option<Uuid>,
    /// The client of the order the goods came back from.
    pub client_id: Option<Uuid>,
    /// Recorded on or after this day (the organization's).
    pub from: Option<NaiveDate>,
    /// Recorded on or before this day (the organization's).
    pub to: Option<NaiveDate>,
}

/// The returns of every order, oldest first unless sorted.
pub async fn list_returns(
    db: &Db,
    actor: &Actor,
    filters: ReturnFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<SalesReturn>> {
    let filter = return_filter(actor, filters, q);
    Ok(resource::list(db, filter, sort, page).await?)
}

/// The returns a list (or its export) shows; `?q=` finds them by their
/// order's number and their client's name or code. The days are whole:
/// `to` runs to its last instant.
pub fn return_filter(actor: &Actor, filters: ReturnFilters, q: Option<&str>) -> Filter {
    let mut filter = Filter::organization(actor.organization_id)
        .eq("order_id", filters.order_id)
        .search(SalesReturn::SEARCHABLE, q);
    if let Some(client_id) = filters.client_id {
        filter = store::filters::returns_from(filter, client_id);
    }
    let start = |day: NaiveDate| actor.time_zone.day_start(day);
    let last_instant = filters
        .to
        .and_then(|day| day.succ_opt())
        .map(|next| start(next) - TimeDelta::microseconds(1));
    filter
        .since("created_at", filters.from.map(start))
        .until("created_at", last_instant)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentFilters {
    pub invoice_id: Option<Uuid>,
    /// The client of the paid invoice.
    pub client_id: Option<Uuid>,
    #[param(value_type = Option<PaymentKind>)]
    pub kind: Option<String>,
    #[param(value_type = Option<PaymentMethod>)]
    pub method: Option<String>,
    /// Paid on or after this date.
    pub from: Option<NaiveDate>,
    /// Paid on or before this date.
    pub to: Option<NaiveDate>,
}

/// The payments received and refunds made on every invoice.
pub async fn list_payments(
    db: &Db,
    actor: &Actor,
    filters: PaymentFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Payment>> {
    let filter = payment_filter(actor.organization_id, filters, q)?;
    Ok(resource::list(db, filter, sort, page).await?)
}

/// The payments and refunds a list (or its export) shows.
pub fn payment_filter(
    organization_id: Uuid,
    filters: PaymentFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let kind = query_filter("kind", filters.kind.as_deref(), PaymentKind::parse)?;
    let method = query_filter("method", filters.method.as_deref(), PaymentMethod::parse)?;
    let mut filter = Filter::organization(organization_id)
        .eq("invoice_id", filters.invoice_id)
        .eq("kind", kind.map(PaymentKind::as_str))
        .eq("method", method.map(PaymentMethod::as_str))
        .search(Payment::SEARCHABLE, q);
    if let Some(client_id) = filters.client_id {
        filter = store::filters::payments_from(filter, client_id);
    }
    Ok(filter
        .since("payment_date", filters.from)
        .until("payment_date", filters.to))
}
