//! The draft editor of quotes, orders and invoices: one form for the
//! three kinds (client picker, line rows, document discount, notes) that
//! creates a draft (`{base}/new`) or rewrites one while its state allows
//! (`{base}/{id}/edit`), and deletes a draft (`{base}/{id}/delete`).
//! Authorized as the API's write routes of the kind; saved by the same
//! service functions.
//!
//! - `form`: the form as typed, to the service's request and back.
//! - `live`: what htmx asks as the reader types — clients and products
//!   (and their variants) found, a row filled with the product's price
//!   for the client, the rows priced again when the client changes, the
//!   totals and VAT breakdown the server recomputes.
//! - `picking`: the product boxes as sent without script, resolved to a
//!   product or variant, or to candidates listed in the row.

mod form;
mod live;
mod picking;

use super::document::{Refusal, render};
use super::{INVOICES, Kind, ORDERS, QUOTES};
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::pickers::Records;
use crate::pages::{by_field, show};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Utc;
use comptoir_db::sales::SalesDocument;
use comptoir_domain::FieldErrors;
use comptoir_domain::sales::{
    DocumentKind, DocumentStatus, InvoiceAction, InvoiceStatus, OrderAction, OrderStatus,
    QuoteAction, QuoteStatus, invoice_transition, order_transition, quote_transition,
};
use comptoir_services::require::{self, Requirement};
use comptoir_services::sales::{self as service, DraftPreview};
use comptoir_services::{ServiceError, ServiceResult};
use form::{EditorForm, Intent, LineForm};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(routes::<require::SalesWrite>(&QUOTES))
        .merge(routes::<require::SalesWrite>(&ORDERS))
        .merge(routes::<require::InvoicesWrite>(&INVOICES))
        .merge(live::router())
}

/// The editor's routes for `kind`, each authorized by `R`.
fn routes<R: Requirement + Send + Sync + 'static>(kind: &'static Kind) -> Router<WebContext> {
    let base = kind.base;
    Router::new()
        .route(
            &format!("{base}/new"),
            get(move |v: Allowed<R>, s: State<WebContext>| new_form(v.0, s, kind)).post(
                move |v: Allowed<R>, s: State<WebContext>, f: Form<Vec<(String, String)>>| {
                    save(v.0, s, None, f, kind)
                },
            ),
        )
        .route(
            &format!("{base}/{{id}}/edit"),
            get(move |v: Allowed<R>, s: State<WebContext>, id: Path<Uuid>| {
                edit_form(v.0, s, id, kind)
            })
            .post(
                move |v: Allowed<R>,
                      s: State<WebContext>,
                      Path(id): Path<Uuid>,
                      f: Form<Vec<(String, String)>>| {
                    save(v.0, s, Some(id), f, kind)
                },
            ),
        )
        .route(
            &format!("{base}/{{id}}/delete"),
            post(move |v: Allowed<R>, s: State<WebContext>, id: Path<Uuid>| {
                delete(v.0, s, id, kind)
            }),
        )
        .route(
            &format!("{base}/lines"),
            post(
                move |v: Allowed<R>, s: State<WebContext>, f: Form<Vec<(String, String)>>| {
                    live::repriced(v.0, s, f, kind)
                },
            ),
        )
        .route(
            &format!("{base}/preview"),
            post(
                move |v: Allowed<R>, s: State<WebContext>, f: Form<Vec<(String, String)>>| {
                    live::preview(v.0, s, f, kind)
                },
            ),
        )
}

/// Whether the state machine of `kind` lets a document in `status` be
/// rewritten.
pub fn editable(kind: DocumentKind, status: DocumentStatus) -> bool {
    match kind {
        DocumentKind::Quote => QuoteStatus::try_from(status)
            .is_ok_and(|s| quote_transition(s, QuoteAction::Edit).is_ok()),
        DocumentKind::Order => OrderStatus::try_from(status)
            .is_ok_and(|s| order_transition(s, OrderAction::Edit).is_ok()),
        DocumentKind::Invoice | DocumentKind::CreditNote => InvoiceStatus::try_from(status)
            .is_ok_and(|s| invoice_transition(s, InvoiceAction::Edit).is_ok()),
    }
}

