//! `/inventories`: the list, opening one on a warehouse, the review of
//! its differences (expected, counted, value) and the close and cancel
//! buttons the state machine and the reader's role allow. The count
//! screen is in `count`.

use super::{Places, products, uuid, variants};
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::inventories::{Inventory, InventoryLine};
use comptoir_domain::permissions::Permission;
use comptoir_domain::stock::{InventoryAction, InventoryStatus, inventory_transition};
use comptoir_services::stock::{
    InventoryDetail, InventoryFilters, OpenInventoryRequest, inventories,
};
use comptoir_services::{Actor, ServiceError, require};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/inventories", get(list).post(open))
        .route("/inventories/{id}", get(inventory_page))
        .route("/inventories/{id}/review", get(review))
        .route("/inventories/{id}/close", post(close))
        .route("/inventories/{id}/cancel", post(cancel))
}

#[derive(Deserialize, Default)]
pub(crate) struct InventoryQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    warehouse: Option<String>,
    status: Option<String>,
}

impl InventoryQuery {
    /// The list's filters as its URL carries them (and its export reads
    /// them); a value edited by hand into something else is ignored.
    pub(crate) fn filters(&self) -> InventoryFilters {
        InventoryFilters {
            warehouse_id: uuid(&self.warehouse),
            status: typed(self.status.clone()).filter(|s| InventoryStatus::parse(s).is_ok()),
        }
    }
}

async fn list(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<InventoryQuery>,
) -> PageResult<Response> {
    listing_page(&viewer, &ctx, &query, StatusCode::OK, None).await
}

