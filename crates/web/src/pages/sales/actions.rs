//! The workflow actions, each a small POST form on the document's page
//! (with the session's `_csrf`), authorized by the same requirement as
//! the API's route and done by the same service function. Done, the
//! reader goes (303) to the resulting document; refused, the document's
//! page shows why, with the refusal's status.

use super::document::{Refusal, render};
use super::{CREDIT_NOTES, INVOICES, Kind, ORDERS, QUOTES};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::typed;
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use chrono::NaiveDate;
use comptoir_domain::FieldErrors;
use comptoir_services::require;
use comptoir_services::sales::{
    self as service, ConfirmRequest, DeliveryLines, DeliveryRequest, Everything, PaymentRequest,
};
use comptoir_services::{ServiceError, ServiceResult};
use serde::Deserialize;
use uuid::Uuid;

/// A route `POST {path}` for the requirement `$need`, whose body `$call`
/// answers the page to go to (`(kind, id)`).
macro_rules! action {
    ($router:expr, $path:literal, $need:ty, $kind:expr, |$ctx:ident, $viewer:ident, $id:ident| $call:expr) => {
        $router.route(
                                    $path,
                                    post(
                                        |$viewer: Allowed<$need>,
                                         State($ctx): State<WebContext>,
                                         Path($id): Path<Uuid>| async move {
                                            let outcome = $call;
                                            finish(&$viewer, &$ctx, $kind, $id, outcome).await
                                        },
                                    ),
                                )
    };
}

pub fn router() -> Router<WebContext> {
    let router = Router::new();
    let router = action!(
        router,
        "/quotes/{id}/send",
        require::SalesWrite,
        &QUOTES,
        |ctx, viewer, id| service::send_quote(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&QUOTES, d.document.id))
    );
    let router = action!(
        router,
        "/quotes/{id}/accept",
        require::SalesWrite,
        &QUOTES,
        |ctx, viewer, id| service::accept_quote(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&QUOTES, d.document.id))
    );
    let router = action!(
        router,
        "/quotes/{id}/refuse",
        require::SalesWrite,
        &QUOTES,
        |ctx, viewer, id| service::refuse_quote(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&QUOTES, d.document.id))
    );
    let router = action!(
        router,
        "/quotes/{id}/convert",
        require::SalesWrite,
        &QUOTES,
        |ctx, viewer, id| service::convert_quote(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&ORDERS, d.document.id))
    );
    let router = action!(
        router,
        "/orders/{id}/confirm",
        require::SalesWrite,
        &ORDERS,
        |ctx, viewer, id| service::confirm_order(
            &ctx.db,
            &viewer.actor,
            id,
            ConfirmRequest::default()
        )
        .await
        .map(|d| (&ORDERS, d.order.document.id))
    );
    let router = action!(
        router,
        "/orders/{id}/cancel",
        require::SalesWrite,
        &ORDERS,
        |ctx, viewer, id| service::cancel_order(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&ORDERS, d.order.document.id))
    );
    // The API's delivery route asks `stock.write`; a button delivers
    // everything still to deliver, from the reserved locations.
    let router = action!(
        router,
        "/orders/{id}/deliver",
        require::StockWrite,
        &ORDERS,
        |ctx, viewer, id| {
            let everything = DeliveryRequest {
                lines: Some(DeliveryLines::All(Everything::All)),
                date: None,
            };
            service::deliver_order(&ctx.db, &viewer.actor, id, everything)
                .await
                .map(|note| (&ORDERS, note.order.order.document.id))
        }
    );
    let router = action!(
        router,
        "/orders/{id}/invoice",
        require::InvoicesWrite,
        &ORDERS,
        |ctx, viewer, id| service::invoice_order(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&INVOICES, d.document.id))
    );
    let router = action!(
        router,
        "/invoices/{id}/issue",
        require::InvoicesWrite,
        &INVOICES,
        |ctx, viewer, id| service::issue_invoice(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&INVOICES, d.document.id))
    );
    let router = action!(
        router,
        "/credit-notes/{id}/issue",
        require::InvoicesWrite,
        &CREDIT_NOTES,
        |ctx, viewer, id| service::issue_credit_note(&ctx.db, &viewer.actor, id)
            .await
            .map(|d| (&CREDIT_NOTES, d.document.id))
    );
    router.route("/invoices/{id}/payments", post(record_payment))
}

/// To the resulting document's page, or the refusal on this one.
async fn finish(
    viewer: &Viewer,
    ctx: &WebContext,
    kind: &'static Kind,
    id: Uuid,
    outcome: ServiceResult<(&'static Kind, Uuid)>,
) -> PageResult<Response> {
    match outcome {
        Ok((to, to_id)) => Ok(Redirect::to(&format!("{}/{to_id}", to.base)).into_response()),
        Err(error) => render(viewer, ctx, kind, id, Some(Refusal::of(error)?)).await,
    }
}

/// The payment form as typed, for a sales invoice or a supplier's.
#[derive(Deserialize)]
pub(crate) struct PaymentForm {
    amount: Option<String>,
    date: Option<String>,
    method: Option<String>,
    reference: Option<String>,
}

impl PaymentForm {
    /// The request the form makes: a decimal comma and grouping spaces
    /// read as typed, a date that is not one refused as the field's error.
    pub(crate) fn request(self) -> ServiceResult<PaymentRequest> {
        let date = match typed(self.date) {
            None => None,
            Some(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Some(date),
                Err(_) => {
                    let mut errors = FieldErrors::new();
                    errors.add("date", "not a valid date");
                    return Err(ServiceError::Validation(errors));
                }
            },
        };
        Ok(PaymentRequest {
            amount: typed(self.amount)
                .map(|a| a.replace(',', ".").replace([' ', '\u{a0}', '\u{202f}'], "")),
            date,
            method: typed(self.method),
            reference: typed(self.reference),
        })
    }
}

async fn record_payment(
    viewer: Allowed<require::InvoicesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<PaymentForm>,
) -> PageResult<Response> {
    let request = match form.request() {
        Ok(request) => request,
        Err(error) => return finish(&viewer, &ctx, &INVOICES, id, Err(error)).await,
    };
    let outcome = service::record_payment(&ctx.db, &viewer.actor, id, request)
        .await
        .map(|recorded| (&INVOICES, recorded.invoice.document.id));
    finish(&viewer, &ctx, &INVOICES, id, outcome).await
}
