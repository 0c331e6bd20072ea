//! Invoices (factures): `/invoices`. A draft has no number; issuing gives
//! it the next `FAC-YYYY-NNNNN` of the year in the issuing transaction
//! and freezes it (the database refuses any later change but payments).

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, OptionalJson, PageOf, Path, Query};
use crate::quotes::replace_draft;
use crate::sales::{
    self, DocumentDetail, DocumentFilters, DocumentRequest, DocumentRow, InvoiceFilters,
    balance_due, balance_of, detail, event, load,
};
use crate::validate::{MAX_NAME, MAX_TEXT, optional, parsed, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, Days, NaiveDate, Utc};
use comptoir_db::parties::Client;
use comptoir_db::resource;
use comptoir_db::sales::{
    self as store, DocumentInput, LineInput, Payment, PaymentInput, SalesDocument, SalesLine,
};
use comptoir_db::{Tx, compliance, numbering};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::{Money, Quantity};
use comptoir_domain::sales::{
    DocumentKind, InvoiceAction, InvoiceStatus, PaymentKind, PaymentMethod, invoice_transition,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices, create_invoice))
        .routes(routes!(get_invoice, update_invoice, delete_invoice))
        .routes(routes!(issue_invoice))
        .routes(routes!(credit_invoice))
        .routes(routes!(list_payments, record_payment))
        .routes(routes!(record_refund))
}

const KIND: DocumentKind = DocumentKind::Invoice;

fn next(invoice: &SalesDocument, action: InvoiceAction) -> ApiResult<InvoiceStatus> {
    let status = InvoiceStatus::parse(&invoice.status).map_err(ApiError::BadRequest)?;
    invoice_transition(status, action).map_err(ApiError::InvalidTransition)
}

/// Create a draft invoice directly (without an order). It has no number
/// until it is issued.
#[utoipa::path(post, path = "/invoices", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    request_body = DocumentRequest,
    responses((status = 201, body = DocumentDetail), (status = 422, body = ErrorBody)))]
async fn create_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let created = sales::create_draft(&ctx.db, &auth, KIND, request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// List invoices.
#[utoipa::path(get, path = "/invoices", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(ListParams, DocumentFilters, InvoiceFilters), responses((status = 200, body = PageOf<DocumentRow>)))]
async fn list_invoices(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(invoice_filters): Query<InvoiceFilters>,
) -> ApiResult<axum::Json<PageOf<DocumentRow>>> {
    Ok(axum::Json(
        sales::list(
            &ctx.db,
            auth.organization_id,
            KIND,
            &params,
            filters,
            invoice_filters,
        )
        .await?,
    ))
}

/// Get an invoice with its lines, balance due and whether it is overdue.
#[utoipa::path(get, path = "/invoices/{id}", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody)))]
async fn get_invoice(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    let invoice = sales::read(&ctx.db, auth.organization_id, id, KIND).await?;
    Ok(axum::Json(detail(&ctx.db, invoice).await?))
}

/// Replace a draft invoice. An issued invoice never changes (409):
/// corrections go through a credit note.
#[utoipa::path(put, path = "/invoices/{id}", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)), request_body = DocumentRequest,
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        replace_draft(&ctx.db, &auth, id, KIND, if_match, request, |invoice| {
            next(invoice, InvoiceAction::Edit).map(|_| ())
        })
        .await?,
    ))
}

/// Issue a draft invoice: it gets the next `FAC-YYYY-NNNNN` of the year —
/// from a counter in this same transaction, so numbers have no gap and no
/// duplicate — today's date and a due date after the client's payment
/// terms, and can no longer change.
#[utoipa::path(post, path = "/invoices/{id}/issue", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn issue_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    let mut tx = ctx.db.begin().await?;
    let invoice = load(&mut tx, auth.organization_id, id, KIND).await?;
    let client: Client = resource::get_in(&mut tx, auth.organization_id, invoice.client_id).await?;
    let terms = Days::new(u64::try_from(client.payment_terms_days).unwrap_or(0));
    let issued = issue(&mut tx, &auth, &invoice, |today| Some(today + terms)).await?;
    tx.commit().await?;
    Ok(axum::Json(detail(&ctx.db, issued).await?))
}

