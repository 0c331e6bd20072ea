//! What htmx asks the server as the reader types in the editor: the
//! clients, and the products and variants, matching what is typed, a row
//! filled with the product or variant chosen (description, the client's
//! price by the price resolver, VAT), and the totals with the VAT breakdown, computed by the same
//! service validation and domain totals as a saved draft — the browser
//! does no arithmetic. Each answers a fragment; those that change the
//! form tell the totals to follow (`editor-changed`).

use super::form::{EditorForm, LineForm, line_field};
use super::picking::{CANDIDATES, Suggestion};
use super::{INVOICES, Kind, ORDERS, QUOTES, totals_of};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::pickers::Records;
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use comptoir_domain::FieldErrors;
use comptoir_services::ServiceError;
use comptoir_services::catalog::sellables;
use comptoir_services::require;
use comptoir_services::sales::{self as service, DocumentRequest, LineRequest};
use serde_json::{Value, json};
use uuid::Uuid;

/// The event the totals listen to, raised once a fragment is in place.
const CHANGED: (&str, &str) = ("hx-trigger-after-swap", "editor-changed");

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/sales/editor/clients", get(clients))
        .route("/sales/editor/products", get(products))
        .route("/sales/editor/line", get(line))
}

/// The query's value of `name`, or of the row field `field`.
fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name || line_field(key).is_some_and(|(_, f)| f == name))
        .map(|(_, value)| value.as_str())
        .and_then(|text| {
            typed(Some(text.to_owned()))
                .is_some()
                .then_some(text.trim())
        })
}

/// The picker's options for what is typed (`pickers`); the rows are then
/// priced for the client chosen, and the totals follow.
async fn clients(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let fragment = Records::Clients.answer(&viewer, &ctx, &pairs).await?;
    let changed = ("hx-trigger-after-swap", "client-changed, editor-changed");
    Ok(([changed], fragment).into_response())
}

