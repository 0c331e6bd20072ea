//! Quotes (devis): `/quotes`, numbered `DEV-YYYY-NNNNN`, sent, accepted
//! or refused, converted into an order, or replaced by a new version.

use super::exact;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{
    self as service, DocumentDetail, DocumentFilters, DocumentRequest, DocumentRow,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_quotes, create_quote))
        .routes(routes!(get_quote, update_quote, delete_quote))
        .routes(routes!(send_quote))
        .routes(routes!(accept_quote))
        .routes(routes!(refuse_quote))
        .routes(routes!(convert_quote))
        .routes(routes!(version_quote))
}

const KIND: DocumentKind = DocumentKind::Quote;

/// Create a draft quote, numbered `DEV-YYYY-NNNNN`, valid 30 days unless
/// told otherwise; line prices default to what the client pays.
#[utoipa::path(post, path = "/quotes", tag = "sales", security(("bearer" = ["sales.write"])),
    request_body = DocumentRequest,
    responses((status = 201, body = DocumentDetail), (status = 422, body = ErrorBody)))]
async fn create_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let created = service::create_draft(&ctx.db, &auth.caller(), KIND, request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// List quotes.
#[utoipa::path(get, path = "/quotes", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, DocumentFilters), responses((status = 200, body = PageOf<DocumentRow>)))]
async fn list_quotes(
    auth: Authorized<require::SalesRead>,
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

/// Get a quote with its lines.
#[utoipa::path(get, path = "/quotes/{id}", tag = "sales", security(("bearer" = ["sales.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody)))]
async fn get_quote(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::get_document(&ctx.db, &auth.caller(), KIND, id).await?,
    ))
}

/// Replace a draft quote: the body is the whole quote, lines included.
#[utoipa::path(put, path = "/quotes/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)), request_body = DocumentRequest,
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_quote(
    auth: Authorized<require::SalesWrite>,
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

/// Send a draft quote to the client.
#[utoipa::path(post, path = "/quotes/{id}/send", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn send_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::send_quote(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// The client accepted a sent quote.
#[utoipa::path(post, path = "/quotes/{id}/accept", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn accept_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::accept_quote(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// The client refused a sent quote.
#[utoipa::path(post, path = "/quotes/{id}/refuse", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn refuse_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        service::refuse_quote(&ctx.db, &auth.caller(), id).await?,
    ))
}

/// Turn an accepted quote into a draft order (`CMD-YYYY-NNNNN`) with the
/// same lines and prices; the quote becomes `converted`.
#[utoipa::path(post, path = "/quotes/{id}/convert", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 201, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn convert_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let order = service::convert_quote(&ctx.db, &auth.caller(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(order)))
}

/// Start a new version of a quote: a draft copy numbered like it with
/// `-v2`, `-v3`…; this one becomes `superseded` and read-only.
#[utoipa::path(post, path = "/quotes/{id}/version", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 201, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn version_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let copy = service::version_quote(&ctx.db, &auth.caller(), id).await?;
    Ok((StatusCode::CREATED, axum::Json(copy)))
}

/// Delete a draft quote; once it has left the draft state it is part of
/// the record and never deleted (409).
#[utoipa::path(delete, path = "/quotes/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_quote(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::delete_draft(&ctx.db, &auth.caller(), KIND, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