/// Issues a locked draft invoice or credit note: the next number of its
/// series (`FAC` or `AV`, `DocumentKind::series`) from a counter in the caller's transaction, so
/// a rollback leaves no gap, and today's date.
pub(crate) async fn issue(
    tx: &mut Tx,
    user: &CurrentUser,
    draft: &SalesDocument,
    due_date: impl FnOnce(NaiveDate) -> Option<NaiveDate>,
) -> ApiResult<SalesDocument> {
    next(draft, InvoiceAction::Issue)?;
    let today = Utc::now().date_naive();
    let series = draft.kind.series();
    let number = numbering::next_number(tx, user.organization_id, series, today.year()).await?;
    let issued = store::issue(
        tx,
        user.organization_id,
        draft.id,
        &number,
        today,
        due_date(today),
    )
    .await?
    .ok_or_else(|| ApiError::InvalidTransition("the document was issued meanwhile".into()))?;
    compliance::chain_document(tx, user.organization_id, &issued).await?;
    log(
        tx,
        user,
        "issue",
        draft.kind.as_str(),
        draft.id,
        Some(draft),
        Some(&issued),
    )
    .await?;
    let event_type = format!("{}_issued", draft.kind.as_str());
    event(tx, user, &event_type, &issued, json!({})).await?;
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

/// Credit an issued invoice, in whole or for some lines: the credit note
/// is issued at once as the next `AV-YYYY-NNNNN` (its own gapless series),
/// frozen like an invoice, and taken off the invoice's balance. Crediting
/// more than was invoiced → 422.
#[utoipa::path(post, path = "/invoices/{id}/credit-notes", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)), request_body = CreditNoteRequest,
    responses((status = 201, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn credit_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    OptionalJson(request): OptionalJson<CreditNoteRequest>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let mut tx = ctx.db.begin().await?;
    let invoice = load(&mut tx, auth.organization_id, id, KIND).await?;
    next(&invoice, InvoiceAction::Credit { settled: false })?;
    let lines = store::lines_in(&mut tx, id).await?;
    let credited = store::credited_quantities(&mut tx, id).await?;
    let creditable = |line: &SalesLine| {
        let already = credited
            .iter()
            .find(|(line_id, _)| *line_id == line.id)
            .map_or(0, |(_, quantity)| quantity.units());
        Quantity::from_units(line.quantity.0.units() - already)
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
                    location_id: None,
                    source_line_id: Some(line.id),
                }
            })
            .collect(),
    };
    let draft = sales::create(
        &mut tx,
        &auth,
        DocumentKind::CreditNote,
        None,
        Some(id),
        &input,
    )
    .await?;
    let credit_note = settle_credit_note(&mut tx, &auth, &invoice, &draft).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, credit_note).await?),
    ))
}

