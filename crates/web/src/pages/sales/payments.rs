//! Payments: the list of payments received and refunds made
//! (`GET /api/v1/payments`'s service, filtered by kind and method), and
//! on an invoice's page the refund form when payments and credit notes
//! together went past its total (`refund_due`), sent to the service
//! behind `POST /api/v1/invoices/{id}/refunds`.

use super::document::render_with;
use super::forms::{Retyped, decimal_text, refused};
use super::{INVOICES, Period, client_names, documents};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::Allowed;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{NaiveDate, Utc};
use comptoir_db::sales::Payment;
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{
    DocumentKind, InvoiceAction, InvoiceStatus, PaymentKind, PaymentMethod, invoice_transition,
};
use comptoir_services::sales::{self as service, DocumentDetail, PaymentFilters, RefundRequest};
use comptoir_services::{Actor, ServiceError, require};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/payments", get(list))
        .route("/invoices/{id}/refunds", post(refund))
}

#[derive(Deserialize, Default)]
pub(crate) struct PaymentListQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    #[serde(flatten)]
    period: Period,
    kind: Option<String>,
    method: Option<String>,
}

impl PaymentListQuery {
    /// The list's filters as its URL carries them (and its export reads
    /// them); a filter edited by hand into the URL is ignored, as a bad
    /// page is.
    pub(crate) fn filters(&self) -> PaymentFilters {
        PaymentFilters {
            invoice_id: None,
            client_id: None,
            kind: typed(self.kind.clone()).filter(|k| kinds().contains(&k.as_str())),
            method: typed(self.method.clone()).filter(|m| methods().contains(&m.as_str())),
            from: self.period.from(),
            to: self.period.to(),
        }
    }
}

fn kinds() -> Vec<&'static str> {
    PaymentKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn methods() -> Vec<&'static str> {
    PaymentMethod::ALL.iter().map(|m| m.as_str()).collect()
}

async fn list(
    viewer: Allowed<require::InvoicesRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<PaymentListQuery>,
) -> PageResult<Response> {
    let filters = query.filters();
    let (kind, method) = (filters.kind.clone(), filters.method.clone());
    let listing = service::list_payments(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Payment>(),
        query.list.page(),
    )
    .await?;
    let invoices: Vec<Uuid> = listing.items.iter().map(|p| p.invoice_id).collect();
    let invoices = documents(&ctx.db, &viewer.actor, &invoices).await?;
    let clients: Vec<Uuid> = invoices.values().map(|i| i.client_id).collect();
    let names = client_names(&ctx.db, &viewer.actor, &clients).await?;
    let view = ListView::new(listing, &query.list);
    let items: Vec<Value> = view
        .items
        .iter()
        .map(|payment| {
            let invoice = invoices.get(&payment.invoice_id);
            json!({
                "payment": payment,
                "invoice_number": invoice.and_then(|i| i.number.clone()),
                "currency": invoice.map(|i| i.currency.clone()),
                "client_id": invoice.map(|i| i.client_id),
                "client_name": invoice.and_then(|i| names.get(&i.client_id)),
            })
        })
        .collect();
    show(
        &viewer,
        "sales/payments.html",
        "sales.payments",
        json!({
            "list": {
                "items": items,
                "total": view.total,
                "more": view.more,
                "page": view.page,
                "pages": view.pages,
                "q": view.q,
                "sort": view.sort,
            },
            "kinds": kinds(),
            "methods": methods(),
            "kind": kind.unwrap_or_default(),
            "method": method.unwrap_or_default(),
            "period": query.period.view(),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The refund form of an invoice's page, when something is owed back and
/// the reader may write invoices; the amount starts at what is owed.
pub fn refund_form(
    detail: &DocumentDetail,
    actor: &Actor,
    retyped: Option<&Retyped>,
) -> Option<Value> {
    let document = &detail.document;
    let status = InvoiceStatus::try_from(document.status).ok()?;
    let owed = detail.money.refund_due.filter(|due| due.units() > 0)?;
    let allowed = document.kind == DocumentKind::Invoice
        && actor.may(Permission::InvoicesWrite)
        && invoice_transition(status, InvoiceAction::Refund).is_ok();
    let field = |name: &str| {
        json!({
            "value": Retyped::value(retyped, "refund", name),
            "errors": Retyped::errors(retyped, "refund", name),
        })
    };
    allowed.then(|| {
        json!({
            "owed": owed,
            "amount": Retyped::value(retyped, "refund", "amount").unwrap_or_else(|| owed.to_string()),
            "fields": {
                "amount": field("amount"),
                "date": field("date"),
                "method": field("method"),
                "reference": field("reference"),
            },
            "today": Utc::now().date_naive(),
            "methods": methods(),
        })
    })
}

async fn refund(
    viewer: Allowed<require::InvoicesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let date = typed(form.get("date").cloned());
    let outcome = match date
        .as_deref()
        .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"))
    {
        Some(Err(_)) => {
            let mut errors = FieldErrors::new();
            errors.add("date", "not a valid date");
            Err(ServiceError::Validation(errors))
        }
        date => {
            let request = RefundRequest {
                amount: typed(form.get("amount").map(|a| decimal_text(a))),
                date: date.and_then(Result::ok),
                method: typed(form.get("method").cloned()),
                reference: typed(form.get("reference").cloned()),
            };
            service::record_refund(&ctx.db, &viewer.actor, id, request).await
        }
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("{}/{id}", INVOICES.base)).into_response()),
        Err(error) => {
            let (refusal, retyped) = refused("refund", &form, &[], error)?;
            render_with(&viewer, &ctx, &INVOICES, id, refusal, retyped).await
        }
    }
}
