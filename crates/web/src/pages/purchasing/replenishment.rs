//! Replenishment: what to order to bring each item under its minimum back
//! to its maximum, with the items ticked turned into draft purchase
//! orders, one per supplier and warehouse, by the service the API's
//! `POST /stock/replenishment` calls.

use super::Names;
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::show;
use crate::session::Allowed;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use comptoir_domain::permissions::Permission;
use comptoir_services::purchasing::{self as service, SuggestionKey};
use comptoir_services::require;
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new().route("/replenishment", get(suggestions).post(order))
}

/// A suggestion's key as its checkbox carries it:
/// `product:variant:warehouse`, the variant empty for none.
fn key_text(key: SuggestionKey) -> String {
    let variant = key.variant_id.map(|v| v.to_string()).unwrap_or_default();
    format!("{}:{variant}:{}", key.product_id, key.warehouse_id)
}

fn parse_key(text: &str) -> Option<SuggestionKey> {
    let mut parts = text.split(':');
    let product_id = parts.next()?.parse::<Uuid>().ok()?;
    let variant_id = match parts.next()? {
        "" => None,
        variant => Some(variant.parse::<Uuid>().ok()?),
    };
    let warehouse_id = parts.next()?.parse::<Uuid>().ok()?;
    Some(SuggestionKey {
        product_id,
        variant_id,
        warehouse_id,
    })
}

async fn suggestions(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
) -> PageResult<Response> {
    let suggestions = service::suggestions(&ctx.db, &viewer.actor).await?;
    let names = Names::read(
        &ctx.db,
        &viewer.actor,
        suggestions.iter().filter_map(|s| s.supplier_id).collect(),
        suggestions.iter().map(|s| s.product_id).collect(),
        suggestions.iter().map(|s| s.warehouse_id).collect(),
    )
    .await;
    let rows: Vec<_> = suggestions
        .iter()
        .map(|s| json!({"key": key_text(s.key()), "suggestion": s}))
        .collect();
    show(
        &viewer,
        "purchasing/replenishment.html",
        "replenishment.title",
        json!({
            "rows": rows,
            "names": names,
            "may_order": viewer.actor.may(Permission::PurchasesWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// Orders the ticked suggestions; to the one order made, or to the drafts.
async fn order(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let keys: Vec<SuggestionKey> = fields
        .iter()
        .filter(|(name, _)| name == "key")
        .filter_map(|(_, value)| parse_key(value))
        .collect();
    if keys.is_empty() {
        return Err(PageError::BadRequest("no suggestion was ticked"));
    }
    let orders = service::order_suggestions(&ctx.db, &viewer.actor, Some(&keys)).await?;
    let to = match orders.as_slice() {
        [one] => format!("/purchase-orders/{}", one.order.id),
        _ => "/purchase-orders?status=draft".to_owned(),
    };
    Ok(Redirect::to(&to).into_response())
}
