//! `/inventories/{id}/count`: the count screen, made for a tablet. A
//! scan-or-search field on top: Enter on a barcode (or a code) selects its
//! line and puts the cursor in its count; typing a name narrows the lines.
//! Each line is its own form: with the script it is saved by htmx and
//! only that line is drawn again; without it the page comes back at the
//! line. `?q=` narrows the lines on the server too.

use super::inventories::{LineView, actions, lines};
use super::uuid;
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_domain::FieldErrors;
use comptoir_domain::stock::InventoryStatus;
use comptoir_services::stock::{CountRequest, inventories};
use comptoir_services::{ServiceError, require};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/inventories/{id}/count", get(count_screen))
        .route("/inventories/{id}/counts", post(record))
}

#[derive(Deserialize, Default)]
struct CountQuery {
    q: Option<String>,
}

async fn count_screen(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Query(query): Query<CountQuery>,
) -> PageResult<Response> {
    screen(&viewer, &ctx, id, typed(query.q), StatusCode::OK, None).await
}

/// The count screen, the lines matching `q`; `failed` is the line whose
/// count was refused, with the count typed and the errors.
async fn screen(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    q: Option<String>,
    status: StatusCode,
    failed: Option<(Uuid, String, FieldErrors)>,
) -> PageResult<Response> {
    let detail = inventories::get(&ctx.db, &viewer.actor, id).await?;
    if detail.inventory.status != InventoryStatus::Open {
        return Ok(Redirect::to(&format!("/inventories/{id}/review")).into_response());
    }
    let inventory = detail.inventory.clone();
    let all = lines(&ctx.db, &viewer.actor, detail).await?;
    let total = all.len();
    let counted = all.iter().filter(|l| l.line.counted.is_some()).count();
    let shown: Vec<LineView> = match q.as_deref().map(str::to_lowercase) {
        Some(q) => all
            .into_iter()
            .filter(|l| {
                l.code.to_lowercase().contains(&q)
                    || l.name.to_lowercase().contains(&q)
                    || l.barcode.as_deref() == Some(q.as_str())
            })
            .collect(),
        None => all,
    };
    let (failed_line, typed_count, errors) = match failed {
        Some((line, count, errors)) => (Some(line), count, by_field(errors)),
        None => (None, String::new(), BTreeMap::new()),
    };
    let page = show(
        viewer,
        "stock/inventory_count.html",
        "stock.inventory.count",
        json!({
            "inventory": inventory,
            "lines": shown,
            "total": total,
            "counted": counted,
            "q": q.unwrap_or_default(),
            "failed": failed_line,
            "typed": typed_count,
            "errors": errors,
            "oob": false,
            "actions": actions(inventory.status, &viewer.actor),
        }),
    )?;
    Ok((status, page).into_response())
}

/// One line's count as its form sends it.
#[derive(Deserialize)]
struct CountForm {
    line_id: Option<String>,
    product_id: Option<String>,
    variant_id: Option<String>,
    location_id: Option<String>,
    counted: Option<String>,
    q: Option<String>,
}

async fn record(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
    Form(form): Form<CountForm>,
) -> PageResult<Response> {
    let htmx = headers.contains_key("hx-request");
    let line_id = uuid(&form.line_id).unwrap_or_default();
    let typed_count = typed(form.counted.clone()).unwrap_or_default();
    let request = CountRequest {
        product_id: uuid(&form.product_id),
        variant_id: uuid(&form.variant_id),
        location_id: uuid(&form.location_id),
        counted_quantity: typed(form.counted.clone()).map(|c| c.replace(',', ".")),
    };
    let errors = match inventories::record_counts(&ctx.db, &viewer.actor, id, vec![request]).await {
        Ok(_) => FieldErrors::new(),
        Err(ServiceError::Validation(errors)) => {
            // The service names a count's fields `[0].field`; the line
            // shows them under its one input.
            let mut mine = FieldErrors::new();
            for error in errors.into_vec() {
                mine.add("counted", error.message);
            }
            mine
        }
        Err(other) => return Err(other.into()),
    };
    let refused = !errors.is_empty();
    if htmx {
        return line_fragment(&viewer, &ctx, id, line_id, typed_count, errors).await;
    }
    if refused {
        let failed = Some((line_id, typed_count, errors));
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return screen(&viewer, &ctx, id, typed(form.q), status, failed).await;
    }
    let back = match typed(form.q) {
        Some(q) => format!(
            "/inventories/{id}/count?q={}#line-{line_id}",
            urlencoding(&q)
        ),
        None => format!("/inventories/{id}/count#line-{line_id}"),
    };
    Ok(Redirect::to(&back).into_response())
}

/// `text` as a URL query value.
fn urlencoding(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// One line drawn again after htmx saved (or refused) its count. A
/// refusal answers 200 so htmx swaps the line with its message in.
async fn line_fragment(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    line_id: Uuid,
    typed_count: String,
    errors: FieldErrors,
) -> PageResult<Response> {
    let detail = inventories::get(&ctx.db, &viewer.actor, id).await?;
    let inventory = detail.inventory.clone();
    let all = lines(&ctx.db, &viewer.actor, detail).await?;
    let total = all.len();
    let counted = all.iter().filter(|l| l.line.counted.is_some()).count();
    let line = all.into_iter().find(|l| l.line.id == line_id);
    let refused = !errors.is_empty();
    show(
        viewer,
        "stock/count_saved.html",
        "stock.inventory.count",
        json!({
            "inventory": inventory,
            "line": line,
            "failed": if refused { Some(line_id) } else { None },
            "typed": typed_count,
            "errors": by_field(errors),
            "q": "",
            "counted": counted,
            "total": total,
            "oob": false,
        }),
    )
    .map(IntoResponse::into_response)
}
