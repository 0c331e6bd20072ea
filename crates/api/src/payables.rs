//! Supplier invoices (payables): `/supplier-invoices`. An e-invoice is
//! uploaded as multipart `file` to `/supplier-invoices`, an invoice typed
//! by hand is JSON to `/supplier-invoices/typed` (one content type per
//! operation, which every generated client can call); the workflows are
//! in `comptoir_services::payables`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, Multipart, PageOf, Path, Query, multipart_error};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use comptoir_db::payables::SupplierInvoice;
use comptoir_services::payables::{
    self as service, DisputeRequest, InvoiceFilters, RecordedPayablePayment, SupplierChoice,
    SupplierInvoiceDetail, SupplierInvoiceRequest, Upload,
};
use comptoir_services::sales::PaymentRequest;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// `upload_limit_bytes` bounds an uploaded file, as for imports.
pub fn router(upload_limit_bytes: usize) -> OpenApiRouter<ApiContext> {
    let uploads = OpenApiRouter::new()
        .routes(routes!(list_invoices, receive_invoice))
        .routes(routes!(attach_pdf))
        .layer(DefaultBodyLimit::max(upload_limit_bytes));
    OpenApiRouter::new()
        .merge(uploads)
        .routes(routes!(type_invoice))
        .routes(routes!(get_invoice))
        .routes(routes!(resolve_supplier))
        .routes(routes!(approve))
        .routes(routes!(dispute))
        .routes(routes!(resolve))
        .routes(routes!(record_payment))
        .routes(routes!(original))
}

/// The multipart form of an upload, as the OpenAPI document describes it.
#[derive(utoipa::ToSchema)]
pub struct FileForm {
    /// A Factur-X PDF, or a CII or UBL 2.1 XML invoice (or, for
    /// `/attachment`, a plain PDF).
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// Reads the `file` part of a multipart body.
async fn file_part(multipart: &mut axum::extract::Multipart) -> ApiResult<Vec<u8>> {
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if field.name() == Some("file") {
            return Ok(field.bytes().await.map_err(multipart_error)?.to_vec());
        }
    }
    Err(comptoir_services::ServiceError::field("file", "is required").into())
}

