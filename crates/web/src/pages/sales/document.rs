//! A document's page: its header, lines, VAT breakdown, totals (for an
//! invoice what is paid, credited and due), its timeline, and the action
//! buttons its state and the reader's role allow — the state machines of
//! `domain::sales` and the permission matrix decide, as in the services.

use super::editor::may_edit;
use super::forms::Retyped;
use super::{
    CREDIT_NOTES, INVOICES, Kind, ORDERS, QUOTES, client_names, credits, deliveries, payments,
    returns,
};
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::show;
use crate::session::{Allowed, Viewer};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{
    DocumentKind, DocumentStatus, InvoiceAction, InvoiceStatus, OrderAction, OrderStatus,
    QuoteAction, QuoteStatus, invoice_transition, may_delete, order_transition, quote_transition,
};
use comptoir_services::require::{self, Requirement};
use comptoir_services::sales::{self as service, EventFilters};
use comptoir_services::{Actor, ServiceError};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/quotes/{id}", get(quote))
        .route("/orders/{id}", get(order))
        .route("/invoices/{id}", get(invoice))
        .route("/credit-notes/{id}", get(credit_note))
}

/// A document page's handler for one kind, authorized as the API's
/// reading route.
macro_rules! page_of {
    ($name:ident, $need:ty, $kind:expr) => {
        async fn $name(
            viewer: Allowed<$need>,
            state: State<WebContext>,
            id: Path<Uuid>,
        ) -> PageResult<Response> {
            page(viewer, state, id, $kind).await
        }
    };
}

page_of!(quote, require::SalesRead, &QUOTES);
page_of!(order, require::SalesRead, &ORDERS);
page_of!(invoice, require::InvoicesRead, &INVOICES);
page_of!(credit_note, require::InvoicesRead, &CREDIT_NOTES);

async fn page<R: Requirement>(
    viewer: Allowed<R>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    kind: &'static Kind,
) -> PageResult<Response> {
    render(&viewer, &ctx, kind, id, None).await
}

/// What the page says above the document after a refused action: the
/// services' messages (English, translated by the template), and the
/// status the answer carries.
pub struct Refusal {
    pub status: StatusCode,
    pub messages: Vec<(Option<String>, String)>,
}

impl Refusal {
    /// The refusal a page can show, or the error page's error.
    pub fn of(error: ServiceError) -> Result<Self, PageError> {
        let (status, messages) = match error {
            ServiceError::Validation(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                errors
                    .into_vec()
                    .into_iter()
                    .map(|e| (Some(e.field), e.message))
                    .collect(),
            ),
            ServiceError::InsufficientStock(_) => (
                StatusCode::CONFLICT,
                vec![(None, "not enough stock".to_owned())],
            ),
            ServiceError::InvalidTransition(message)
            | ServiceError::Conflict { message, .. }
            | ServiceError::CreditLimitExceeded { message, .. } => {
                (StatusCode::CONFLICT, vec![(None, message)])
            }
            ServiceError::BadInput(message) => (StatusCode::BAD_REQUEST, vec![(None, message)]),
            other => return Err(other.into()),
        };
        Ok(Refusal { status, messages })
    }
}

/// A button: a POST to `{base}/{id}/{path}`.
#[derive(Serialize)]
struct Action {
    path: &'static str,
    label: &'static str,
}

fn action(allowed: bool, path: &'static str, label: &'static str) -> Option<Action> {
    allowed.then_some(Action { path, label })
}

/// The actions the document's state allows and the reader may do; the
/// payment form is told apart (`pay`).
fn actions(kind: DocumentKind, status: DocumentStatus, actor: &Actor) -> (Vec<Action>, bool) {
    let sales = actor.may(Permission::SalesWrite);
    let invoices = actor.may(Permission::InvoicesWrite);
    let stock = actor.may(Permission::StockWrite);
    match kind {
        DocumentKind::Quote => {
            let Ok(status) = QuoteStatus::try_from(status) else {
                return (vec![], false);
            };
            let may = |a: QuoteAction| sales && quote_transition(status, a).is_ok();
            let list = [
                action(may(QuoteAction::Send), "send", "sales.action.send"),
                action(may(QuoteAction::Accept), "accept", "sales.action.accept"),
                action(may(QuoteAction::Refuse), "refuse", "sales.action.refuse"),
                action(may(QuoteAction::Convert), "convert", "sales.action.convert"),
            ];
            (list.into_iter().flatten().collect(), false)
        }
        DocumentKind::Order => {
            let Ok(status) = OrderStatus::try_from(status) else {
                return (vec![], false);
            };
            let can = |a: OrderAction| order_transition(status, a).is_ok();
            let invoiceable = can(OrderAction::Invoice { complete: true })
                || can(OrderAction::Invoice { complete: false });
            let list = [
                action(
                    sales && can(OrderAction::Confirm),
                    "confirm",
                    "sales.action.confirm",
                ),
                action(
                    stock && can(OrderAction::Deliver { complete: true }),
                    "deliver",
                    "sales.action.deliver",
                ),
                action(invoices && invoiceable, "invoice", "sales.action.invoice"),
                action(
                    sales && can(OrderAction::Cancel),
                    "cancel",
                    "sales.action.cancel",
                ),
            ];
            (list.into_iter().flatten().collect(), false)
        }
        DocumentKind::Invoice | DocumentKind::CreditNote => {
            let Ok(status) = InvoiceStatus::try_from(status) else {
                return (vec![], false);
            };
            let can = |a: InvoiceAction| invoices && invoice_transition(status, a).is_ok();
            let issue = action(can(InvoiceAction::Issue), "issue", "sales.action.issue");
            let pay = kind == DocumentKind::Invoice && can(InvoiceAction::Pay { complete: false });
            (issue.into_iter().collect(), pay)
        }
    }
}