/// Whether the editor rewrites `document`: its state allows, and it is
/// not an invoice billing an order — rewriting that one whole would cut
/// its lines from the order lines they bill (the order's invoiced
/// quantities); it is deleted and billed again instead.
pub fn may_edit(kind: DocumentKind, document: &SalesDocument) -> bool {
    editable(kind, document.status)
        && !(kind == DocumentKind::Invoice && document.source_id.is_some())
}

/// What the editor page shows besides the form.
struct Shown<'a> {
    status: StatusCode,
    id: Option<Uuid>,
    errors: FieldErrors,
    notice: Option<&'a str>,
    totals: Option<Value>,
}

impl Shown<'_> {
    fn fresh(id: Option<Uuid>, totals: Option<Value>) -> Self {
        Shown {
            status: StatusCode::OK,
            id,
            errors: FieldErrors::new(),
            notice: None,
            totals,
        }
    }
}

/// The editor's page: the clients the picker offers (the first ones by
/// name, and the chosen one: `pickers`), the rows, the totals when known.
async fn page(
    viewer: &Viewer,
    ctx: &WebContext,
    kind: &'static Kind,
    form: &EditorForm,
    shown: Shown<'_>,
) -> PageResult<Response> {
    let chosen = &form.client_id;
    let clients = Records::Clients
        .options(&ctx.db, &viewer.actor, None, chosen)
        .await?;
    let heading = format!(
        "sales.editor.{}.{}",
        if shown.id.is_some() { "edit" } else { "new" },
        kind.kind.as_str()
    );
    let action = match shown.id {
        Some(id) => format!("{}/{id}/edit", kind.base),
        None => format!("{}/new", kind.base),
    };
    let rendered = show(
        viewer,
        "sales/editor.html",
        kind.one,
        json!({
            "heading": heading,
            "kind": kind.kind.as_str(),
            "base": kind.base,
            "list_title": kind.title,
            "id": shown.id,
            "action": action,
            "form": form,
            "clients": clients,
            "errors": by_field(shown.errors),
            "notice": shown.notice,
            "currency": shown.totals.as_ref().and_then(|t| t["currency"].as_str()).unwrap_or("EUR"),
            "totals": shown.totals,
            "problems": [],
            "line_totals": [],
        }),
    )?;
    Ok((shown.status, rendered).into_response())
}

async fn new_form(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    kind: &'static Kind,
) -> PageResult<Response> {
    // An invoice's date is set when it is issued.
    let today = (kind.kind != DocumentKind::Invoice).then(|| Utc::now().date_naive().to_string());
    let form = EditorForm {
        issue_date: today.unwrap_or_default(),
        lines: vec![LineForm::blank()],
        ..Default::default()
    };
    page(&viewer, &ctx, kind, &form, Shown::fresh(None, None)).await
}

async fn edit_form(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    kind: &'static Kind,
) -> PageResult<Response> {
    let detail = service::get_document(&ctx.db, &viewer.actor, kind.kind, id).await?;
    if !may_edit(kind.kind, &detail.document) {
        // Past the draft, the document's page shows it read-only.
        return Ok(Redirect::to(&format!("{}/{id}", kind.base)).into_response());
    }
    let form = EditorForm::of(&detail);
    let totals = serde_json::to_value(&detail).map_err(PageError::internal)?;
    page(
        &viewer,
        &ctx,
        kind,
        &form,
        Shown::fresh(Some(id), Some(totals)),
    )
    .await
}

/// The totals of a preview, as the totals fragment reads them.
fn totals_of(preview: &DraftPreview) -> Value {
    let mut totals = serde_json::to_value(&preview.totals).unwrap_or_default();
    totals["currency"] = preview.currency.clone().into();
    totals
}

