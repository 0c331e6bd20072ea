//! Deliveries: the list of delivery notes (`GET /api/v1/deliveries`'s
//! service), and on a confirmed order's page the form of a partial
//! delivery — each line's quantity, prefilled with what remains
//! (`LineProgress::undelivered`), sent to the deliveries service.

use super::document::render_with;
use super::forms::{Retyped, chosen_lines, line_row, refused};
use super::{ORDERS, OnOrders, PeriodListQuery, on_orders_page};
use crate::WebContext;
use crate::error::PageResult;
use crate::session::Allowed;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::sales::Delivery;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{DocumentKind, OrderAction, OrderStatus, order_transition};
use comptoir_services::Actor;
use comptoir_services::require;
use comptoir_services::sales::{
    self as service, DeliveryLineRequest, DeliveryLines, DeliveryRequest, DocumentDetail,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/deliveries", get(list))
        .route("/orders/{id}/deliveries", post(deliver))
}

async fn list(
    viewer: Allowed<require::SalesRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<PeriodListQuery>,
) -> PageResult<Response> {
    let listing = service::list_deliveries(
        &ctx.db,
        &viewer.actor,
        query.deliveries(),
        query.list.search(),
        query.list.sort::<Delivery>(),
        query.list.page(),
    )
    .await?;
    on_orders_page(&viewer, &ctx, listing, &query, LIST, |d| d.order_id).await
}

const LIST: OnOrders = OnOrders {
    template: "sales/deliveries.html",
    title: "sales.deliveries",
    key: "delivery",
};

/// The partial delivery form of an order's page, when the order may be
/// delivered, something remains to deliver and the reader may move stock
/// (the API's delivery route asks `stock.write`).
pub fn form(detail: &DocumentDetail, actor: &Actor, retyped: Option<&Retyped>) -> Option<Value> {
    let document = &detail.document;
    let status = OrderStatus::try_from(document.status).ok()?;
    let allowed = document.kind == DocumentKind::Order
        && actor.may(Permission::StockWrite)
        && order_transition(status, OrderAction::Deliver { complete: false }).is_ok();
    let rows: Vec<Value> = detail
        .lines
        .iter()
        .filter(|line| line.progress().undelivered() > Quantity::ZERO)
        .map(|line| {
            let progress = line.progress();
            line_row(
                retyped,
                "deliver",
                line.id,
                &line.description,
                json!([progress.ordered, progress.delivered]),
                progress.undelivered(),
                Some(progress.undelivered().to_string()),
            )
        })
        .collect();
    (allowed && !rows.is_empty()).then(|| {
        json!({
            "lines": rows,
            "errors": Retyped::errors(retyped, "deliver", "lines"),
        })
    })
}

/// Delivers the quantities typed; back to the order, or the form again
/// with each line's message next to it.
async fn deliver(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(typed): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let chosen = chosen_lines(&typed);
    let request = DeliveryRequest {
        lines: Some(DeliveryLines::Chosen(
            chosen
                .iter()
                .map(|(line_id, quantity)| DeliveryLineRequest {
                    line_id: Some(*line_id),
                    quantity: Some(quantity.clone()),
                    location_id: None,
                })
                .collect(),
        )),
        date: None,
    };
    match service::deliver_order(&ctx.db, &viewer.actor, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/orders/{id}")).into_response()),
        Err(error) => {
            let (refusal, retyped) = refused("deliver", &typed, &chosen, error)?;
            render_with(&viewer, &ctx, &ORDERS, id, refusal, retyped).await
        }
    }
}