/// Where a document of `kind` comes from: a quote's order, an order's
/// invoice, an invoice's credit note.
fn source(kind: DocumentKind) -> Option<&'static Kind> {
    match kind {
        DocumentKind::Quote => None,
        DocumentKind::Order => Some(&QUOTES),
        DocumentKind::Invoice => Some(&ORDERS),
        DocumentKind::CreditNote => Some(&INVOICES),
    }
}

/// The document's page, with a refusal above it when an action was
/// refused (then with the refusal's status).
pub async fn render(
    viewer: &Viewer,
    ctx: &WebContext,
    kind: &'static Kind,
    id: Uuid,
    refusal: Option<Refusal>,
) -> PageResult<Response> {
    render_with(viewer, ctx, kind, id, refusal, None).await
}

/// The document's page, and when one of its forms was refused field by
/// field, that form as typed with its messages (then with 422).
pub async fn render_with(
    viewer: &Viewer,
    ctx: &WebContext,
    kind: &'static Kind,
    id: Uuid,
    refusal: Option<Refusal>,
    retyped: Option<Retyped>,
) -> PageResult<Response> {
    // An order is read as the API's order route reads it, with its
    // delivery notes.
    let (detail, deliveries) = if kind.kind == DocumentKind::Order {
        let order = service::get_order(&ctx.db, &viewer.actor, id).await?;
        (order.order, order.deliveries)
    } else {
        let detail = service::get_document(&ctx.db, &viewer.actor, kind.kind, id).await?;
        (detail, Vec::new())
    };
    let events = service::list_events(
        &ctx.db,
        &viewer.actor,
        EventFilters {
            subject_type: None,
            subject_id: Some(id),
            client_id: None,
            event_type: None,
        },
        None,
        comptoir_db::Page {
            page: 1,
            page_size: 100,
        },
    )
    .await?;
    let document = &detail.document;
    let client = client_names(&ctx.db, &viewer.actor, &[document.client_id]).await?;
    let (actions, pay) = actions(kind.kind, document.status, &viewer.actor);
    let status = match (&refusal, &retyped) {
        (Some(refusal), _) => refusal.status,
        (None, Some(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        (None, None) => StatusCode::OK,
    };
    let retyped = retyped.as_ref();
    let forms = json!({
        "deliver": deliveries::form(&detail, &viewer.actor, retyped),
        "return": returns::form(&detail, &viewer.actor, retyped),
        "credit": credits::form(&detail, &viewer.actor, retyped),
        "refund": payments::refund_form(&detail, &viewer.actor, retyped),
    });
    let writes = kind.editor && viewer.actor.may(kind.write);
    // An order with goods taken back links to its returns.
    let returned = detail
        .lines
        .iter()
        .any(|line| line.progress().returned > Quantity::ZERO);
    // A draft order converted from a quote is cancelled, not deleted.
    let deletable = may_delete(kind.kind, document.status).is_ok()
        && !(kind.kind == DocumentKind::Order && document.source_id.is_some());
    let page = show(
        viewer,
        "sales/document.html",
        kind.one,
        json!({
            "doc": detail,
            "kind": kind.kind.as_str(),
            "base": kind.base,
            "one": kind.one,
            "list_title": kind.title,
            "client_name": client.get(&document.client_id),
            "source": source(kind.kind).map(|k| json!({"base": k.base, "one": k.one})),
            "deliveries": deliveries,
            "returned": returned,
            "is_invoice": kind.kind == DocumentKind::Invoice,
            "read_only": document.status != DocumentStatus::Draft,
            "actions": actions,
            "pay": pay,
            "edit": writes && may_edit(kind.kind, document),
            "delete": writes && deletable,
            "today": Utc::now().date_naive(),
            "methods": ["transfer", "card", "cash", "check", "other"],
            "events": events.items,
            "refusal": refusal.map(|r| r.messages),
            "forms": forms,
        }),
    )?;
    Ok((status, page).into_response())
}
