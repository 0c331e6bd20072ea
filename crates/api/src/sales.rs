//! What quotes, orders and invoices share: the request body of a draft and
//! its validation (prices from the catalog), the detailed representation,
//! status moves, and business events with `GET /events`.

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, PageOf, Query, query_filter};
use crate::price_lists::price_for;
use crate::validate::{MAX_NAME, MAX_TEXT, optional, parsed, required_parsed};
use axum::extract::State;
use chrono::{Datelike, Days, NaiveDate, Utc};
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Client;
use comptoir_db::resource::{self, Fixed};
use comptoir_db::sales::{
    self as store, BusinessEvent, DocumentInput, LineInput, NewEvent, SalesDocument, SalesLine,
};
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, DbError, Filter, Tx, numbering};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{VatCategory, check_vat};
use comptoir_domain::currency::{DEFAULT_CURRENCY, parse_currency};
use comptoir_domain::documents::{LineAmounts, TaxLine, discounted_totals};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::sales::{
    DocumentKind, InvoiceBalance, InvoiceStatus, OrderAction, OrderStatus, QuoteStatus,
    invoice_balance, is_overdue, may_delete, order_transition,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(list_events))
}

/// How long a quote stays valid when no date is given.
const QUOTE_VALIDITY_DAYS: u64 = 30;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LineRequest {
    /// None for a free-text line (a service described by hand).
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Defaults to the product's name; required on a free-text line.
    pub description: Option<String>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Defaults to the price the client pays (price list, discount).
    pub unit_price: Option<String>,
    pub discount_percent: Option<String>,
    /// Default: the product's; required on a free-text line.
    pub vat_rate: Option<String>,
    /// Default: the product's, else `S`.
    pub vat_category: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DocumentRequest {
    #[schema(required = true, nullable = false)]
    pub client_id: Option<Uuid>,
    /// Orders: the warehouse goods are reserved in; default the first one.
    pub warehouse_id: Option<Uuid>,
    /// ISO 4217; default `EUR`.
    pub currency: Option<String>,
    /// Quotes and orders; default today. An invoice's is set when issued.
    pub issue_date: Option<NaiveDate>,
    /// Quotes; default 30 days after the issue date.
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    /// A discount on the whole document, taken off each VAT base.
    pub discount_percent: Option<String>,
    #[schema(required = true, nullable = false, min_items = 1)]
    pub lines: Option<Vec<LineRequest>>,
}

/// Validates a draft's body: every bad field at once, prices and VAT from
/// the catalog where not given. Reads only, so call it before `begin`.
pub(crate) async fn validate_document(
    db: &Db,
    organization_id: Uuid,
    kind: DocumentKind,
    request: DocumentRequest,
) -> ApiResult<DocumentInput> {
    let mut errors = FieldErrors::new();
    let client = match request.client_id {
        None => {
            errors.add("client_id", "is required");
            None
        }
        Some(id) => found(
            &mut errors,
            "client_id",
            resource::get::<Client>(db, organization_id, id).await,
        )?,
    };
    let warehouse_id = match request.warehouse_id {
        Some(id) => {
            found(
                &mut errors,
                "warehouse_id",
                resource::get::<Warehouse>(db, organization_id, id).await,
            )?;
            Some(id)
        }
        // An order without a warehouse reserves and delivers from the
        // organization's default one, and says so.
        None if kind == DocumentKind::Order => {
            comptoir_db::stock::default_warehouse(db, organization_id).await?
        }
        None => None,
    };
    let currency = parsed(&mut errors, "currency", request.currency, parse_currency)
        .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
    let notes = optional(&mut errors, "notes", request.notes, MAX_TEXT);
    let discount_percent = parsed(
        &mut errors,
        "discount_percent",
        request.discount_percent,
        Percent::parse_percentage,
    )
    .unwrap_or_default();
    let today = Utc::now().date_naive();
    let issue_date = match kind {
        DocumentKind::Invoice => None,
        _ => Some(request.issue_date.unwrap_or(today)),
    };
    let valid_until = match kind {
        DocumentKind::Quote => {
            let start = issue_date.unwrap_or(today);
            let until = request
                .valid_until
                .unwrap_or_else(|| start + Days::new(QUOTE_VALIDITY_DAYS));
            if until < start {
                errors.add("valid_until", "must not be before the issue date");
            }
            Some(until)
        }
        _ => None,
    };
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut inputs = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        if let Some(input) = validate_line(
            db,
            organization_id,
            client.as_ref(),
            issue_date.unwrap_or(today),
            &mut errors,
            &prefix,
            line,
        )
        .await?
        {
            inputs.push(input);
        }
    }
    let amounts: Vec<LineAmounts> = inputs.iter().map(|line| line.amounts).collect();
    if Money::from_decimal(
        discounted_totals(&amounts, discount_percent)
            .total_incl_tax
            .value(),
    )
    .is_err()
    {
        errors.add("lines", "the document's total is out of range");
    }
    errors.finish(|| ())?;
    Ok(DocumentInput {
        client_id: request.client_id.expect("checked"),
        warehouse_id,
        currency,
        issue_date,
        valid_until,
        notes,
        discount_percent,
        lines: inputs,
    })
}