/// The products and variants matching what is typed in a row's product
/// box, each a button that fills the row.
async fn products(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let q = value(&pairs, "product");
    let found = match q {
        None => Vec::new(),
        Some(q) => sellables::search(&ctx.db, &viewer.actor, q, CANDIDATES).await?,
    };
    let products: Vec<Suggestion> = found.iter().map(Suggestion::from).collect();
    show(
        &viewer,
        "sales/editor_products.html",
        "sales.editor.product",
        json!({
            "products": products,
            "q": q,
            "key": value(&pairs, "key").unwrap_or_default(),
            "kind": kind_of(&pairs).kind.as_str(),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The kind the editor writes, as its fragments name it.
fn kind_of(pairs: &[(String, String)]) -> &'static Kind {
    match value(pairs, "kind") {
        Some("order") => &ORDERS,
        Some("invoice") => &INVOICES,
        _ => &QUOTES,
    }
}

/// A row: empty under a fresh key (the "add a line" button), or filled
/// with a product or variant as the service prices it for the chosen
/// client — one line validated as a draft's would be, so what the row
/// shows is what saving keeps.
async fn line(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let kind = kind_of(&pairs);
    let Some(product_id) = value(&pairs, "product_id").and_then(|p| Uuid::parse_str(p).ok()) else {
        return row(&viewer, kind, LineForm::blank(), FieldErrors::new(), false);
    };
    let variant_id = value(&pairs, "variant_id").and_then(|v| Uuid::parse_str(v).ok());
    let key = value(&pairs, "key").unwrap_or("0").to_owned();
    let client_id = value(&pairs, "client_id").and_then(|c| Uuid::parse_str(c).ok());
    let mut chosen = LineForm {
        key: key.clone(),
        product_id: product_id.to_string(),
        variant_id: variant_id.map(|v| v.to_string()).unwrap_or_default(),
        quantity: value(&pairs, "quantity").unwrap_or("1").to_owned(),
        discount_percent: value(&pairs, "discount_percent")
            .unwrap_or_default()
            .to_owned(),
        ..Default::default()
    };
    let mut errors = FieldErrors::new();
    if client_id.is_none() {
        errors.add(format!("lines[{key}].product_id"), "choose a client first");
        return row(&viewer, kind, chosen, errors, false);
    }
    let request = DocumentRequest {
        client_id,
        warehouse_id: None,
        currency: None,
        issue_date: value(&pairs, "issue_date").and_then(|d| d.parse().ok()),
        valid_until: None,
        notes: None,
        discount_percent: None,
        lines: Some(vec![LineRequest {
            product_id: Some(product_id),
            variant_id,
            description: None,
            quantity: Some(chosen.quantity.clone()),
            unit_price: None,
            discount_percent: typed(Some(chosen.discount_percent.clone())),
            vat_rate: None,
            vat_category: None,
            vat_exemption_reason: None,
        }]),
    };
    match service::preview_draft(&ctx.db, &viewer.actor, kind.kind, request).await {
        Ok(preview) => {
            let line = &preview.lines[0];
            let filled = LineForm::filled(key, &line.description, line);
            row(&viewer, kind, filled, errors, true)
        }
        Err(ServiceError::Validation(found)) => {
            // The service names the one line `lines[0]`; the row has its key.
            for error in found.into_vec() {
                let field = error
                    .field
                    .replacen("lines[0]", &format!("lines[{key}]"), 1);
                errors.add(field, error.message);
            }
            chosen.product = value(&pairs, "product").unwrap_or_default().to_owned();
            row(&viewer, kind, chosen, errors, false)
        }
        Err(other) => Err(other.into()),
    }
}

fn row(
    viewer: &Viewer,
    kind: &'static Kind,
    line: LineForm,
    errors: FieldErrors,
    changed: bool,
) -> PageResult<Response> {
    let fragment = show(
        viewer,
        "sales/editor_line.html",
        "sales.lines",
        json!({
            "line": line,
            "errors": by_field(errors),
            "kind": kind.kind.as_str(),
            "currency": "EUR",
        }),
    )?;
    Ok(match changed {
        true => ([CHANGED], fragment).into_response(),
        false => fragment.into_response(),
    })
}

/// The totals and VAT breakdown of the form as it stands, each line's
/// total put in its row; or what keeps them from being computed.
pub async fn preview(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Form(pairs): Form<Vec<(String, String)>>,
    kind: &'static Kind,
) -> PageResult<Response> {
    let (form, _) = EditorForm::parse(pairs);
    let kept = form.line_keys();
    let (request, errors) = form.request();
    let outcome = match errors.is_empty() {
        true => service::preview_draft(&ctx.db, &viewer.actor, kind.kind, request).await,
        false => Err(ServiceError::Validation(errors)),
    };
    let values = match outcome {
        Ok(preview) => {
            let line_totals: Vec<Value> = kept
                .iter()
                .zip(&preview.lines)
                .map(|(key, line)| {
                    json!({"key": key, "total": line.amounts.total_excl_tax().to_string()})
                })
                .collect();
            json!({
                "totals": totals_of(&preview),
                "currency": preview.currency,
                "problems": [],
                "line_totals": line_totals,
            })
        }
        Err(ServiceError::Validation(found)) => json!({
            "totals": null,
            "currency": "EUR",
            "problems": found.into_vec().into_iter().map(|e| problem(&e.field, &e.message)).collect::<Vec<_>>(),
            "line_totals": [],
        }),
        Err(other) => return Err(other.into()),
    };
    show(
        &viewer,
        "sales/editor_totals.html",
        "sales.tax_breakdown",
        values,
    )
    .map(IntoResponse::into_response)
}

/// The rows priced again for the client now chosen: product lines get
/// the resolver's price for that client, free-text lines stay as typed.
/// Nothing to swap (204) while the form cannot be priced yet.
pub async fn repriced(
    viewer: Viewer,
    State(ctx): State<WebContext>,
    Form(pairs): Form<Vec<(String, String)>>,
    kind: &'static Kind,
) -> PageResult<Response> {
    let (mut form, _) = EditorForm::parse(pairs);
    for line in form
        .lines
        .iter_mut()
        .filter(|l| !l.product_id.trim().is_empty())
    {
        line.unit_price.clear();
    }
    let (request, errors) = form.request();
    if !errors.is_empty() {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    let preview = match service::preview_draft(&ctx.db, &viewer.actor, kind.kind, request).await {
        Ok(preview) => preview,
        Err(ServiceError::Validation(_)) => return Ok(StatusCode::NO_CONTENT.into_response()),
        Err(other) => return Err(other.into()),
    };
    let mut priced = preview.lines.iter();
    let lines: Vec<LineForm> = form
        .lines
        .into_iter()
        .map(|typed| match typed.is_blank() {
            true => typed,
            false => match priced.next() {
                Some(line) => LineForm::filled(typed.key, &typed.product, line),
                None => typed,
            },
        })
        .collect();
    let fragment = show(
        &viewer,
        "sales/editor_rows.html",
        "sales.lines",
        json!({
            "lines": lines,
            "errors": {},
            "kind": kind.kind.as_str(),
            "currency": preview.currency,
        }),
    )?;
    Ok(([CHANGED], fragment).into_response())
}

/// A refusal as the totals say it: the line's number (from 1), the
/// field's label, the message.
fn problem(field: &str, message: &str) -> Value {
    let (line, name) = match line_field(field) {
        Some((at, name)) => (at.parse::<usize>().ok().map(|n| n + 1), name),
        None => (None, field),
    };
    let label = match name {
        "client_id" => "sales.client",
        "product_id" | "variant_id" => "sales.editor.product",
        "description" => "sales.description",
        "quantity" => "sales.quantity",
        "unit_price" => "sales.unit_price",
        "discount_percent" if line.is_some() => "sales.discount",
        "discount_percent" => "sales.document_discount",
        "vat_rate" | "vat_category" => "sales.vat_rate",
        "issue_date" => "sales.issue_date",
        "valid_until" => "sales.valid_until",
        "notes" => "sales.notes",
        _ => "sales.lines",
    };
    json!({"line": line, "label": label, "message": message})
}
