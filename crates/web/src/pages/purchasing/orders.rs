//! Purchase orders: the list (status, supplier, search, sort and page in
//! the URL), an order's page — lines with what is received and still
//! expected, totals, the send and cancel buttons and the receive form its
//! state and the reader's role allow — and those actions.

use super::Names;
use crate::WebContext;
use crate::error::PageResult;
use crate::pages::pickers::Records;
use crate::pages::sales::Refusal;
use crate::pages::{ListQuery, ListView, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::purchasing::PurchaseOrder;
use comptoir_db::{Db, Listing, Page, Sort};
use comptoir_domain::permissions::Permission;
use comptoir_domain::purchasing::{PurchaseAction, PurchaseStatus, purchase_transition};
use comptoir_services::purchasing::{
    self as service, OrderFilters, PurchaseOrderDetail, ReceiptLine, ReceiptRequest,
};
use comptoir_services::stock::{LocationFilters, places};
use comptoir_services::{Actor, ServiceError, ServiceResult, require};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::str::FromStr;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/purchase-orders", get(list).post(super::form::create))
        .route("/purchase-orders/{id}", get(order_page))
        .route("/purchase-orders/{id}/send", post(send))
        .route("/purchase-orders/{id}/cancel", post(cancel))
        .route("/purchase-orders/{id}/receive", post(receive))
}

#[derive(Deserialize, Default)]
pub(crate) struct OrderListQuery {
    #[serde(flatten)]
    pub(crate) list: ListQuery,
    status: Option<String>,
    supplier_id: Option<String>,
}

impl OrderListQuery {
    /// The list's filters as its URL carries them (and its export reads
    /// them); a value edited by hand into something else is ignored.
    pub(crate) fn filters(&self) -> OrderFilters {
        OrderFilters {
            supplier_id: typed(self.supplier_id.clone()).and_then(|s| s.parse::<Uuid>().ok()),
            status: typed(self.status.clone()).filter(|s| PurchaseStatus::parse(s).is_ok()),
        }
    }
}

