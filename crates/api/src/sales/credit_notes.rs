//! Credit notes (avoirs): `/credit-notes`. They are made from an issued
//! invoice (`POST /invoices/{id}/credit-notes`, issued at once) or
//! prepared as drafts by a return, then issued here; numbered
//! `AV-YYYY-NNNNN` in their own gapless series and frozen once issued.

use super::exact;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, PageOf, Path, Query};
use axum::extract::State;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{self as service, DocumentDetail, DocumentFilters, DocumentRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_credit_notes))
        .routes(routes!(get_credit_note))
        .routes(routes!(issue_credit_note))
}

const KIND: DocumentKind = DocumentKind::CreditNote;

/// List credit notes.
#[utoipa::path(get, path = "/credit-notes", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(ListParams, DocumentFilters), responses((status = 200, body = PageOf<DocumentRow>)))]
async fn list_credit_notes(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
) -> ApiResult<axum::Json<PageOf<DocumentRow>>> {
    let page = params.page()?;
    let sort = params.sort::<SalesDocument>()?;
    let q = params.q.as_deref();
    let listing =
        service::list_documents(&ctx.db, &auth.caller(), KIND, filters, q, exact(sort, page))
            .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Get a credit note with its lines; `source_id` is the invoice it credits.
#[utoipa::path(get, path = "/credit-notes/{id}", tag = "invoicing", security(("bearer" = ["invoices.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody)))]
async fn get_credit_note(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::get_document(&ctx.db, &auth.caller(), KIND, id).await?,
    ))
}

/// Issue a draft credit note (one a return prepared): it gets the next
/// `AV-YYYY-NNNNN` and its amount comes off the invoice's balance. Its
/// Factur-X PDF (type 381) is rendered and stored at once; 422 names what
/// the e-invoice lacks.
#[utoipa::path(post, path = "/credit-notes/{id}/issue", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn issue_credit_note(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::issue_credit_note(&ctx.db, &auth.caller(), id).await?,
    ))
}