/// Saves the form, or shows it again with a row added, removed or given
/// its product (the buttons that work without script), or with the rows
/// whose product box names no one product; totals recomputed when they
/// can be.
async fn save(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    id: Option<Uuid>,
    Form(pairs): Form<Vec<(String, String)>>,
    kind: &'static Kind,
) -> PageResult<Response> {
    let (mut form, intent) = EditorForm::parse(pairs);
    let picking = picking::resolve(&ctx.db, &viewer.actor, &mut form, &intent).await?;
    if intent != Intent::Save || !picking.settled() {
        match intent {
            Intent::RemoveLine(key) => form.lines.retain(|line| line.key != key),
            Intent::AddLine => form.lines.push(LineForm::blank()),
            Intent::Save | Intent::Pick { .. } => {}
        }
        let totals =
            picking::priced(&ctx.db, &viewer.actor, kind.kind, &mut form, &picking).await?;
        let shown = Shown {
            status: match picking.errors.is_empty() {
                true => StatusCode::OK,
                false => StatusCode::UNPROCESSABLE_ENTITY,
            },
            errors: picking.errors,
            ..Shown::fresh(id, totals)
        };
        return page(&viewer, &ctx, kind, &form, shown).await;
    }
    let form = form.renumbered();
    let (request, errors) = form.request();
    if !errors.is_empty() {
        return refused(
            &viewer,
            &ctx,
            kind,
            id,
            &form,
            ServiceError::Validation(errors),
        )
        .await;
    }
    let outcome: ServiceResult<_> = match id {
        None => service::create_draft(&ctx.db, &viewer.actor, kind.kind, request).await,
        Some(id) => {
            if kind.kind == DocumentKind::Invoice {
                let current = service::get_document(&ctx.db, &viewer.actor, kind.kind, id).await?;
                if !may_edit(kind.kind, &current.document) {
                    return Err(PageError::Refused {
                        status: StatusCode::CONFLICT,
                        message:
                            "an invoice billing an order is deleted and billed again, not rewritten"
                                .into(),
                    });
                }
            }
            let Some(version) = form.version.trim().parse::<i64>().ok() else {
                return Err(PageError::BadRequest(
                    "the form lacks the version it was read at",
                ));
            };
            service::replace_draft(
                &ctx.db,
                &viewer.actor,
                kind.kind,
                id,
                Some(version),
                request,
            )
            .await
        }
    };
    match outcome {
        Ok(saved) => {
            Ok(Redirect::to(&format!("{}/{}", kind.base, saved.document.id)).into_response())
        }
        Err(ServiceError::PreconditionFailed { .. }) if id.is_some() => {
            // Show what is stored now; the reader's edit is lost, as they
            // are told, rather than written over someone else's.
            let id = id.expect("matched");
            let current = service::get_document(&ctx.db, &viewer.actor, kind.kind, id).await?;
            if !editable(kind.kind, current.document.status) {
                // Sent or issued meanwhile: the document's page says so.
                let refusal = Refusal {
                    status: StatusCode::CONFLICT,
                    messages: vec![(None, "changed by someone else meanwhile".into())],
                };
                return render(&viewer, &ctx, kind, id, Some(refusal)).await;
            }
            let totals = serde_json::to_value(&current).map_err(PageError::internal)?;
            let shown = Shown {
                status: StatusCode::PRECONDITION_FAILED,
                notice: Some("changed by someone else meanwhile"),
                ..Shown::fresh(Some(id), Some(totals))
            };
            page(&viewer, &ctx, kind, &EditorForm::of(&current), shown).await
        }
        Err(error) => refused(&viewer, &ctx, kind, id, &form, error).await,
    }
}

/// A refusal the form can show: field errors next to their fields, a
/// conflict above them; anything else is an error page.
async fn refused(
    viewer: &Viewer,
    ctx: &WebContext,
    kind: &'static Kind,
    id: Option<Uuid>,
    form: &EditorForm,
    error: ServiceError,
) -> PageResult<Response> {
    let (status, errors, notice) = match error {
        ServiceError::Validation(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        ServiceError::InvalidTransition(message) | ServiceError::Conflict { message, .. } => {
            (StatusCode::CONFLICT, FieldErrors::new(), Some(message))
        }
        other => return Err(other.into()),
    };
    let shown = Shown {
        status,
        errors,
        notice: notice.as_deref(),
        ..Shown::fresh(id, None)
    };
    page(viewer, ctx, kind, form, shown).await
}

async fn delete(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    kind: &'static Kind,
) -> PageResult<Response> {
    match service::delete_draft(&ctx.db, &viewer.actor, kind.kind, id).await {
        Ok(()) => Ok(Redirect::to(kind.base).into_response()),
        Err(error) => render(&viewer, &ctx, kind, id, Some(Refusal::of(error)?)).await,
    }
}
