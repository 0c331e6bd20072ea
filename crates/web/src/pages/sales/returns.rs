//! Returns: the list of goods taken back from every order
//! (`GET /api/v1/returns`'s service, by search and period), and from an
//! order's page the return form: each line's quantity coming back,
//! within what was delivered and not yet returned
//! (`LineProgress::returnable`), a reason and whether the goods go back
//! into stock, sent to the service behind `POST /api/v1/orders/{id}/returns`.
//! What had been invoiced comes back as a draft credit note, which the
//! reader is taken to.

use super::document::render_with;
use super::forms::{Retyped, chosen_lines, line_row, refused};
use super::{CREDIT_NOTES, ORDERS, OnOrders, PeriodListQuery, on_orders_page};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::typed;
use crate::session::Allowed;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::sales::SalesReturn;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{
    DocumentKind, OrderAction, OrderStatus, ReturnReason, order_transition,
};
use comptoir_services::sales::{self as service, DocumentDetail, ReturnLineRequest, ReturnRequest};
use comptoir_services::{Actor, require};
use serde_json::{Value, json};
use std::collections::HashMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/returns", get(list))
        .route("/orders/{id}/returns", post(take_back))
}

/// The returns, newest first unless sorted otherwise, each with its
/// order and client.
async fn list(
    viewer: Allowed<require::SalesRead>,
    State(ctx): State<WebContext>,
    Query(mut query): Query<PeriodListQuery>,
) -> PageResult<Response> {
    query
        .list
        .sort
        .get_or_insert_with(|| "-created_at".to_owned());
    let listing = service::list_returns(
        &ctx.db,
        &viewer.actor,
        query.returns(),
        query.list.search(),
        query.list.sort::<SalesReturn>(),
        query.list.page(),
    )
    .await?;
    on_orders_page(&viewer, &ctx, listing, &query, LIST, |r| r.order_id).await
}

const LIST: OnOrders = OnOrders {
    template: "sales/returns.html",
    title: "sales.returns",
    key: "sales_return",
};

/// The return form of an order's page, when the order may take goods
/// back, a line has some to take and the reader may record returns.
pub fn form(detail: &DocumentDetail, actor: &Actor, retyped: Option<&Retyped>) -> Option<Value> {
    let document = &detail.document;
    let status = OrderStatus::try_from(document.status).ok()?;
    let allowed = document.kind == DocumentKind::Order
        && actor.may(Permission::ReturnsWrite)
        && order_transition(status, OrderAction::Return).is_ok();
    let rows: Vec<Value> = detail
        .lines
        .iter()
        .filter(|line| line.progress().returnable() > Quantity::ZERO)
        .map(|line| {
            let progress = line.progress();
            line_row(
                retyped,
                "return",
                line.id,
                &line.description,
                json!([progress.delivered, progress.returned]),
                progress.returnable(),
                None,
            )
        })
        .collect();
    let reasons: Vec<&str> = ReturnReason::ALL.iter().map(|r| r.as_str()).collect();
    let restock = match retyped.filter(|r| r.form == "return") {
        Some(retyped) => retyped.values.contains_key("restock"),
        None => true,
    };
    (allowed && !rows.is_empty()).then(|| {
        json!({
            "lines": rows,
            "errors": Retyped::errors(retyped, "return", "lines"),
            "reasons": reasons,
            "reason": Retyped::value(retyped, "return", "reason").unwrap_or_default(),
            "reason_errors": Retyped::errors(retyped, "return", "reason"),
            "restock": restock,
        })
    })
}

async fn take_back(
    viewer: Allowed<require::ReturnsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<HashMap<String, String>>,
) -> PageResult<Response> {
    let chosen = chosen_lines(&form);
    let request = ReturnRequest {
        lines: Some(
            chosen
                .iter()
                .map(|(line_id, quantity)| ReturnLineRequest {
                    line_id: Some(*line_id),
                    quantity: Some(quantity.clone()),
                })
                .collect(),
        ),
        reason: typed(form.get("reason").cloned()),
        // An unchecked box is not sent: absent means "do not restock".
        restock: Some(form.contains_key("restock")),
        location_id: None,
    };
    match service::return_goods(&ctx.db, &viewer.actor, id, request).await {
        Ok(note) => {
            let to = match note.credit_notes.first() {
                Some(credit_note) => format!("{}/{}", CREDIT_NOTES.base, credit_note.document.id),
                None => format!("{}/{id}", ORDERS.base),
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(error) => {
            let (refusal, retyped) = refused("return", &form, &chosen, error)?;
            render_with(&viewer, &ctx, &ORDERS, id, refusal, retyped).await
        }
    }
}
