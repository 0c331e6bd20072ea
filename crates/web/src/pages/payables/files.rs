//! The files of supplier invoices: a supplier's e-invoice (Factur-X PDF,
//! CII or UBL XML) uploaded from the list — the same service as the
//! API's `POST /supplier-invoices` — landing on the new invoice's page,
//! or refused on the form with why (a duplicate linking the invoice it
//! already is); the original file downloaded; a plain PDF attached to an
//! invoice typed in by hand.

use super::{InvoiceListQuery, UploadRefusal, finish, list_page};
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::session::Allowed;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::payables::{self as service, SupplierInvoiceDetail, Upload};
use comptoir_services::{Actor, ServiceError, require};
use uuid::Uuid;

/// The form's `file` and, when it has one, `version`, as sent (`_csrf`
/// first). An empty file input sends an empty part: no file chosen.
struct Sent {
    file: Option<Vec<u8>>,
    version: Option<i64>,
}

async fn read_form(mut multipart: Multipart) -> PageResult<Sent> {
    let refused = |error: MultipartError| PageError::Refused {
        status: error.status(),
        message: error.body_text(),
    };
    let mut sent = Sent {
        file: None,
        version: None,
    };
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        match field.name() {
            Some("file") => {
                let bytes = field.bytes().await.map_err(refused)?;
                sent.file = (!bytes.is_empty()).then(|| bytes.to_vec());
            }
            Some("version") => {
                sent.version = field.text().await.map_err(refused)?.trim().parse().ok();
            }
            _ => {}
        }
    }
    Ok(sent)
}

/// Receives a supplier's e-invoice; to its page, or back to the list with
/// the refusal on the form.
pub(super) async fn receive(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    multipart: Multipart,
) -> PageResult<Response> {
    let sent = read_form(multipart).await?;
    let outcome = match sent.file {
        Some(bytes) => service::receive_file(&ctx.db, &viewer.actor, Upload { bytes }).await,
        None => Err(ServiceError::field("file", "is required")),
    };
    let refusal = match outcome {
        Ok(invoice) => {
            return Ok(
                Redirect::to(&format!("/supplier-invoices/{}", invoice.invoice.id)).into_response(),
            );
        }
        Err(ServiceError::Validation(errors)) => UploadRefusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            existing: None,
        },
        Err(ServiceError::Conflict { message, details }) => UploadRefusal {
            status: StatusCode::CONFLICT,
            errors: FieldErrors::single("file", message),
            existing: details["supplier_invoice_id"]
                .as_str()
                .and_then(|id| id.parse::<Uuid>().ok()),
        },
        Err(error) => return Err(error.into()),
    };
    list_page(&viewer, &ctx, &InvoiceListQuery::default(), refusal).await
}

/// The e-invoice as received, or the PDF attached to a typed one.
pub(super) async fn original(
    viewer: Allowed<require::PayablesRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let file = service::original(&ctx.db, &viewer.actor, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", file.file_name),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

/// Whether the reader may attach a PDF to this invoice: one typed in by
/// hand (a received one keeps its file as it came).
pub(super) fn may_attach(detail: &SupplierInvoiceDetail, actor: &Actor) -> bool {
    actor.may(Permission::PayablesWrite) && detail.invoice.original_sha256.is_none()
}

/// Attaches the PDF of an invoice typed by hand, at the version its page
/// was read at; back to its page, or the refusal on it.
pub(super) async fn attach(
    viewer: Allowed<require::PayablesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    multipart: Multipart,
) -> PageResult<Response> {
    let sent = read_form(multipart).await?;
    let outcome = match sent.file {
        Some(bytes) => service::attach_pdf(&ctx.db, &viewer.actor, id, sent.version, bytes).await,
        None => Err(ServiceError::field("file", "is required")),
    };
    finish(&viewer, &ctx, id, outcome).await
}
