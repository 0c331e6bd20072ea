//! Orders (commandes): `/orders`, numbered `CMD-YYYY-NNNNN`. Confirming
//! checks the client's credit and reserves every goods line, all or
//! nothing; deliveries (`BL-YYYY-NNNNN`) consume the reservations; the
//! delivered quantities are invoiced.

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, OptionalJson, PageOf, Path, Query};
use crate::quotes::replace_draft;
use crate::sales::{
    self, DocumentDetail, DocumentFilters, DocumentRequest, DocumentRow, detail, event, load,
    move_to,
};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Datelike, NaiveDate, Utc};
use comptoir_db::catalog::Product;
use comptoir_db::parties::Client;
use comptoir_db::sales::{
    self as store, Delivery, DeliveryLine, DocumentInput, LineInput, LineToConfirm, SalesDocument,
    SalesLine, SalesReturn, SalesReturnLine,
};
use comptoir_db::stock::{self as stock_store, Location, MovementNote, ReservationRequest};
use comptoir_db::{numbering, resource};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbering::Series;
use comptoir_domain::numbers::{Money, Quantity};
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{
    DocumentKind, OrderAction, OrderStatus, ReturnReason, order_transition,
};
use comptoir_domain::stock::{MovementPlan, MovementType};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order, update_order, delete_order))
        .routes(routes!(confirm_order))
        .routes(routes!(cancel_order))
        .routes(routes!(deliver_order))
        .routes(routes!(invoice_order))
        .routes(routes!(return_goods))
}

const KIND: DocumentKind = DocumentKind::Order;
/// What order lines are to the stock reservations holding their goods.
const RESERVATION_DOCUMENT: &str = "order_line";

fn next(order: &SalesDocument, action: OrderAction) -> ApiResult<OrderStatus> {
    let status = OrderStatus::parse(&order.status).map_err(ApiError::BadRequest)?;
    order_transition(status, action).map_err(ApiError::InvalidTransition)
}

/// Create a draft order, numbered `CMD-YYYY-NNNNN`; line prices default to
/// what the client pays.
#[utoipa::path(post, path = "/orders", tag = "sales", security(("bearer" = ["sales.write"])),
    request_body = DocumentRequest,
    responses((status = 201, body = DocumentDetail), (status = 422, body = ErrorBody)))]
async fn create_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let created = sales::create_draft(&ctx.db, &auth, KIND, request).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// List orders.
#[utoipa::path(get, path = "/orders", tag = "sales", security(("bearer" = ["sales.read"])),
    params(ListParams, DocumentFilters), responses((status = 200, body = PageOf<DocumentRow>)))]
async fn list_orders(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
) -> ApiResult<axum::Json<PageOf<DocumentRow>>> {
    Ok(axum::Json(
        sales::list(
            &ctx.db,
            auth.organization_id,
            KIND,
            &params,
            filters,
            Default::default(),
        )
        .await?,
    ))
}

/// An order with its lines and delivery notes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct OrderDetail {
    #[serde(flatten)]
    pub order: DocumentDetail,
    pub deliveries: Vec<Delivery>,
}

async fn order_detail(ctx: &ApiContext, order: SalesDocument) -> ApiResult<OrderDetail> {
    let deliveries = store::deliveries_of(&ctx.db, order.id).await?;
    Ok(OrderDetail {
        order: detail(&ctx.db, order).await?,
        deliveries,
    })
}