/// The record behind a reference, or `None` with the field's error.
fn found<T>(
    errors: &mut FieldErrors,
    field: &str,
    outcome: Result<T, DbError>,
) -> ApiResult<Option<T>> {
    match outcome {
        Ok(record) => Ok(Some(record)),
        Err(DbError::NotFound) => {
            errors.add(field, "no such record");
            Ok(None)
        }
        Err(other) => Err(other.into()),
    }
}

async fn validate_line(
    db: &Db,
    organization_id: Uuid,
    client: Option<&Client>,
    date: NaiveDate,
    errors: &mut FieldErrors,
    prefix: &str,
    line: LineRequest,
) -> ApiResult<Option<LineInput>> {
    let field = |name: &str| format!("{prefix}{name}");
    let quantity = required_parsed(errors, &field("quantity"), line.quantity, Quantity::parse);
    if quantity.is_some_and(|q| q <= Quantity::ZERO) {
        errors.add(field("quantity"), "must be positive");
    }
    let unit_price = parsed(
        errors,
        &field("unit_price"),
        line.unit_price,
        UnitPrice::parse_non_negative,
    );
    let discount_percent = parsed(
        errors,
        &field("discount_percent"),
        line.discount_percent,
        Percent::parse_percentage,
    )
    .unwrap_or_default();
    let vat_rate = parsed(
        errors,
        &field("vat_rate"),
        line.vat_rate,
        Percent::parse_percentage,
    );
    let vat_category = parsed(
        errors,
        &field("vat_category"),
        line.vat_category,
        VatCategory::parse,
    );
    let description = optional(errors, &field("description"), line.description, MAX_NAME);
    let product = match line.product_id {
        Some(id) => found(
            errors,
            &field("product_id"),
            resource::get::<Product>(db, organization_id, id).await,
        )?,
        None => None,
    };
    let variant = match (line.variant_id, &product) {
        (Some(id), Some(product)) => {
            match found(
                errors,
                &field("variant_id"),
                resource::get::<Variant>(db, organization_id, id).await,
            )? {
                Some(variant) if variant.product_id == product.id => Some(variant),
                Some(_) => {
                    errors.add(field("variant_id"), "is not a variant of this product");
                    None
                }
                None => None,
            }
        }
        (Some(_), None) if line.product_id.is_none() => {
            errors.add(field("variant_id"), "needs a product_id");
            None
        }
        _ => None,
    };
    let Some(quantity) = quantity.filter(|q| *q > Quantity::ZERO) else {
        return Ok(None);
    };
    let (description, unit_price, vat_rate, vat_category) = match &product {
        Some(product) => {
            let resolved = match unit_price {
                Some(price) => price,
                None => {
                    price_for(
                        db,
                        organization_id,
                        product,
                        variant.as_ref(),
                        client,
                        quantity,
                        date,
                    )
                    .await?
                    .1
                    .unit_price
                }
            };
            let name = match &variant {
                Some(variant) => format!("{} — {}", product.name, variant.name),
                None => product.name.clone(),
            };
            (
                description.unwrap_or(name),
                resolved,
                vat_rate.unwrap_or(product.vat_rate.0),
                vat_category.unwrap_or(product.vat_category),
            )
        }
        None if line.product_id.is_some() => return Ok(None),
        None => {
            let Some(description) = description else {
                errors.add(
                    field("description"),
                    "is required on a line without product",
                );
                return Ok(None);
            };
            let Some(unit_price) = unit_price else {
                errors.add(field("unit_price"), "is required on a line without product");
                return Ok(None);
            };
            let Some(vat_rate) = vat_rate else {
                errors.add(field("vat_rate"), "is required on a line without product");
                return Ok(None);
            };
            let category = vat_category.unwrap_or(if vat_rate.is_zero() {
                VatCategory::ZeroRated
            } else {
                VatCategory::Standard
            });
            if let Err((vat_field, message)) = check_vat(category, vat_rate, None) {
                errors.add(field(vat_field), message);
                return Ok(None);
            }
            (description, unit_price, vat_rate, category)
        }
    };
    let amounts = LineAmounts {
        quantity,
        unit_price,
        discount_percent,
        vat_category,
        vat_rate,
    };
    if Money::from_decimal(amounts.total_excl_tax().value()).is_err() {
        errors.add(field("quantity"), "the line's total is out of range");
        return Ok(None);
    }
    Ok(Some(LineInput {
        item: product.map(|product| Item {
            product_id: product.id,
            variant_id: variant.map(|v| v.id),
        }),
        description,
        amounts,
        location_id: None,
        source_line_id: None,
    }))
}

