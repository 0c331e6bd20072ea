//! Crediting an issued invoice from its page: each line's quantity to
//! credit, within what remains creditable (`progress::creditable`), sent
//! to the service behind `POST /api/v1/invoices/{id}/credit-notes`; the
//! credit note is issued at once and the reader goes to it.

use super::document::render_with;
use super::forms::{Retyped, chosen_lines, line_row, refused};
use super::{CREDIT_NOTES, INVOICES};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::typed;
use crate::session::Allowed;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::progress::creditable;
use comptoir_domain::sales::{DocumentKind, InvoiceAction, InvoiceStatus, invoice_transition};
use comptoir_services::sales::{
    self as service, CreditLineRequest, CreditNoteRequest, DocumentDetail,
};
use comptoir_services::{Actor, ServiceError, require};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new().route("/invoices/{id}/credit-notes", post(credit))
}

/// The credit form of an invoice's page, when the invoice may be
/// credited, a line has something left to credit and the reader may
/// write invoices. Quantities start empty: a credit is chosen, not
/// assumed.
pub fn form(detail: &DocumentDetail, actor: &Actor, retyped: Option<&Retyped>) -> Option<Value> {
    let document = &detail.document;
    let status = InvoiceStatus::try_from(document.status).ok()?;
    let allowed = document.kind == DocumentKind::Invoice
        && actor.may(Permission::InvoicesWrite)
        && invoice_transition(status, InvoiceAction::Credit { settled: false }).is_ok();
    let rows: Vec<Value> = detail
        .lines
        .iter()
        .filter_map(|line| {
            let left = creditable(line.quantity.0, line.credited_quantity.0, Quantity::ZERO);
            (left > Quantity::ZERO).then(|| {
                line_row(
                    retyped,
                    "credit",
                    line.id,
                    &line.description,
                    json!([line.quantity, line.credited_quantity]),
                    left,
                    None,
                )
            })
        })
        .collect();
    (allowed && !rows.is_empty()).then(|| {
        json!({
            "lines": rows,
            "errors": Retyped::errors(retyped, "credit", "lines"),
            "notes": Retyped::value(retyped, "credit", "notes").unwrap_or_default(),
            "notes_errors": Retyped::errors(retyped, "credit", "notes"),
        })
    })
}

async fn credit(
    viewer: Allowed<require::InvoicesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let chosen = chosen_lines(&form);
    let outcome = if chosen.is_empty() {
        // No line means "everything" to the service; on this form it
        // means nothing was chosen.
        let mut errors = FieldErrors::new();
        errors.add("lines", "at least one line is required");
        Err(ServiceError::Validation(errors))
    } else {
        let request = CreditNoteRequest {
            lines: Some(
                chosen
                    .iter()
                    .map(|(line_id, quantity)| CreditLineRequest {
                        line_id: Some(*line_id),
                        quantity: Some(quantity.clone()),
                    })
                    .collect(),
            ),
            notes: typed(form.get("notes").cloned()),
        };
        service::credit_invoice(&ctx.db, &viewer.actor, id, request).await
    };
    match outcome {
        Ok(credit_note) => Ok(Redirect::to(&format!(
            "{}/{}",
            CREDIT_NOTES.base, credit_note.document.id
        ))
        .into_response()),
        Err(error) => {
            let (refusal, retyped) = refused("credit", &form, &chosen, error)?;
            render_with(&viewer, &ctx, &INVOICES, id, refusal, retyped).await
        }
    }
}