/// Get an order with its lines and deliveries.
#[utoipa::path(get, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody)))]
async fn get_order(
    auth: Authorized<require::SalesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<OrderDetail>> {
    let order = sales::read(&ctx.db, auth.organization_id, id, KIND).await?;
    Ok(axum::Json(order_detail(&ctx, order).await?))
}

/// Replace a draft order: the body is the whole order, lines included.
#[utoipa::path(put, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)), request_body = DocumentRequest,
    responses((status = 200, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<DocumentRequest>,
) -> ApiResult<axum::Json<DocumentDetail>> {
    Ok(axum::Json(
        replace_draft(&ctx.db, &auth, id, KIND, if_match, request, |order| {
            next(order, OrderAction::Edit).map(|_| ())
        })
        .await?,
    ))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ConfirmRequest {
    /// A manager may confirm beyond the client's credit limit.
    #[serde(default)]
    pub override_credit: bool,
}

/// Confirm a draft order: the client's open receivables plus this order
/// must stay within its credit limit (409 `credit_limit_exceeded`, unless
/// a manager overrides), then every goods line is reserved, all or nothing
/// (409 `insufficient_stock` naming every short product). The body may be
/// left out.
#[utoipa::path(post, path = "/orders/{id}/confirm", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)), request_body = ConfirmRequest,
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn confirm_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    OptionalJson(request): OptionalJson<ConfirmRequest>,
) -> ApiResult<axum::Json<OrderDetail>> {
    let mut tx = ctx.db.begin().await?;
    let locked = store::lock_with_credit_limit(&mut tx, auth.organization_id, id).await?;
    let order = locked.document;
    if order.kind != KIND {
        return Err(ApiError::NotFound);
    }
    let to = next(&order, OrderAction::Confirm)?;
    if locked.client_has_credit_limit {
        check_credit(&mut tx, &auth, &order, request.override_credit).await?;
    }
    let mut lines =
        store::lines_to_confirm(&mut tx, auth.organization_id, id, order.warehouse_id).await?;
    // What place_lines places: every product line without a location.
    let unplaced =
        |line: &LineToConfirm| line.line.location_id.is_none() && line.line.product_id.is_some();
    if lines.iter().any(|line| line.goods && unplaced(line)) {
        let location_id = lines
            .first()
            .and_then(|line| line.default_location_id)
            .ok_or_else(|| {
                ApiError::conflict("no warehouse to reserve the goods in: create one first")
            })?;
        store::place_lines(&mut tx, id, location_id).await?;
        for line in lines.iter_mut().filter(|line| unplaced(line)) {
            line.line.location_id = Some(location_id);
        }
    }
    let requests: Vec<ReservationRequest> = lines
        .iter()
        .filter(|line| line.goods)
        .filter_map(|line| reservation_of(&line.line, line.line.location_id?))
        .collect();
    // One audit entry, the order's: its reservations follow from its
    // lines, which no longer change once it is confirmed.
    stock_store::insert_reservations(&mut tx, auth.organization_id, &requests).await?;
    let confirmed = move_to(&mut tx, &auth, &order, to.as_str(), "order_confirmed").await?;
    // Last, so the level rows stay locked only until the commit that follows.
    stock_store::hold(&mut tx, &requests).await?;
    tx.commit().await?;
    // A draft has no deliveries yet, and its lines are at hand.
    let lines = lines.into_iter().map(|line| line.line).collect();
    Ok(axum::Json(OrderDetail {
        order: sales::detail_of(confirmed, lines)?,
        deliveries: Vec::new(),
    }))
}

/// What reserving a goods line at `location_id` asks for.
fn reservation_of(line: &SalesLine, location_id: Uuid) -> Option<ReservationRequest> {
    Some(ReservationRequest {
        document_type: RESERVATION_DOCUMENT.to_owned(),
        document_line_id: line.id,
        location_id,
        item: line.item()?,
        quantity: line.quantity.0,
    })
}

/// Refuses an order that would take the client's debt over its limit.
/// Called only when the client has one: its row is then locked, so two
/// confirmations of one client check it one after the other.
async fn check_credit(
    tx: &mut comptoir_db::Tx,
    user: &CurrentUser,
    order: &SalesDocument,
    override_credit: bool,
) -> ApiResult<()> {
    let client: Client = resource::get_in(tx, user.organization_id, order.client_id).await?;
    let Some(limit) = client.credit_limit.map(|limit| limit.0) else {
        return Ok(());
    };
    let receivables = store::open_receivables(tx, user.organization_id, client.id).await?;
    let exposure = Money::from_units(
        receivables
            .units()
            .saturating_add(order.total_incl_tax.0.units()),
    );
    if exposure <= limit {
        return Ok(());
    }
    if override_credit && user.role.allows(Permission::CreditOverride) {
        return Ok(());
    }
    Err(ApiError::CreditLimitExceeded {
        message: format!(
            "the client's credit limit of {limit} would be exceeded: {receivables} open and {} in this order",
            order.total_incl_tax.0
        ),
        details: json!({
            "credit_limit": limit,
            "open_receivables": receivables,
            "order_total": order.total_incl_tax.0,
            "override": "a user with the credit.override permission (a manager) may confirm with override_credit: true",
        }),
    })
}

/// Cancel an order not delivered yet; its reservations are released.
#[utoipa::path(post, path = "/orders/{id}/cancel", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<OrderDetail>> {
    let mut tx = ctx.db.begin().await?;
    let order = load(&mut tx, auth.organization_id, id, KIND).await?;
    let to = next(&order, OrderAction::Cancel)?;
    for reservation in store::active_reservations(&mut tx, id).await? {
        let released = stock_store::release(&mut tx, auth.organization_id, reservation.id).await?;
        log(
            &mut tx,
            &auth,
            "release",
            "reservation",
            released.id,
            Some(&reservation),
            Some(&released),
        )
        .await?;
    }
    let cancelled = move_to(&mut tx, &auth, &order, to.as_str(), "order_cancelled").await?;
    tx.commit().await?;
    Ok(axum::Json(order_detail(&ctx, cancelled).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeliveryLineRequest {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Default: where the line is reserved; goods leave from there.
    pub location_id: Option<Uuid>,
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct DeliveryRequest {
    /// The lines and quantities to deliver, or `"all"` (the default, also
    /// with no body at all): everything still to deliver.
    pub lines: Option<DeliveryLines>,
    /// Default today.
    pub date: Option<NaiveDate>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DeliveryLines {
    All(Everything),
    Chosen(Vec<DeliveryLineRequest>),
}

/// Everything still to deliver.
#[derive(Deserialize, utoipa::ToSchema)]
pub enum Everything {
    #[serde(rename = "all")]
    All,
}

/// A delivery note and the order after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DeliveryNote {
    #[serde(flatten)]
    pub delivery: Delivery,
    pub lines: Vec<DeliveryLine>,
    pub order: OrderDetail,
}

/// Deliver goods of a confirmed order, in part or in full: the lines'
/// reservations turn into issue movements (the rest stays reserved) and a
/// delivery note `BL-YYYY-NNNNN` records it. No body, or `"lines": "all"`,
/// delivers everything still to deliver. More than ordered → 422.
#[utoipa::path(post, path = "/orders/{id}/deliveries", tag = "sales", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = DeliveryRequest,
    responses((status = 201, body = DeliveryNote), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn deliver_order(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    OptionalJson(request): OptionalJson<DeliveryRequest>,
) -> ApiResult<(StatusCode, axum::Json<DeliveryNote>)> {
    let mut tx = ctx.db.begin().await?;
    let order = load(&mut tx, auth.organization_id, id, KIND).await?;
    next(&order, OrderAction::Deliver { complete: false })?;
    let order_lines = store::lines_in(&mut tx, id).await?;
    let reservations = store::active_reservations(&mut tx, id).await?;
    let mut errors = FieldErrors::new();
    let requested = match request.lines {
        Some(DeliveryLines::Chosen(lines)) => lines,
        None | Some(DeliveryLines::All(Everything::All)) => order_lines
            .iter()
            .filter(|line| line.undelivered() > Quantity::ZERO)
            .map(|line| DeliveryLineRequest {
                line_id: Some(line.id),
                quantity: Some(line.undelivered().to_string()),
                location_id: None,
            })
            .collect(),
    };
    if requested.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut deliveries = Vec::new();
    for (index, line) in requested.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let order_line = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id));
        let Some(order_line) = order_line else {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
            continue;
        };
        let quantity = crate::validate::required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        let Some(quantity) = quantity else { continue };
        if quantity <= Quantity::ZERO {
            errors.add(format!("{prefix}quantity"), "must be positive");
            continue;
        }
        if quantity > order_line.undelivered() {
            errors.add(
                format!("{prefix}quantity"),
                format!(
                    "more than ordered: {} still to deliver on this line",
                    order_line.undelivered()
                ),
            );
            continue;
        }
        let reservation = reservations
            .iter()
            .find(|r| r.document_line_id == order_line.id);
        if let (Some(location_id), Some(reservation)) = (line.location_id, reservation)
            && location_id != reservation.location_id
        {
            errors.add(
                format!("{prefix}location_id"),
                "the line's goods are reserved at another location",
            );
            continue;
        }
        deliveries.push((order_line.clone(), quantity, reservation.cloned(), prefix));
    }
    errors.finish(|| ())?;
    let date = request.date.unwrap_or_else(|| Utc::now().date_naive());
    let number = numbering::next_number(
        &mut tx,
        auth.organization_id,
        Series::DeliveryNote,
        date.year(),
    )
    .await?;
    let delivery = store::insert_delivery(
        &mut tx,
        auth.organization_id,
        id,
        &number,
        date,
        auth.user_id,
    )
    .await?;
    let reference = order.number.clone().unwrap_or_default();
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: Some("delivery"),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut delivered = Vec::new();
    for (line, quantity, reservation, prefix) in deliveries {
        if !store::deliver_line(&mut tx, id, line.id, quantity).await? {
            return Err(ApiError::field(
                &format!("{prefix}quantity"),
                "more than ordered: the line was delivered meanwhile",
            ));
        }
        let (location_id, movement_id) = match reservation {
            Some(reservation) => {
                let (_, movement) = stock_store::consume_part(
                    &mut tx,
                    auth.organization_id,
                    reservation.id,
                    quantity,
                    &note,
                )
                .await?;
                log(
                    &mut tx,
                    &auth,
                    "create",
                    "stock_movement",
                    movement.id,
                    None,
                    Some(&movement),
                )
                .await?;
                (movement.from_location_id, Some(movement.id))
            }
            None => (line.location_id, None),
        };
        let location_id = match location_id {
            Some(location_id) => location_id,
            None => {
                stock_store::default_location(&mut tx, auth.organization_id, order.warehouse_id)
                    .await?
                    .ok_or_else(|| ApiError::conflict("no warehouse to deliver from"))?
            }
        };
        delivered.push(
            store::insert_delivery_line(
                &mut tx,
                auth.organization_id,
                delivery.id,
                line.id,
                quantity,
                location_id,
                movement_id,
            )
            .await?,
        );
    }
    let complete = store::lines_in(&mut tx, id)
        .await?
        .iter()
        .all(|line| line.undelivered() == Quantity::ZERO);
    let to = next(&order, OrderAction::Deliver { complete })?;
    let moved = if to.as_str() == order.status {
        order.clone()
    } else {
        store::set_status(
            &mut tx,
            auth.organization_id,
            id,
            &order.status,
            to.as_str(),
        )
        .await?
        .ok_or_else(|| ApiError::InvalidTransition("the order changed meanwhile; retry".into()))?
    };
    log(
        &mut tx,
        &auth,
        "deliver",
        "order",
        id,
        Some(&order),
        Some(&moved),
    )
    .await?;
    event(
        &mut tx,
        &auth,
        "delivery_done",
        &moved,
        json!({ "delivery_id": delivery.id, "delivery_number": delivery.number, "complete": complete }),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(DeliveryNote {
            delivery,
            lines: delivered,
            order: order_detail(&ctx, moved).await?,
        }),
    ))
}

/// Invoice what has been delivered and not invoiced yet: a draft invoice
/// (no number until it is issued) billing those quantities at the order's
/// prices.
#[utoipa::path(post, path = "/orders/{id}/invoice", tag = "sales", security(("bearer" = ["invoices.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 201, body = DocumentDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn invoice_order(
    auth: Authorized<require::InvoicesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<DocumentDetail>)> {
    let mut tx = ctx.db.begin().await?;
    let order = load(&mut tx, auth.organization_id, id, KIND).await?;
    next(&order, OrderAction::Invoice { complete: false })?;
    let lines = store::lines_in(&mut tx, id).await?;
    let billable: Vec<&SalesLine> = lines
        .iter()
        .filter(|line| line.billable() > Quantity::ZERO)
        .collect();
    if billable.is_empty() {
        return Err(ApiError::InvalidTransition(
            "nothing delivered remains to be invoiced on this order".into(),
        ));
    }
    let mut inputs = Vec::new();
    for line in billable {
        let quantity = line.billable();
        if !store::invoice_line(&mut tx, id, line.id, quantity).await? {
            return Err(ApiError::InvalidTransition(
                "the order was invoiced meanwhile; retry".into(),
            ));
        }
        let mut amounts = line.amounts();
        amounts.quantity = quantity;
        inputs.push(LineInput {
            item: line.item(),
            description: line.description.clone(),
            amounts,
            location_id: None,
            source_line_id: Some(line.id),
        });
    }
    let input = DocumentInput {
        client_id: order.client_id,
        warehouse_id: order.warehouse_id,
        currency: order.currency.clone(),
        issue_date: None,
        valid_until: None,
        notes: order.notes.clone(),
        discount_percent: order.discount_percent.0,
        lines: inputs,
    };
    let invoice = sales::create(
        &mut tx,
        &auth,
        DocumentKind::Invoice,
        None,
        Some(id),
        &input,
    )
    .await?;
    let complete = store::lines_in(&mut tx, id)
        .await?
        .iter()
        .all(|line| line.invoiced_quantity.0 == line.quantity.0);
    let to = next(&order, OrderAction::Invoice { complete })?;
    if to.as_str() != order.status {
        move_to(&mut tx, &auth, &order, to.as_str(), "order_invoiced").await?;
    }
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, invoice).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnLineRequest {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReturnRequest {
    pub lines: Option<Vec<ReturnLineRequest>>,
    /// `defect`, `dissatisfaction`, `wrong_item` or `other`.
    #[schema(required = true, nullable = false)]
    pub reason: Option<String>,
    /// Put the goods back into stock; default true.
    pub restock: Option<bool>,
    /// Where restocked goods go; default the warehouse's `returns`
    /// location, else where the line was reserved.
    pub location_id: Option<Uuid>,
}

/// A return, its lines, and the draft credit notes it prepared.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReturnNote {
    #[serde(flatten)]
    pub sales_return: SalesReturn,
    pub lines: Vec<SalesReturnLine>,
    /// Drafts for what had already been invoiced, one per invoice; issue
    /// them with `POST /credit-notes/{id}/issue`.
    pub credit_notes: Vec<DocumentDetail>,
}

/// Take delivered goods back. Restocked goods come back through a receipt
/// movement (to the returns location by default). What the client had
/// not been billed for yet is simply no longer invoiced; for what was
/// invoiced, a draft credit note is prepared per invoice. More than
/// delivered and not yet returned → 422.
#[utoipa::path(post, path = "/orders/{id}/returns", tag = "sales", security(("bearer" = ["returns.write"])),
    params(("id" = Uuid, Path)), request_body = ReturnRequest,
    responses((status = 201, body = ReturnNote), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn return_goods(
    auth: Authorized<require::ReturnsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<ReturnRequest>,
) -> ApiResult<(StatusCode, axum::Json<ReturnNote>)> {
    let mut errors = FieldErrors::new();
    let reason = crate::validate::required_parsed(
        &mut errors,
        "reason",
        request.reason,
        ReturnReason::parse,
    );
    let restock = request.restock.unwrap_or(true);
    let mut tx = ctx.db.begin().await?;
    if let Some(location_id) = request.location_id {
        crate::catalog::check_reference::<Location>(
            &mut tx,
            &mut errors,
            auth.organization_id,
            "location_id",
            Some(location_id),
        )
        .await?;
    }
    let order = load(&mut tx, auth.organization_id, id, KIND).await?;
    next(&order, OrderAction::Return)?;
    let order_lines = store::lines_in(&mut tx, id).await?;
    let requested = request.lines.unwrap_or_default();
    if requested.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut returns = Vec::new();
    for (index, line) in requested.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let Some(order_line) = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id))
        else {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
            continue;
        };
        let quantity = crate::validate::required_parsed(
            &mut errors,
            &format!("{prefix}quantity"),
            line.quantity,
            Quantity::parse,
        );
        match quantity {
            Some(q) if q <= Quantity::ZERO => {
                errors.add(format!("{prefix}quantity"), "must be positive")
            }
            Some(q) if q > order_line.returnable() => errors.add(
                format!("{prefix}quantity"),
                format!(
                    "more than delivered: {} can still come back on this line",
                    order_line.returnable()
                ),
            ),
            Some(q) => returns.push((order_line.clone(), q, prefix)),
            None => {}
        }
    }
    let Some(reason) = errors.finish(|| reason)? else {
        return Err(ApiError::field("reason", "is required"));
    };
    let sales_return = store::insert_return(
        &mut tx,
        auth.organization_id,
        id,
        reason.as_str(),
        restock,
        auth.user_id,
    )
    .await?;
    let reference = order.number.clone().unwrap_or_default();
    let note_reason = format!("return: {}", reason.as_str().replace('_', " "));
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: Some(&note_reason),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut lines = Vec::new();
    let mut credits: Vec<(Uuid, Vec<LineInput>)> = Vec::new();
    for (line, quantity, prefix) in returns {
        // What the client kept unbilled is simply no longer invoiced; the
        // rest was billed and has to be credited.
        let unbilled = line.billable().units().max(0);
        let to_credit = Quantity::from_units((quantity.units() - unbilled).max(0));
        if !store::return_line(&mut tx, id, line.id, quantity, to_credit).await? {
            return Err(ApiError::field(
                &format!("{prefix}quantity"),
                "more than delivered: the line was returned meanwhile",
            ));
        }
        if to_credit > Quantity::ZERO {
            plan_credit(&mut tx, &mut credits, &line, to_credit).await?;
        }
        let movement_id = match (restock, line.item()) {
            (true, Some(item)) if is_goods(&mut tx, auth.organization_id, item).await? => {
                let location_id = match (request.location_id, line.location_id) {
                    (Some(location_id), _) => location_id,
                    (None, Some(reserved_at)) => {
                        stock_store::returns_location(&mut tx, reserved_at).await?
                    }
                    (None, None) => stock_store::default_location(
                        &mut tx,
                        auth.organization_id,
                        order.warehouse_id,
                    )
                    .await?
                    .ok_or_else(|| ApiError::conflict("no warehouse to put the goods back in"))?,
                };
                let plan =
                    MovementPlan::new(MovementType::Receipt, quantity, None, Some(location_id))
                        .map_err(|_| {
                            ApiError::field(&format!("{prefix}quantity"), "must be positive")
                        })?;
                let movement =
                    stock_store::record_movement(&mut tx, auth.organization_id, item, &plan, &note)
                        .await?;
                log(
                    &mut tx,
                    &auth,
                    "create",
                    "stock_movement",
                    movement.id,
                    None,
                    Some(&movement),
                )
                .await?;
                Some(movement.id)
            }
            _ => None,
        };
        lines.push(
            store::insert_return_line(
                &mut tx,
                auth.organization_id,
                sales_return.id,
                line.id,
                quantity,
                movement_id,
            )
            .await?,
        );
    }
    let mut credit_notes = Vec::new();
    for (invoice_id, credit_lines) in credits {
        let invoice = load(
            &mut tx,
            auth.organization_id,
            invoice_id,
            DocumentKind::Invoice,
        )
        .await?;
        let input = DocumentInput {
            client_id: invoice.client_id,
            warehouse_id: invoice.warehouse_id,
            currency: invoice.currency.clone(),
            issue_date: None,
            valid_until: None,
            notes: Some(format!(
                "Retour {reference}: {}",
                reason.as_str().replace('_', " ")
            )),
            discount_percent: invoice.discount_percent.0,
            lines: credit_lines,
        };
        credit_notes.push(
            sales::create(
                &mut tx,
                &auth,
                DocumentKind::CreditNote,
                None,
                Some(invoice_id),
                &input,
            )
            .await?,
        );
    }
    log(
        &mut tx,
        &auth,
        "return",
        "order",
        id,
        None,
        Some(&sales_return),
    )
    .await?;
    let credit_note_ids: Vec<Uuid> = credit_notes.iter().map(|c| c.id).collect();
    event(
        &mut tx,
        &auth,
        "return_received",
        &order,
        json!({ "return_id": sales_return.id, "reason": reason, "restock": restock, "credit_note_ids": credit_note_ids }),
    )
    .await?;
    tx.commit().await?;
    let mut details = Vec::new();
    for credit_note in credit_notes {
        details.push(detail(&ctx.db, credit_note).await?);
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(ReturnNote {
            sales_return,
            lines,
            credit_notes: details,
        }),
    ))
}

