//! Invoices (factures): `/invoices`. A draft has no number; issuing gives
//! it the next `FAC-YYYY-NNNNN` of the year in the issuing transaction
//! and freezes it (the database refuses any later change but payments).

use super::exact;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, OptionalJson, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::sales::{Payment, SalesDocument};
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{
    self as service, CreditNoteRequest, DocumentDetail, DocumentFilters, DocumentRequest,
    DocumentRow, InvoiceFilters, PaymentRequest, RecordedPayment, RefundRequest,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices, create_invoice))
        .routes(routes!(get_invoice, update_invoice, delete_invoice))
        .routes(routes!(issue_invoice))
        .routes(routes!(credit_invoice))
        .routes(routes!(list_payments, record_payment))
        .routes(routes!(record_refund))
}

const KIND: DocumentKind = DocumentKind::Invoice;

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
    let created = service::create_draft(&ctx.db, &auth.caller(), KIND, request).await?;
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
    let page = params.page()?;
    let sort = params.sort::<SalesDocument>()?;
    let q = params.q.as_deref();
    let listing = service::list_invoices(
        &ctx.db,
        &auth.caller(),
        filters,
        invoice_filters,
        q,
        exact(sort, page),
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
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
    Ok(axum::Json(
        service::get_document(&ctx.db, &auth.caller(), KIND, id).await?,
    ))
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
    let caller = auth.caller();
    Ok(axum::Json(
        service::replace_draft(&ctx.db, &caller, KIND, id, if_match.0, request).await?,
    ))
}

/// Issue a draft invoice: it gets the next `FAC-YYYY-NNNNN` of the year —
/// from a counter in this same transaction, so numbers have no gap and no
/// duplicate — today's date and a due date after the client's payment
/// terms, and can no longer change. Its Factur-X PDF (EN 16931 XML
/// embedded) is rendered and stored at once; 422 names what the e-invoice
/// lacks (the organization's VAT number, a line's exemption reason…).
#[utoipa::path(post, path = "/invoices/{id}/issue", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue_invoice(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::issue_invoice(&ctx.db, &auth.caller(), id).await?,
    ))
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
    let credit_note = service::credit_invoice(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(credit_note)))
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
    let recorded = service::record_payment(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
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
    Ok(axum::Json(
        service::invoice_payments(&ctx.db, &auth.caller(), id).await?,
    ))
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
    let recorded = service::record_refund(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
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
    service::delete_draft(&ctx.db, &auth.caller(), KIND, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