async fn list(
    viewer: Allowed<require::PurchasesRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<OrderListQuery>,
) -> PageResult<Response> {
    let filters = query.filters();
    let (supplier_id, status) = (
        filters.supplier_id,
        filters.status.clone().unwrap_or_default(),
    );
    let listing = service::list_orders(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<PurchaseOrder>(),
        query.list.page(),
    )
    .await?;
    let suppliers = listing.items.iter().map(|o| o.supplier_id).collect();
    let names = Names::read(&ctx.db, &viewer.actor, suppliers, vec![], vec![]).await;
    let chosen = supplier_id.map(|s| s.to_string()).unwrap_or_default();
    let suppliers = Records::Suppliers
        .options(&ctx.db, &viewer.actor, None, &chosen)
        .await?
        .choosing(Records::Suppliers, "purchasing.all_suppliers");
    show(
        &viewer,
        "purchasing/list.html",
        "purchasing.orders",
        json!({
            "list": ListView::new(listing, &query.list),
            "status": status,
            "statuses": PurchaseStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
            "supplier_id": supplier_id,
            "suppliers": suppliers,
            "names": names,
            "may_write": viewer.actor.may(Permission::PurchasesWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// A supplier's latest orders, for the supplier's page.
pub async fn supplier_orders(
    db: &Db,
    actor: &Actor,
    supplier_id: Uuid,
) -> ServiceResult<Listing<PurchaseOrder>> {
    let filters = OrderFilters {
        supplier_id: Some(supplier_id),
        status: None,
    };
    let latest = Sort {
        column: "issue_date",
        descending: true,
    };
    let page = Page {
        page: 1,
        page_size: 20,
    };
    service::list_orders(db, actor, filters, None, Some(latest), page).await
}

/// A line as the page shows it, with what it still expects.
#[derive(Serialize)]
struct LineView {
    id: Uuid,
    description: String,
    quantity: String,
    received: String,
    remaining: String,
    open: bool,
    unit_price: String,
    discount_percent: String,
    vat_rate: String,
    total_excl_tax: String,
}

fn lines(detail: &PurchaseOrderDetail) -> Vec<LineView> {
    detail
        .lines
        .iter()
        .map(|line| {
            let remaining = line.remaining();
            LineView {
                id: line.id,
                description: line.description.clone(),
                quantity: line.quantity.0.to_string(),
                received: line.received_quantity.0.to_string(),
                remaining: remaining.to_string(),
                open: remaining.units() > 0,
                unit_price: line.unit_price.0.to_string(),
                discount_percent: line.discount_percent.0.to_string(),
                vat_rate: line.vat_rate.0.to_string(),
                total_excl_tax: line.total_excl_tax.0.to_string(),
            }
        })
        .collect()
}

/// Whether the reader may rewrite an order in `status` in the form.
pub fn may_edit(status: PurchaseStatus, actor: &Actor) -> bool {
    actor.may(Permission::PurchasesWrite)
        && purchase_transition(status, PurchaseAction::EditLines).is_ok()
}

/// What the reader may do to an order in `status`: the buttons, and
/// whether the receive form is shown.
fn actions(status: PurchaseStatus, actor: &Actor) -> (Vec<&'static str>, bool) {
    let purchases = actor.may(Permission::PurchasesWrite);
    let can = |a: PurchaseAction| purchase_transition(status, a).is_ok();
    let buttons = [
        (purchases && can(PurchaseAction::Send)).then_some("send"),
        (purchases && can(PurchaseAction::Cancel)).then_some("cancel"),
    ];
    let receive =
        actor.may(Permission::StockWrite) && can(PurchaseAction::Receive { complete: false });
    (buttons.into_iter().flatten().collect(), receive)
}

async fn order_page(
    viewer: Allowed<require::PurchasesRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    render(&viewer, &ctx, id, None, BTreeMap::new()).await
}

/// The order's page; after a refused action, with why and its status,
/// and a refused receipt's messages next to their lines.
pub(super) async fn render(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    refusal: Option<Refusal>,
    line_errors: BTreeMap<Uuid, Vec<String>>,
) -> PageResult<Response> {
    let detail = service::get_order(&ctx.db, &viewer.actor, id).await?;
    let order = &detail.order;
    let (buttons, receive) = actions(order.status, &viewer.actor);
    let locations = if receive {
        let filters = LocationFilters {
            warehouse_id: order.warehouse_id,
            parent_id: None,
            kind: None,
        };
        let page = Page {
            page: 1,
            page_size: 200,
        };
        places::list_locations(&ctx.db, &viewer.actor, filters, None, None, page)
            .await?
            .items
    } else {
        Vec::new()
    };
    let names = Names::read(
        &ctx.db,
        &viewer.actor,
        vec![order.supplier_id],
        vec![],
        order.warehouse_id.into_iter().collect(),
    )
    .await;
    let status = if refusal.is_some() || !line_errors.is_empty() {
        refusal
            .as_ref()
            .map(|r| r.status)
            .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        StatusCode::OK
    };
    let page = show(
        viewer,
        "purchasing/order.html",
        "purchasing.order",
        json!({
            "doc": detail,
            "lines": lines(&detail),
            "names": names,
            "buttons": buttons,
            "edit": may_edit(order.status, &viewer.actor),
            "receive": receive,
            "locations": locations,
            "line_errors": line_errors,
            "refusal": refusal.map(|r| r.messages),
        }),
    )?;
    Ok((status, page).into_response())
}

/// To the order's page, or the refusal on it.
async fn finish(
    viewer: &Viewer,
    ctx: &WebContext,
    id: Uuid,
    outcome: ServiceResult<PurchaseOrderDetail>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/purchase-orders/{id}")).into_response()),
        Err(error) => render(viewer, ctx, id, Some(Refusal::of(error)?), BTreeMap::new()).await,
    }
}

async fn send(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let outcome = service::send_order(&ctx.db, &viewer.actor, id).await;
    finish(&viewer, &ctx, id, outcome).await
}

async fn cancel(
    viewer: Allowed<require::PurchasesWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let outcome = service::cancel_order(&ctx.db, &viewer.actor, id).await;
    finish(&viewer, &ctx, id, outcome).await
}

/// The receive form: `quantity.{line id}` per line (empty or zero lines
/// are not received) and one `location_id` for all.
async fn receive(
    viewer: Allowed<require::StockWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult<Response> {
    let location_id = fields
        .iter()
        .find(|(name, _)| name == "location_id")
        .and_then(|(_, value)| value.parse::<Uuid>().ok());
    let received: Vec<(Uuid, String)> = fields
        .iter()
        .filter_map(|(name, value)| {
            let line_id = name.strip_prefix("quantity.")?.parse::<Uuid>().ok()?;
            let quantity = typed(Some(value.clone()))?.replace(',', ".");
            (Decimal::from_str(&quantity).ok() != Some(Decimal::ZERO))
                .then_some((line_id, quantity))
        })
        .collect();
    let request = ReceiptRequest {
        lines: Some(
            received
                .iter()
                .map(|(line_id, quantity)| ReceiptLine {
                    line_id: Some(*line_id),
                    quantity: Some(quantity.clone()),
                    location_id,
                })
                .collect(),
        ),
    };
    match service::receive(&ctx.db, &viewer.actor, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/purchase-orders/{id}")).into_response()),
        Err(ServiceError::Validation(errors)) => {
            // `lines[i].…` names the i-th line received: shown next to it.
            let mut by_line: BTreeMap<Uuid, Vec<String>> = BTreeMap::new();
            let mut others = comptoir_domain::FieldErrors::new();
            for error in errors.into_vec() {
                let line = error
                    .field
                    .strip_prefix("lines[")
                    .and_then(|rest| rest.split(']').next())
                    .and_then(|index| index.parse::<usize>().ok())
                    .and_then(|index| received.get(index));
                match line {
                    Some((line_id, _)) => by_line.entry(*line_id).or_default().push(error.message),
                    None => others.add(error.field, error.message),
                }
            }
            let refusal = if others.is_empty() {
                None
            } else {
                Some(Refusal::of(ServiceError::Validation(others))?)
            };
            render(&viewer, &ctx, id, refusal, by_line).await
        }
        Err(error) => {
            render(
                &viewer,
                &ctx,
                id,
                Some(Refusal::of(error)?),
                BTreeMap::new(),
            )
            .await
        }
    }
}
