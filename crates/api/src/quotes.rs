//! Quotes (devis): `/quotes`, numbered `DEV-YYYY-NNNNN`, sent, accepted
//! or refused, converted into an order, or replaced by a new version.

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use crate::sales::{
    self, DocumentDetail, DocumentFilters, DocumentRequest, DocumentRow, copy_of, detail, event,
    job_event, load, move_to, validate_document,
};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, Utc};
use comptoir_db::audit::{self as audit_store, Actor};
use comptoir_db::sales::{self as store, SalesDocument};
use comptoir_db::{Db, Tx, numbering};
use comptoir_domain::sales::{
    DocumentKind, QUOTE_REMINDER_DAYS, QuoteAction, QuoteStatus, next_version, quote_transition,
};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
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

fn next(quote: &SalesDocument, action: QuoteAction) -> ApiResult<QuoteStatus> {
    let status = QuoteStatus::parse(&quote.status).map_err(ApiError::BadRequest)?;
    quote_transition(status, action).map_err(ApiError::InvalidTransition)
}

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
    let created = sales::create_draft(&ctx.db, &auth, KIND, request).await?;
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

/// Get a quote with its lines.
#[utoipa::path(get, path = "/quotes/{id}", tag = "sales", security(("bearer" = ["sales.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody)))]
async fn get_quote(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    let quote = sales::read(&ctx.db, auth.organization_id, id, KIND).await?;
    Ok(axum::Json(detail(&ctx.db, quote).await?))
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
    Ok(axum::Json(
        replace_draft(&ctx.db, &auth, id, KIND, if_match, request, |quote| {
            next(quote, QuoteAction::Edit).map(|_| ())
        })
        .await?,
    ))
}

/// Rewrites a draft of `kind` after `editable` allowed it.
pub(crate) async fn replace_draft(
    db: &Db,
    user: &CurrentUser,
    id: Uuid,
    kind: DocumentKind,
    if_match: IfMatch,
    request: DocumentRequest,
    editable: impl Fn(&SalesDocument) -> ApiResult<()>,
) -> ApiResult<DocumentDetail> {
    let input = validate_document(db, user.organization_id, kind, request).await?;
    let mut tx = db.begin().await?;
    let current = load(&mut tx, user.organization_id, id, kind).await?;
    if_match.check(current.version)?;
    editable(&current)?;
    let updated =
        store::replace_document(&mut tx, user.organization_id, id, current.version, &input).await?;
    log(
        &mut tx,
        user,
        "update",
        kind.as_str(),
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    detail(db, updated).await
}

/// Applies a status-only action.
async fn act(
    db: &Db,
    user: &CurrentUser,
    id: Uuid,
    action: QuoteAction,
    event_type: &'static str,
) -> ApiResult<DocumentDetail> {
    let mut tx = db.begin().await?;
    let quote = load(&mut tx, user.organization_id, id, KIND).await?;
    let to = next(&quote, action)?;
    let moved = move_to(&mut tx, user, &quote, to.as_str(), event_type).await?;
    tx.commit().await?;
    detail(db, moved).await
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
        act(&ctx.db, &auth, id, QuoteAction::Send, "quote_sent").await?,
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
        act(&ctx.db, &auth, id, QuoteAction::Accept, "quote_accepted").await?,
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
        act(&ctx.db, &auth, id, QuoteAction::Refuse, "quote_refused").await?,
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
    let mut tx = ctx.db.begin().await?;
    let quote = load(&mut tx, auth.organization_id, id, KIND).await?;
    let to = next(&quote, QuoteAction::Convert)?;
    let converted = move_to(&mut tx, &auth, &quote, to.as_str(), "quote_converted").await?;
    let order = copy_into(&mut tx, &auth, &converted, DocumentKind::Order).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, order).await?),
    ))
}

async fn copy_into(
    tx: &mut Tx,
    user: &CurrentUser,
    quote: &SalesDocument,
    kind: DocumentKind,
) -> ApiResult<SalesDocument> {
    let lines = store::lines_in(tx, quote.id).await?;
    let mut input = copy_of(quote, &lines);
    let today = Utc::now().date_naive();
    input.issue_date = Some(today);
    input.valid_until = None;
    let number =
        numbering::next_number(tx, user.organization_id, kind.series(), today.year()).await?;
    sales::create(tx, user, kind, Some(number), Some(quote.id), &input).await
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
    let mut tx = ctx.db.begin().await?;
    let quote = load(&mut tx, auth.organization_id, id, KIND).await?;
    let to = next(&quote, QuoteAction::Supersede)?;
    let superseded = move_to(&mut tx, &auth, &quote, to.as_str(), "quote_superseded").await?;
    let lines = store::lines_in(&mut tx, id).await?;
    let (version, number) = next_version(quote.number.as_deref().unwrap_or_default());
    let input = copy_of(&superseded, &lines);
    let copy = sales::create(&mut tx, &auth, KIND, Some(number), Some(id), &input).await?;
    event(
        &mut tx,
        &auth,
        "quote_versioned",
        &copy,
        json!({ "previous_id": id, "version": version }),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, copy).await?),
    ))
}

/// The quotes' background job, run by every instance: sent quotes past
/// their validity date expire, and unanswered ones get their reminders
/// after 7 and 15 days. Each change is one conditional statement, so with
/// several instances each quote expires once and each reminder is written
/// once, with its event.
pub async fn sweep_quotes(db: &Db) -> ApiResult<()> {
    let sent = QuoteStatus::Sent;
    let expired =
        quote_transition(sent, QuoteAction::Expire).map_err(ApiError::InvalidTransition)?;
    let mut tx = db.begin().await?;
    let today = Utc::now().date_naive();
    for owned in store::expire_quotes(&mut tx, sent.as_str(), expired.as_str(), today).await? {
        let actor = Actor {
            organization_id: owned.organization_id,
            user_id: None,
            request_id: None,
            ip: None,
        };
        audit_store::record(
            &mut tx,
            &actor,
            "quote_expired",
            KIND.as_str(),
            Some(owned.document.id),
            None,
            serde_json::to_value(&owned.document).ok(),
        )
        .await?;
        job_event(
            &mut tx,
            owned.organization_id,
            "quote_expired",
            &owned.document,
            json!({}),
        )
        .await?;
    }
    for days in QUOTE_REMINDER_DAYS {
        for owned in store::remind_quotes(&mut tx, sent.as_str(), days).await? {
            job_event(
                &mut tx,
                owned.organization_id,
                "quote_reminder_due",
                &owned.document,
                json!({ "days": days }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
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
    sales::delete_draft(&ctx.db, &auth, id, KIND).await?;
    Ok(StatusCode::NO_CONTENT)
}