/// Receive a supplier's e-invoice: multipart `file` with a Factur-X PDF,
/// a CII or a UBL 2.1 XML invoice, read, kept as sent, and matched to
/// the purchase order it quotes; its supplier found by SIREN or VAT
/// number, else proposed. A file that is not a valid e-invoice is 422
/// with the reason; the same file twice is 409.
#[utoipa::path(post, path = "/supplier-invoices", tag = "payables", security(("bearer" = ["payables.write"])),
    request_body(content_type = "multipart/form-data", content = FileForm),
    responses((status = 201, body = SupplierInvoiceDetail), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive_invoice(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Multipart(mut multipart): Multipart,
) -> ApiResult<(StatusCode, axum::Json<SupplierInvoiceDetail>)> {
    let bytes = file_part(&mut multipart).await?;
    let invoice = service::receive_file(&ctx.db, &auth.caller(), Upload { bytes }).await?;
    Ok((StatusCode::CREATED, axum::Json(invoice)))
}

/// Record a supplier invoice typed in from paper; its PDF may then be
/// attached (`/supplier-invoices/{id}/attachment`).
#[utoipa::path(post, path = "/supplier-invoices/typed", tag = "payables", security(("bearer" = ["payables.write"])),
    request_body = SupplierInvoiceRequest,
    responses((status = 201, body = SupplierInvoiceDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn type_invoice(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Json(body): Json<SupplierInvoiceRequest>,
) -> ApiResult<(StatusCode, axum::Json<SupplierInvoiceDetail>)> {
    let invoice = service::create_invoice(&ctx.db, &auth.caller(), body).await?;
    Ok((StatusCode::CREATED, axum::Json(invoice)))
}

/// List supplier invoices; `due_before` gives what is due to pay by a date.
#[utoipa::path(get, path = "/supplier-invoices", tag = "payables", security(("bearer" = ["payables.read"])),
    params(ListParams, InvoiceFilters), responses((status = 200, body = PageOf<SupplierInvoice>)))]
async fn list_invoices(
    auth: Authorized<require::PayablesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<InvoiceFilters>,
) -> ApiResult<axum::Json<PageOf<SupplierInvoice>>> {
    let page = params.page()?;
    let sort = params.sort::<SupplierInvoice>()?;
    let listing = service::list_invoices(
        &ctx.db,
        &auth.caller(),
        filters,
        params.q.as_deref(),
        sort,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// A supplier invoice with its lines (each flagged where it differs from
/// the purchase order) and its payments.
#[utoipa::path(get, path = "/supplier-invoices/{id}", tag = "payables", security(("bearer" = ["payables.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupplierInvoiceDetail), (status = 404, body = ErrorBody)))]
async fn get_invoice(
    auth: Authorized<require::PayablesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    Ok(axum::Json(
        service::get_invoice(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Name the supplier of an invoice whose seller matched none: an existing
/// `supplier_id`, or `{"create": true}` to create the proposed one. An
/// invoice that states no due date is then due after that supplier's
/// payment terms.
#[utoipa::path(post, path = "/supplier-invoices/{id}/supplier", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)), request_body = SupplierChoice,
    responses((status = 200, body = SupplierInvoiceDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn resolve_supplier(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(choice): Json<SupplierChoice>,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    Ok(axum::Json(
        service::resolve_supplier(&ctx.db, &auth.caller(), id, choice).await?,
    ))
}

/// Approve a received invoice for payment.
#[utoipa::path(post, path = "/supplier-invoices/{id}/approve", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupplierInvoiceDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn approve(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    Ok(axum::Json(
        service::approve(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Dispute a received or approved invoice, with the reason.
#[utoipa::path(post, path = "/supplier-invoices/{id}/dispute", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)), request_body = DisputeRequest,
    responses((status = 200, body = SupplierInvoiceDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dispute(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<DisputeRequest>,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    Ok(axum::Json(
        service::dispute(&ctx.db, &auth.caller(), id, request).await?,
    ))
}

/// Settle a dispute: the invoice is received again, to approve anew.
#[utoipa::path(post, path = "/supplier-invoices/{id}/resolve", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SupplierInvoiceDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn resolve(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    Ok(axum::Json(
        service::resolve(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Record a payment out on an approved invoice, at most what remains due.
#[utoipa::path(post, path = "/supplier-invoices/{id}/payments", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)), request_body = PaymentRequest,
    responses((status = 201, body = RecordedPayablePayment), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn record_payment(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<PaymentRequest>,
) -> ApiResult<(StatusCode, axum::Json<RecordedPayablePayment>)> {
    let recorded = service::record_payment(&ctx.db, &auth.caller(), id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(recorded)))
}

/// The e-invoice exactly as received (or the PDF attached to a typed one).
#[utoipa::path(get, path = "/supplier-invoices/{id}/original", tag = "payables", security(("bearer" = ["payables.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, content((crate::download::FileBytes = "application/pdf"), (crate::download::FileBytes = "application/xml"))), (status = 404, body = ErrorBody)))]
async fn original(
    auth: Authorized<require::PayablesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<impl IntoResponse> {
    let file = service::original(&ctx.db, &auth.caller(), id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        ],
        file.bytes,
    ))
}

/// Attach the PDF of an invoice typed by hand (multipart `file`, a PDF).
#[utoipa::path(put, path = "/supplier-invoices/{id}/attachment", tag = "payables", security(("bearer" = ["payables.write"])),
    params(("id" = Uuid, Path)), request_body(content((FileForm = "multipart/form-data"))),
    responses((status = 200, body = SupplierInvoiceDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn attach_pdf(
    auth: Authorized<require::PayablesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Multipart(mut multipart): Multipart,
) -> ApiResult<axum::Json<SupplierInvoiceDetail>> {
    let bytes = file_part(&mut multipart).await?;
    Ok(axum::Json(
        service::attach_pdf(&ctx.db, &auth.caller(), id, if_match.0, bytes).await?,
    ))
}
