//! Credit notes (avoirs): `/credit-notes`, read-only. They are made from
//! an issued invoice (`POST /invoices/{id}/credit-notes`), numbered
//! `AV-YYYY-NNNNN` in their own gapless series and frozen once issued.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, PageOf, Path, Query};
use crate::sales::{self, DocumentDetail, DocumentFilters, detail};
use axum::extract::State;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::sales::DocumentKind;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_credit_notes))
        .routes(routes!(get_credit_note))
}

const KIND: DocumentKind = DocumentKind::CreditNote;

/// List credit notes.
#[utoipa::path(get, path = "/credit-notes", tag = "invoicing", security(("bearer" = [])),
    params(ListParams, DocumentFilters), responses((status = 200, body = PageOf<SalesDocument>)))]
async fn list_credit_notes(
    auth: Authorized<require::InvoicesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
) -> ApiResult<axum::Json<PageOf<SalesDocument>>> {
    Ok(axum::Json(
        sales::list(&ctx.db, auth.organization_id, KIND, &params, filters).await?,
    ))
}

/// Get a credit note with its lines; `source_id` is the invoice it credits.
#[utoipa::path(get, path = "/credit-notes/{id}", tag = "invoicing", security(("bearer" = [])),
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