/// A quote, order or invoice with its lines and VAT breakdown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentDetail {
    #[serde(flatten)]
    pub document: SalesDocument,
    /// On an invoice, each line's `credited_quantity` is what its credit
    /// notes took back.
    pub lines: Vec<SalesLine>,
    pub tax_breakdown: Vec<TaxLine>,
    #[serde(flatten)]
    pub money: InvoiceMoney,
}

/// Where an invoice's money stands, on its detail and in its list rows;
/// other documents have none of it.
#[derive(Serialize, Default, utoipa::ToSchema)]
pub struct InvoiceMoney {
    /// Invoices: what remains to be paid; never below zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "120.00")]
    pub balance_due: Option<Money>,
    /// Invoices: what is owed back to the client, payments and credit
    /// notes that together went past the total, less refunds made
    /// (`POST /invoices/{id}/refunds`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "0.00")]
    pub refund_due: Option<Money>,
    /// Invoices: issued, not fully paid and past the due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

impl InvoiceMoney {
    /// Empty for a document that is not an invoice.
    pub(crate) fn of(document: &SalesDocument) -> ApiResult<Self> {
        if document.kind != DocumentKind::Invoice {
            return Ok(Self::default());
        }
        let status = InvoiceStatus::parse(&document.status).map_err(ApiError::BadRequest)?;
        let balance = balance_of(document);
        Ok(InvoiceMoney {
            balance_due: Some(balance.due),
            refund_due: Some(balance.refund_due),
            overdue: Some(is_overdue(
                status,
                document.due_date,
                Utc::now().date_naive(),
            )),
        })
    }
}

/// A row of a document list: invoices also say what is due and whether
/// it is overdue.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DocumentRow {
    #[serde(flatten)]
    pub document: SalesDocument,
    #[serde(flatten)]
    pub money: InvoiceMoney,
}

pub(crate) async fn detail(db: &Db, document: SalesDocument) -> ApiResult<DocumentDetail> {
    let mut lines = store::lines(db, document.id).await?;
    if document.kind == DocumentKind::Invoice {
        let credited = store::credited_quantities_of(db, document.id).await?;
        for line in &mut lines {
            if let Some((_, quantity)) = credited.iter().find(|(id, _)| *id == line.id) {
                line.credited_quantity = Fixed(*quantity);
            }
        }
    }
    detail_of(document, lines)
}

/// The representation of a document whose lines are at hand.
pub(crate) fn detail_of(
    document: SalesDocument,
    lines: Vec<SalesLine>,
) -> ApiResult<DocumentDetail> {
    let amounts: Vec<LineAmounts> = lines.iter().map(SalesLine::amounts).collect();
    Ok(DocumentDetail {
        tax_breakdown: discounted_totals(&amounts, document.discount_percent.0).tax_breakdown,
        money: InvoiceMoney::of(&document)?,
        document,
        lines,
    })
}

/// What the client still owes on an invoice, and what is owed back.
pub(crate) fn balance_of(invoice: &SalesDocument) -> InvoiceBalance {
    invoice_balance(
        invoice.total_incl_tax.0,
        invoice.amount_paid.0,
        invoice.amount_credited.0,
    )
}

/// What remains to be paid on an invoice; never below zero.
pub(crate) fn balance_due(invoice: &SalesDocument) -> Money {
    balance_of(invoice).due
}

/// A document of `kind`, locked for the transaction; another kind's id is
/// unknown here.
pub(crate) async fn load(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    kind: DocumentKind,
) -> ApiResult<SalesDocument> {
    let document: SalesDocument = resource::get_in(tx, organization_id, id).await?;
    if document.kind != kind {
        return Err(ApiError::NotFound);
    }
    Ok(document)
}