async fn listing_page(
    viewer: &Viewer,
    ctx: &WebContext,
    query: &InventoryQuery,
    status: StatusCode,
    notice: Option<&str>,
) -> PageResult<Response> {
    let filters = query.filters();
    let (warehouse, state) = (filters.warehouse_id, filters.status.clone());
    let listing = inventories::list(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Inventory>(),
        query.list.page(),
    )
    .await?;
    let places = Places::read(&ctx.db, &viewer.actor).await?;
    let page = show(
        viewer,
        "stock/inventories.html",
        "stock.inventories",
        json!({
            "list": ListView::new(listing, &query.list),
            "warehouse": warehouse,
            "status": state.unwrap_or_default(),
            "statuses": InventoryStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "warehouse_names": places.warehouse_names(),
            "places": places,
            "notice": notice,
            "may_write": viewer.actor.may(Permission::StockWrite),
        }),
    )?;
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
struct OpenForm {
    warehouse_id: Option<String>,
}

async fn open(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<OpenForm>,
) -> PageResult<Response> {
    let request = OpenInventoryRequest {
        warehouse_id: uuid(&form.warehouse_id),
        location_ids: None,
        category_id: None,
    };
    match inventories::open(&ctx.db, &viewer.actor, request).await {
        Ok(detail) => Ok(
            Redirect::to(&format!("/inventories/{}/count", detail.inventory.id)).into_response(),
        ),
        Err(ServiceError::Validation(errors)) => {
            let message = errors
                .into_vec()
                .into_iter()
                .map(|e| e.message)
                .next()
                .unwrap_or_default();
            listing_page(
                &viewer,
                &ctx,
                &InventoryQuery::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&message),
            )
            .await
        }
        Err(ServiceError::Conflict { message, .. } | ServiceError::InvalidTransition(message)) => {
            listing_page(
                &viewer,
                &ctx,
                &InventoryQuery::default(),
                StatusCode::CONFLICT,
                Some(&message),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// An open inventory is counted, a finished one reviewed.
async fn inventory_page(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let detail = inventories::get(&ctx.db, &viewer.actor, id).await?;
    let next = if detail.inventory.status == InventoryStatus::Open
        && viewer.actor.may(Permission::StockWrite)
    {
        "count"
    } else {
        "review"
    };
    Ok(Redirect::to(&format!("/inventories/{id}/{next}")).into_response())
}

/// A line as the count screen and the review show it.
#[derive(Serialize)]
pub struct LineView {
    #[serde(flatten)]
    pub line: InventoryLine,
    pub code: String,
    pub name: String,
    pub barcode: Option<String>,
    pub location: String,
    /// The difference at the product's cost (see [`cost`]).
    pub value: Option<Decimal>,
}

/// What a unit of the product is worth in stock: its average cost, or
/// its purchase price while no receipt has set one.
fn cost(product: &Product) -> Decimal {
    let average = product.average_cost.0.value();
    match &product.purchase_price {
        Some(price) if average.is_zero() => price.0.value(),
        _ => average,
    }
}

/// The inventory's lines with their product (or variant) and location, by location
/// then product code: the order a counter walks the shelves.
pub async fn lines(
    db: &comptoir_db::Db,
    actor: &Actor,
    detail: InventoryDetail,
) -> PageResult<Vec<LineView>> {
    let places = Places::read(db, actor).await?;
    let labels = places.labels();
    let ids: Vec<Uuid> = detail.lines.iter().map(|l| l.product_id).collect();
    let products: BTreeMap<Uuid, Product> = products(db, actor, &ids).await;
    let ids: Vec<Uuid> = detail.lines.iter().filter_map(|l| l.variant_id).collect();
    let variants: BTreeMap<Uuid, Variant> = variants(db, actor, &ids).await;
    let mut lines: Vec<LineView> = detail
        .lines
        .into_iter()
        .map(|line| {
            let product = products.get(&line.product_id);
            let variant = line.variant_id.and_then(|id| variants.get(&id));
            let cost = product.map(cost);
            let name = product.map(|p| p.name.clone()).unwrap_or_default();
            LineView {
                code: match variant {
                    Some(v) => v.code.clone(),
                    None => product.map(|p| p.code.clone()).unwrap_or_default(),
                },
                name: match variant {
                    Some(v) => format!("{name} — {}", v.name),
                    None => name,
                },
                barcode: match variant {
                    Some(v) => v.barcode.clone(),
                    None => product.and_then(|p| p.barcode.clone()),
                },
                location: labels.get(&line.location_id).cloned().unwrap_or_default(),
                value: line
                    .difference
                    .zip(cost)
                    .map(|(d, c)| (d.0.value() * c).round_dp(2)),
                line,
            }
        })
        .collect();
    lines.sort_by(|a, b| (&a.location, &a.code).cmp(&(&b.location, &b.code)));
    Ok(lines)
}

/// The buttons of the inventory's state the reader may press.
pub fn actions(status: InventoryStatus, actor: &Actor) -> Vec<&'static str> {
    if !actor.may(Permission::StockWrite) {
        return vec![];
    }
    [
        (InventoryAction::Close, "close"),
        (InventoryAction::Cancel, "cancel"),
    ]
    .into_iter()
    .filter(|(action, _)| inventory_transition(status, *action).is_ok())
    .map(|(_, name)| name)
    .collect()
}

async fn review(
    viewer: Allowed<require::StockRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    review_page(&viewer, &ctx, id, StatusCode::OK, None).await
}

async fn review_page(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    status: StatusCode,
    notice: Option<&str>,
) -> PageResult<Response> {
    let detail = inventories::get(&ctx.db, &viewer.actor, id).await?;
    let inventory = detail.inventory.clone();
    let places = Places::read(&ctx.db, &viewer.actor).await?;
    let lines = lines(&ctx.db, &viewer.actor, detail).await?;
    let counted = lines.iter().filter(|l| l.line.counted.is_some()).count();
    let total: Decimal = lines.iter().filter_map(|l| l.value).sum();
    let differing: Vec<&LineView> = lines
        .iter()
        .filter(|l| l.line.difference.is_some_and(|d| !d.0.value().is_zero()))
        .collect();
    let page = show(
        viewer,
        "stock/inventory_review.html",
        "stock.inventory.review",
        json!({
            "inventory": inventory,
            "warehouse": places.warehouse_names().get(&inventory.warehouse_id),
            "lines": lines,
            "differing": differing,
            "counted": counted,
            "total_value": total,
            "actions": actions(inventory.status, &viewer.actor),
            "may_count": inventory.status == InventoryStatus::Open && viewer.actor.may(Permission::StockWrite),
            "notice": notice,
        }),
    )?;
    Ok((status, page).into_response())
}

async fn close(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    finish(
        &viewer,
        &ctx,
        id,
        inventories::close(&ctx.db, &viewer.actor, id).await,
    )
    .await
}

async fn cancel(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    finish(
        &viewer,
        &ctx,
        id,
        inventories::cancel(&ctx.db, &viewer.actor, id).await,
    )
    .await
}

/// After close or cancel: the review, or the refusal above it.
async fn finish(
    viewer: &Allowed<require::StockWrite>,
    ctx: &WebContext,
    id: Uuid,
    outcome: Result<InventoryDetail, ServiceError>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/inventories/{id}/review")).into_response()),
        Err(ServiceError::InvalidTransition(message) | ServiceError::Conflict { message, .. }) => {
            review_page(viewer, ctx, id, StatusCode::CONFLICT, Some(&message)).await
        }
        Err(other) => Err(other.into()),
    }
}
