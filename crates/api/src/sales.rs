//! What quotes, orders and invoices share: the request body of a draft and
//! its validation (prices from the catalog), the detailed representation,
//! status moves, and business events with `GET /events`.

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ListParams, PageOf, Query};
use crate::price_lists::price_for;
use crate::validate::{MAX_NAME, MAX_TEXT, optional, parsed, required_parsed};
use axum::extract::State;
use chrono::{Datelike, Days, NaiveDate, Utc};
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Client;
use comptoir_db::resource::{self, Table};
use comptoir_db::sales::{
    self as store, BusinessEvent, DocumentInput, LineInput, NewEvent, SalesDocument, SalesLine,
};
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, DbError, Filter, Tx, numbering};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{VatCategory, check_vat};
use comptoir_domain::documents::{LineAmounts, TaxLine, discounted_totals};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::sales::{DocumentKind, InvoiceStatus, is_overdue};
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
    if let Some(id) = request.warehouse_id {
        found(
            &mut errors,
            "warehouse_id",
            resource::get::<Warehouse>(db, organization_id, id).await,
        )?;
    }
    let currency = request.currency.unwrap_or_else(|| "EUR".to_owned());
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add("currency", "must be an ISO 4217 code, e.g. EUR");
    }
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
        warehouse_id: request.warehouse_id,
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
    pub lines: Vec<SalesLine>,
    pub tax_breakdown: Vec<TaxLine>,
    /// Invoices: what remains to be paid.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "120.00")]
    pub balance_due: Option<Money>,
    /// Invoices: issued, not fully paid and past the due date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
}

pub(crate) async fn detail(db: &Db, document: SalesDocument) -> ApiResult<DocumentDetail> {
    let lines = store::lines(db, document.id).await?;
    detail_of(document, lines)
}

/// The representation of a document whose lines are at hand.
pub(crate) fn detail_of(
    document: SalesDocument,
    lines: Vec<SalesLine>,
) -> ApiResult<DocumentDetail> {
    let amounts: Vec<LineAmounts> = lines.iter().map(SalesLine::amounts).collect();
    let (balance_due, overdue) = match document.kind {
        DocumentKind::Invoice => {
            let status = InvoiceStatus::parse(&document.status).map_err(ApiError::BadRequest)?;
            (
                Some(balance_due(&document)),
                Some(is_overdue(
                    status,
                    document.due_date,
                    Utc::now().date_naive(),
                )),
            )
        }
        _ => (None, None),
    };
    Ok(DocumentDetail {
        tax_breakdown: discounted_totals(&amounts, document.discount_percent.0).tax_breakdown,
        balance_due,
        overdue,
        document,
        lines,
    })
}

/// What remains to be paid; negative when credit notes on a paid
/// invoice leave the client a refund.
pub(crate) fn balance_due(invoice: &SalesDocument) -> Money {
    Money::from_units(
        invoice.total_incl_tax.0.units()
            - invoice.amount_paid.0.units()
            - invoice.amount_credited.0.units(),
    )
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
    pub status: Option<String>,
}

/// One page of documents of `kind`.
pub(crate) async fn list(
    db: &Db,
    organization_id: Uuid,
    kind: DocumentKind,
    params: &ListParams,
    filters: DocumentFilters,
) -> ApiResult<PageOf<SalesDocument>> {
    let page = params.page()?;
    let filter = document_filter(organization_id, kind, filters, params.q.as_deref());
    let listing = resource::list(db, filter, params.sort::<SalesDocument>()?, page).await?;
    Ok(PageOf::new(listing, page))
}

/// The documents of `kind` a list (or its export) shows.
pub(crate) fn document_filter(
    organization_id: Uuid,
    kind: DocumentKind,
    filters: DocumentFilters,
    q: Option<&str>,
) -> Filter {
    Filter::organization(organization_id)
        .eq("kind", Some(kind.as_str()))
        .eq("client_id", filters.client_id)
        .eq("status", filters.status)
        .search(SalesDocument::SEARCHABLE, q)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventFilters {
    /// `quote`, `order` or `invoice`.
    pub subject_type: Option<String>,
    pub subject_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub event_type: Option<String>,
}

/// The timeline of a document or a client: what happened, when, by whom.
#[utoipa::path(get, path = "/events", tag = "sales", security(("bearer" = [])),
    params(ListParams, EventFilters), responses((status = 200, body = PageOf<BusinessEvent>)))]
async fn list_events(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<EventFilters>,
) -> ApiResult<axum::Json<PageOf<BusinessEvent>>> {
    let page = params.page()?;
    let filter = Filter::organization(auth.organization_id)
        .eq("subject_type", filters.subject_type)
        .eq("subject_id", filters.subject_id)
        .eq("client_id", filters.client_id)
        .eq("event_type", filters.event_type);
    let listing = resource::list(&ctx.db, filter, params.sort::<BusinessEvent>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}