/// Deletes a draft quote, order or invoice, with its audit entry and
/// event. A draft invoice that bills an order gives back to the order
/// what it billed; a draft order converted from a quote is cancelled
/// instead (409), so the quote keeps the order it became.
pub(crate) async fn delete_draft(
    db: &Db,
    user: &CurrentUser,
    id: Uuid,
    kind: DocumentKind,
) -> ApiResult<()> {
    let mut tx = db.begin().await?;
    let draft = load(&mut tx, user.organization_id, id, kind).await?;
    may_delete(kind, &draft.status).map_err(ApiError::InvalidTransition)?;
    match (kind, draft.source_id) {
        (DocumentKind::Order, Some(_)) => {
            return Err(ApiError::InvalidTransition(
                "this order was converted from a quote: cancel it instead".into(),
            ));
        }
        (DocumentKind::Invoice, Some(order_id)) => {
            give_back_to_order(&mut tx, user, order_id, id).await?;
        }
        _ => {}
    }
    if !store::delete_draft(&mut tx, user.organization_id, id).await? {
        return Err(ApiError::InvalidTransition(
            "the document changed meanwhile; retry".into(),
        ));
    }
    log(
        &mut tx,
        user,
        "delete",
        kind.as_str(),
        id,
        Some(&draft),
        None::<&SalesDocument>,
    )
    .await?;
    event(
        &mut tx,
        user,
        &format!("{}_deleted", kind.as_str()),
        &draft,
        Value::Object(Default::default()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes billable again on `order_id` what the draft invoice `draft_id`
/// billed, and moves the order back from `invoiced` if it was.
async fn give_back_to_order(
    tx: &mut Tx,
    user: &CurrentUser,
    order_id: Uuid,
    draft_id: Uuid,
) -> ApiResult<()> {
    let order = load(tx, user.organization_id, order_id, DocumentKind::Order).await?;
    let status = OrderStatus::parse(&order.status).map_err(ApiError::BadRequest)?;
    let to =
        order_transition(status, OrderAction::DropInvoice).map_err(ApiError::InvalidTransition)?;
    for line in store::lines_in(tx, draft_id).await? {
        let Some(order_line) = line.source_line_id else {
            continue;
        };
        if !store::uninvoice_line(tx, order_id, order_line, line.quantity.0).await? {
            return Err(ApiError::InvalidTransition(
                "the order changed meanwhile; retry".into(),
            ));
        }
    }
    if to != status {
        move_to(tx, user, &order, to.as_str(), "order_invoice_dropped").await?;
    }
    Ok(())
}

/// Reads a document of `kind` outside any transaction.
pub(crate) async fn read(
    db: &Db,
    organization_id: Uuid,
    id: Uuid,
    kind: DocumentKind,
) -> ApiResult<SalesDocument> {
    let document: SalesDocument = resource::get(db, organization_id, id).await?;
    if document.kind != kind {
        return Err(ApiError::NotFound);
    }
    Ok(document)
}

/// Moves a locked document to `to` with one conditional update, audits it
/// and records `event_type`.
pub(crate) async fn move_to(
    tx: &mut Tx,
    user: &CurrentUser,
    current: &SalesDocument,
    to: &str,
    event_type: &str,
) -> ApiResult<SalesDocument> {
    store::transition(tx, &user.actor(), current, to, event_type)
        .await?
        .ok_or_else(|| ApiError::InvalidTransition("the document changed meanwhile; retry".into()))
}

/// Records a business event about `document`, in the caller's transaction.
pub(crate) async fn event(
    tx: &mut Tx,
    user: &CurrentUser,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ApiResult<()> {
    write_event(
        tx,
        user.organization_id,
        Some(user.user_id),
        event_type,
        document,
        data,
    )
    .await
}

/// Records a business event of a background job: no actor.
pub(crate) async fn job_event(
    tx: &mut Tx,
    organization_id: Uuid,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ApiResult<()> {
    write_event(tx, organization_id, None, event_type, document, data).await
}

async fn write_event(
    tx: &mut Tx,
    organization_id: Uuid,
    actor_id: Option<Uuid>,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ApiResult<()> {
    store::record_event(
        tx,
        organization_id,
        NewEvent {
            event_type,
            subject_type: document.kind.as_str(),
            subject_id: document.id,
            client_id: Some(document.client_id),
            actor_id,
            data: store::event_data(document, data),
        },
    )
    .await?;
    Ok(())
}

/// Creates a draft of `kind` numbered with `number`, audited, with its
/// `<kind>_created` event.
pub(crate) async fn create(
    tx: &mut Tx,
    user: &CurrentUser,
    kind: DocumentKind,
    number: Option<String>,
    source_id: Option<Uuid>,
    input: &DocumentInput,
) -> ApiResult<SalesDocument> {
    let document = store::insert_document(
        tx,
        user.organization_id,
        store::NewDocument {
            kind,
            number,
            status: "draft",
            source_id,
            created_by: user.user_id,
        },
        input,
    )
    .await?;
    log(
        tx,
        user,
        "create",
        kind.as_str(),
        document.id,
        None,
        Some(&document),
    )
    .await?;
    let created = format!("{}_created", kind.as_str());
    event(tx, user, &created, &document, Value::Null).await?;
    Ok(document)
}

/// `POST /quotes`, `/orders`, `/invoices`: validates the body, numbers the
/// draft if its kind is numbered as a draft, and creates it.
pub(crate) async fn create_draft(
    db: &Db,
    user: &CurrentUser,
    kind: DocumentKind,
    request: DocumentRequest,
) -> ApiResult<DocumentDetail> {
    let input = validate_document(db, user.organization_id, kind, request).await?;
    let mut tx = db.begin().await?;
    let number = match kind.numbered_as_draft() {
        true => {
            let year = input
                .issue_date
                .unwrap_or_else(|| Utc::now().date_naive())
                .year();
            Some(numbering::next_number(&mut tx, user.organization_id, kind.series(), year).await?)
        }
        false => None,
    };
    let document = create(&mut tx, user, kind, number, None, &input).await?;
    tx.commit().await?;
    detail(db, document).await
}

/// The input that copies a document's lines as they are.
pub(crate) fn copy_of(document: &SalesDocument, lines: &[SalesLine]) -> DocumentInput {
    DocumentInput {
        client_id: document.client_id,
        warehouse_id: document.warehouse_id,
        currency: document.currency.clone(),
        issue_date: document.issue_date,
        valid_until: document.valid_until,
        notes: document.notes.clone(),
        discount_percent: document.discount_percent.0,
        lines: lines
            .iter()
            .map(|line| LineInput {
                item: line.item(),
                description: line.description.clone(),
                amounts: line.amounts(),
                location_id: None,
                source_line_id: None,
            })
            .collect(),
    }
}

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

/// One page of documents of `kind`.
pub(crate) async fn list(
    db: &Db,
    organization_id: Uuid,
    kind: DocumentKind,
    params: &ListParams,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
) -> ApiResult<PageOf<DocumentRow>> {
    let page = params.page()?;
    let filter = document_filter(
        organization_id,
        kind,
        filters,
        invoice_filters,
        params.q.as_deref(),
    )?;
    let listing =
        resource::list::<SalesDocument>(db, filter, params.sort::<SalesDocument>()?, page).await?;
    let rows = listing
        .items
        .into_iter()
        .map(|document| {
            Ok(DocumentRow {
                money: InvoiceMoney::of(&document)?,
                document,
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(PageOf::new(
        comptoir_db::Listing {
            items: rows,
            total: listing.total,
        },
        page,
    ))
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
pub(crate) fn document_filter(
    organization_id: Uuid,
    kind: DocumentKind,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
    q: Option<&str>,
) -> ApiResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), |text| {
        status_of(kind, text)
    })?;
    let mut filter = Filter::organization(organization_id)
        .eq("kind", Some(kind.as_str()))
        .eq("client_id", filters.client_id)
        .eq("status", status)
        .search(DOCUMENT_SEARCH, q);
    match (invoice_filters.overdue, kind) {
        (None, _) => {}
        (Some(overdue), DocumentKind::Invoice) => {
            let today = Utc::now().date_naive();
            filter = if overdue {
                filter
                    .clause("status IN ('issued', 'partially_paid')")
                    .condition("due_date < {}", today)
            } else {
                filter.condition(
                    "(status NOT IN ('issued', 'partially_paid') OR due_date IS NULL OR due_date >= {})",
                    today,
                )
            };
        }
        (Some(_), _) => {
            return Err(ApiError::BadRequest(
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
#[utoipa::path(get, path = "/events", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, EventFilters), responses((status = 200, body = PageOf<BusinessEvent>)))]
async fn list_events(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<EventFilters>,
) -> ApiResult<axum::Json<PageOf<BusinessEvent>>> {
    let page = params.page()?;
    let subject_type = query_filter(
        "subject_type",
        filters.subject_type.as_deref(),
        DocumentKind::parse,
    )?;
    let filter = Filter::organization(auth.organization_id)
        .eq("subject_type", subject_type.map(DocumentKind::as_str))
        .eq("subject_id", filters.subject_id)
        .eq("client_id", filters.client_id)
        .eq("event_type", filters.event_type);
    let listing = resource::list(&ctx.db, filter, params.sort::<BusinessEvent>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