async fn is_goods(
    tx: &mut comptoir_db::Tx,
    organization_id: Uuid,
    item: comptoir_db::stock::Item,
) -> ApiResult<bool> {
    let product: Product = resource::get_in(tx, organization_id, item.product_id).await?;
    Ok(product.kind == ProductKind::Goods)
}

/// Spreads `quantity` of an order line over the issued invoice lines that
/// billed it, newest invoice first, within what each can still credit;
/// adds the credit lines to `credits`, per invoice.
async fn plan_credit(
    tx: &mut comptoir_db::Tx,
    credits: &mut Vec<(Uuid, Vec<LineInput>)>,
    order_line: &SalesLine,
    quantity: Quantity,
) -> ApiResult<()> {
    let mut left = quantity.units();
    for invoiced in store::issued_invoice_lines(tx, order_line.id).await? {
        if left == 0 {
            break;
        }
        let already = store::credited_quantities(tx, invoiced.invoice_id)
            .await?
            .into_iter()
            .find(|(line_id, _)| *line_id == invoiced.line.id)
            .map_or(0, |(_, q)| q.units());
        let planned: i64 = credits
            .iter()
            .filter(|(invoice_id, _)| *invoice_id == invoiced.invoice_id)
            .flat_map(|(_, lines)| lines)
            .filter(|line| line.source_line_id == Some(invoiced.line.id))
            .map(|line| line.amounts.quantity.units())
            .sum();
        let creditable = invoiced.line.quantity.0.units() - already - planned;
        let take = left.min(creditable);
        if take <= 0 {
            continue;
        }
        left -= take;
        let mut amounts = invoiced.line.amounts();
        amounts.quantity = Quantity::from_units(take);
        let line = LineInput {
            item: invoiced.line.item(),
            description: invoiced.line.description.clone(),
            amounts,
            location_id: None,
            source_line_id: Some(invoiced.line.id),
        };
        match credits
            .iter_mut()
            .find(|(id, _)| *id == invoiced.invoice_id)
        {
            Some((_, lines)) => lines.push(line),
            None => credits.push((invoiced.invoice_id, vec![line])),
        }
    }
    if left > 0 {
        return Err(ApiError::conflict(
            "part of these goods is billed on an invoice still in draft: issue it (or change it) first",
        ));
    }
    Ok(())
}

/// Delete a draft order; once it has left the draft state it is part of
/// the record and never deleted (409). An order converted from a quote is
/// cancelled instead (409).
#[utoipa::path(delete, path = "/orders/{id}", tag = "sales", security(("bearer" = ["sales.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_order(
    auth: Authorized<require::SalesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    sales::delete_draft(&ctx.db, &auth, id, KIND).await?;
    Ok(StatusCode::NO_CONTENT)
}