/// Issues a locked draft credit note of a locked invoice and takes its
/// amount off the invoice's balance.
pub(crate) async fn settle_credit_note(
    tx: &mut Tx,
    user: &CurrentUser,
    invoice: &SalesDocument,
    draft: &SalesDocument,
) -> ApiResult<SalesDocument> {
    let credit_note = issue(tx, user, draft, |_| None).await?;
    let amount = credit_note.total_incl_tax.0;
    let settled = balance_due(invoice).units() - amount.units() <= 0;
    let to = next(invoice, InvoiceAction::Credit { settled })?;
    let credited = store::apply_credit(tx, user.organization_id, invoice, amount, to.as_str())
        .await?
        .ok_or_else(|| ApiError::conflict("the invoice changed meanwhile; retry"))?;
    log(
        tx,
        user,
        "credit",
        "invoice",
        invoice.id,
        Some(invoice),
        Some(&credited),
    )
    .await?;
    event(
        tx,
        user,
        "invoice_credited",
        &credited,
        json!({ "credit_note_id": credit_note.id, "credit_note_number": credit_note.number, "amount": amount }),
    )
    .await?;
    Ok(credit_note)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PaymentRequest {
    #[schema(required = true, nullable = false, example = "120.00")]
    pub amount: Option<String>,
    /// Default today.
    pub date: Option<NaiveDate>,
    /// `transfer`, `card`, `cash`, `check` or `other`.
    #[schema(required = true, nullable = false)]
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// A payment and the invoice after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordedPayment {
    #[serde(flatten)]
    pub payment: Payment,
    pub invoice: DocumentDetail,
}

/// Record a payment on an issued invoice. More than the balance due, or a
/// date before the invoice's issue date or after today → 422; the invoice
/// becomes `partially_paid`, then `paid`.
#[utoipa::path(post, path = "/invoices/{id}/payments", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)), request_body = PaymentRequest,
    responses((status = 201, body = RecordedPayment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_payment(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<PaymentRequest>,
) -> ApiResult<(StatusCode, axum::Json<RecordedPayment>)> {
    let mut errors = FieldErrors::new();
    let amount = required_parsed(&mut errors, "amount", request.amount, Money::parse);
    if amount.is_some_and(|a| a <= Money::ZERO) {
        errors.add("amount", "must be positive");
    }
    let method = required_parsed(&mut errors, "method", request.method, PaymentMethod::parse);
    let reference = optional(&mut errors, "reference", request.reference, MAX_NAME);
    let mut tx = ctx.db.begin().await?;
    let invoice = load(&mut tx, auth.organization_id, id, KIND).await?;
    next(&invoice, InvoiceAction::Pay { complete: false })?;
    let date = payment_date(&mut errors, request.date, &invoice);
    let balance = balance_due(&invoice);
    if let Some(amount) = amount
        && amount > balance
    {
        errors.add("amount", format!("more than the balance due of {balance}"));
    }
    let Some((amount, method)) = errors.finish(|| amount.zip(method))? else {
        return Err(ApiError::field("amount", "is required"));
    };
    let complete = amount == balance;
    let to = next(&invoice, InvoiceAction::Pay { complete })?;
    let payment = PaymentInput {
        amount,
        date,
        method,
        reference,
    };
    let (paid, recorded) =
        record_money(&mut tx, &auth, &invoice, to, PaymentKind::Payment, &payment).await?;
    if complete {
        event(&mut tx, &auth, "invoice_paid", &paid, json!({})).await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RecordedPayment {
            payment: recorded,
            invoice: detail(&ctx.db, paid).await?,
        }),
    ))
}

/// The payments of an invoice, and the refunds made on it, oldest first.
#[utoipa::path(get, path = "/invoices/{id}/payments", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<Payment>), (status = 404, body = ErrorBody)))]
async fn list_payments(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Vec<Payment>>> {
    sales::read(&ctx.db, auth.organization_id, id, KIND).await?;
    Ok(axum::Json(store::payments_of(&ctx.db, id).await?))
}

/// The date of a payment or refund on `invoice`: today by default, never
/// in the future nor before the invoice was issued.
fn payment_date(
    errors: &mut FieldErrors,
    date: Option<NaiveDate>,
    invoice: &SalesDocument,
) -> NaiveDate {
    let today = Utc::now().date_naive();
    let date = date.unwrap_or(today);
    if date > today {
        errors.add("date", "cannot be in the future");
    }
    if let Some(issued) = invoice.issue_date
        && date < issued
    {
        errors.add(
            "date",
            format!("cannot be before the invoice's issue date, {issued}"),
        );
    }
    date
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RefundRequest {
    /// Default: all that is owed back (`refund_due`).
    #[schema(example = "200.00")]
    pub amount: Option<String>,
    /// Default today.
    pub date: Option<NaiveDate>,
    /// `transfer`, `card`, `cash`, `check` or `other`.
    #[schema(required = true, nullable = false)]
    pub method: Option<String>,
    pub reference: Option<String>,
}

/// Pay back to the client what payments and credit notes together took
/// past the invoice's total (its `refund_due`, e.g. a part-paid invoice
/// then credited in full). More than is owed back → 422. The refund is
/// chained like a payment and counts out of `amount_paid`.
#[utoipa::path(post, path = "/invoices/{id}/refunds", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)), request_body = RefundRequest,
    responses((status = 201, body = RecordedPayment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_refund(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<RefundRequest>,
) -> ApiResult<(StatusCode, axum::Json<RecordedPayment>)> {
    let mut errors = FieldErrors::new();
    let amount = parsed(&mut errors, "amount", request.amount, Money::parse);
    if amount.is_some_and(|a| a <= Money::ZERO) {
        errors.add("amount", "must be positive");
    }
    let method = required_parsed(&mut errors, "method", request.method, PaymentMethod::parse);
    let reference = optional(&mut errors, "reference", request.reference, MAX_NAME);
    let mut tx = ctx.db.begin().await?;
    let invoice = load(&mut tx, auth.organization_id, id, KIND).await?;
    let to = next(&invoice, InvoiceAction::Refund)?;
    let date = payment_date(&mut errors, request.date, &invoice);
    let owed = balance_of(&invoice).refund_due;
    let amount = amount.unwrap_or(owed);
    if owed == Money::ZERO {
        errors.add(
            "amount",
            "nothing is owed back to the client on this invoice",
        );
    } else if amount > owed {
        errors.add(
            "amount",
            format!("more than is owed back to the client, {owed}"),
        );
    }
    let Some(method) = errors.finish(|| method)? else {
        return Err(ApiError::field("method", "is required"));
    };
    let refund = PaymentInput {
        amount,
        date,
        method,
        reference,
    };
    let (refunded, recorded) =
        record_money(&mut tx, &auth, &invoice, to, PaymentKind::Refund, &refund).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(RecordedPayment {
            payment: recorded,
            invoice: detail(&ctx.db, refunded).await?,
        }),
    ))
}

/// Delete a draft invoice; once it has left the draft state it is part of
/// the record and never deleted (409). A draft billing an order gives back
/// to the order what it billed.
#[utoipa::path(delete, path = "/invoices/{id}", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    sales::delete_draft(&ctx.db, &auth, id, KIND).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a payment or a refund on a locked invoice moving to `to`, in
/// the sales chain, the audit log and the business events.
async fn record_money(
    tx: &mut Tx,
    auth: &CurrentUser,
    invoice: &SalesDocument,
    to: InvoiceStatus,
    kind: PaymentKind,
    money: &PaymentInput,
) -> ApiResult<(SalesDocument, Payment)> {
    let (changed, recorded) = store::record_payment(
        tx,
        auth.organization_id,
        invoice,
        to.as_str(),
        kind,
        money,
        auth.user_id,
    )
    .await?
    .ok_or_else(|| ApiError::conflict("the invoice changed meanwhile; retry"))?;
    compliance::chain_payment(tx, auth.organization_id, &recorded).await?;
    let (action, event_type) = match kind {
        PaymentKind::Payment => ("pay", "payment_received"),
        PaymentKind::Refund => ("refund", "refund_made"),
    };
    log(
        tx,
        auth,
        action,
        "invoice",
        invoice.id,
        Some(invoice),
        Some(&changed),
    )
    .await?;
    event(
        tx,
        auth,
        event_type,
        &changed,
        json!({ "payment_id": recorded.id, "amount": money.amount, "method": money.method }),
    )
    .await?;
    Ok((changed, recorded))
}
