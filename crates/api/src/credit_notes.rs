//! Credit notes (avoirs): `/credit-notes`. They are made from an issued
//! invoice (`POST /invoices/{id}/credit-notes`, issued at once) or
//! prepared as drafts by a return, then issued here; numbered
//! `AV-YYYY-NNNNN` in their own gapless series and frozen once issued.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, PageOf, Path, Query};
use crate::invoices::settle_credit_note;
use crate::sales::{self, DocumentDetail, DocumentFilters, DocumentRow, detail, load};
use axum::extract::State;
use comptoir_domain::sales::DocumentKind;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
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
    Ok(axum::Json(
        sales::list(
            &ctx.db,
            auth.organization_id,
            KIND,
            &params,
            filters,
            Default::default(),
        )
        .await?,
    ))
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
    let credit_note = sales::read(&ctx.db, auth.organization_id, id, KIND).await?;
    Ok(axum::Json(detail(&ctx.db, credit_note).await?))
}

/// Issue a draft credit note (one a return prepared): it gets the next
/// `AV-YYYY-NNNNN` and its amount comes off the invoice's balance.
#[utoipa::path(post, path = "/credit-notes/{id}/issue", tag = "invoicing", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn issue_credit_note(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    let mut tx = ctx.db.begin().await?;
    let draft = load(&mut tx, auth.organization_id, id, KIND).await?;
    let invoice_id = draft
        .source_id
        .ok_or_else(|| ApiError::conflict("this credit note credits no invoice"))?;
    let invoice = load(
        &mut tx,
        auth.organization_id,
        invoice_id,
        DocumentKind::Invoice,
    )
    .await?;
    let credit_note = settle_credit_note(&mut tx, &auth, &invoice, &draft).await?;
    tx.commit().await?;
    Ok(axum::Json(detail(&ctx.db, credit_note).await?))
}
