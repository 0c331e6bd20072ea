//! Purchase orders and their receipts: `/purchase-orders`.

use crate::audit::log;
use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, query_filter};
use crate::stock::check_item;
use crate::validate::{MAX_NAME, MAX_TEXT, optional, parsed};
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Supplier;
use comptoir_db::purchasing::{
    self as store, PurchaseLineInput, PurchaseOrder, PurchaseOrderInput, PurchaseOrderLine,
};
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{self as stock_store, Item, Location, Movement, MovementNote, Warehouse};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::currency::{DEFAULT_CURRENCY, parse_currency};
use comptoir_domain::documents::{LineAmounts, TaxLine, totals};
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::purchasing::{PurchaseAction, PurchaseStatus, purchase_transition};
use comptoir_domain::stock::{MovementPlan, MovementType};
use comptoir_services::validate::check_reference;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order, update_order))
        .routes(routes!(send_order))
        .routes(routes!(cancel_order))
        .routes(routes!(receive))
}

/// A purchase order with its lines and VAT breakdown.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PurchaseOrderDetail {
    #[serde(flatten)]
    pub order: PurchaseOrder,
    pub lines: Vec<PurchaseOrderLine>,
    pub tax_breakdown: Vec<TaxLine>,
}

pub(crate) async fn detail(
    db: &Db,
    organization_id: Uuid,
    order: PurchaseOrder,
) -> ApiResult<PurchaseOrderDetail> {
    let lines = store::lines(db, organization_id, order.id).await?;
    let amounts: Vec<LineAmounts> = lines.iter().map(PurchaseOrderLine::amounts).collect();
    Ok(PurchaseOrderDetail {
        tax_breakdown: totals(&amounts).tax_breakdown,
        order,
        lines,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PurchaseLineRequest {
    #[schema(required = true, nullable = false)]
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    /// Defaults to the product's name.
    pub description: Option<String>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Defaults to the supplier's price for the product, then to the
    /// product's purchase price.
    pub unit_price: Option<String>,
    pub discount_percent: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PurchaseOrderRequest {
    #[schema(required = true, nullable = false)]
    pub supplier_id: Option<Uuid>,
    /// Where the goods will be received.
    pub warehouse_id: Option<Uuid>,
    /// ISO 4217; default `EUR`.
    pub currency: Option<String>,
    /// Default today.
    pub issue_date: Option<NaiveDate>,
    pub expected_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Option<Vec<PurchaseLineRequest>>,
}

/// Validates an order request, filling prices and VAT from the catalog.
async fn validate_order(
    tx: &mut Tx,
    organization_id: Uuid,
    request: PurchaseOrderRequest,
) -> ApiResult<PurchaseOrderInput> {
    let mut errors = FieldErrors::new();
    if request.supplier_id.is_none() {
        errors.add("supplier_id", "is required");
    }
    check_reference::<Supplier>(
        tx,
        &mut errors,
        organization_id,
        "supplier_id",
        request.supplier_id,
    )
    .await?;
    check_reference::<Warehouse>(
        tx,
        &mut errors,
        organization_id,
        "warehouse_id",
        request.warehouse_id,
    )
    .await?;
    let currency = parsed(&mut errors, "currency", request.currency, parse_currency)
        .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
    let notes = optional(&mut errors, "notes", request.notes, MAX_TEXT);
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut inputs = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let quantity = match line.quantity {
            Some(text) => errors.check(&format!("{prefix}quantity"), Quantity::parse(&text)),
            None => {
                errors.add(format!("{prefix}quantity"), "is required");
                None
            }
        };
        if quantity.is_some_and(|q| q <= Quantity::ZERO) {
            errors.add(format!("{prefix}quantity"), "must be positive");
        }
        let unit_price = parsed(
            &mut errors,
            &format!("{prefix}unit_price"),
            line.unit_price,
            UnitPrice::parse_non_negative,
        );
        let discount_percent = parsed(
            &mut errors,
            &format!("{prefix}discount_percent"),
            line.discount_percent,
            Percent::parse_percentage,
        )
        .unwrap_or_default();
        let description = optional(
            &mut errors,
            &format!("{prefix}description"),
            line.description,
            MAX_NAME,
        );
        let Some(product_id) = line.product_id else {
            errors.add(format!("{prefix}product_id"), "is required");
            continue;
        };
        let item = Item {
            product_id,
            variant_id: line.variant_id,
        };
        let before = errors.len();
        check_item(tx, organization_id, &mut errors, &prefix, item).await?;
        if errors.len() > before {
            continue;
        }
        let product: Product = resource::get_in(tx, organization_id, product_id).await?;
        let variant_name = match line.variant_id {
            Some(id) => Some(
                resource::get_in::<Variant>(tx, organization_id, id)
                    .await?
                    .name,
            ),
            None => None,
        };
        let listed = match request.supplier_id {
            Some(supplier_id) => {
                store::supplier_price(tx, organization_id, product_id, supplier_id).await?
            }
            None => None,
        };
        let Some(unit_price) = unit_price
            .or(listed)
            .or(product.purchase_price.map(|price| price.0))
        else {
            errors.add(
                format!("{prefix}unit_price"),
                "is required: neither the supplier nor the product has a purchase price",
            );
            continue;
        };
        if let Some(quantity) = quantity {
            inputs.push(PurchaseLineInput {
                item,
                description: description.unwrap_or_else(|| match variant_name {
                    Some(variant) => format!("{} — {variant}", product.name),
                    None => product.name.clone(),
                }),
                amounts: LineAmounts {
                    quantity,
                    unit_price,
                    discount_percent,
                    vat_category: product.vat_category,
                    vat_rate: product.vat_rate.0,
                },
            });
        }
    }
    errors.finish(|| ())?;
    Ok(PurchaseOrderInput {
        supplier_id: request.supplier_id.expect("checked"),
        warehouse_id: request.warehouse_id,
        currency,
        issue_date: request
            .issue_date
            .unwrap_or_else(|| chrono::Utc::now().date_naive()),
        expected_date: request.expected_date,
        notes,
        lines: inputs,
    })
}

/// Create a draft purchase order, numbered `ACH-YYYY-NNNNN`.
#[utoipa::path(post, path = "/purchase-orders", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    request_body = PurchaseOrderRequest,
    responses((status = 201, body = PurchaseOrderDetail), (status = 422, body = ErrorBody)))]
async fn create_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<PurchaseOrderRequest>,
) -> ApiResult<(StatusCode, axum::Json<PurchaseOrderDetail>)> {
    let mut tx = ctx.db.begin().await?;
    let input = validate_order(&mut tx, auth.organization_id, request).await?;
    let order = store::insert_order(&mut tx, auth.organization_id, &input).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "purchase_order",
        order.id,
        None,
        Some(&order),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(detail(&ctx.db, auth.organization_id, order).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilters {
    pub supplier_id: Option<Uuid>,
    /// `draft`, `sent`, `partially_received`, `received` or `cancelled`.
    #[param(value_type = Option<PurchaseStatus>)]
    pub status: Option<String>,
}

/// List purchase orders.
#[utoipa::path(get, path = "/purchase-orders", tag = "purchasing", security(("bearer" = ["purchases.read"])),
    params(ListParams, OrderFilters), responses((status = 200, body = PageOf<PurchaseOrder>)))]
async fn list_orders(
    auth: Authorized<require::PurchasesRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<OrderFilters>,
) -> ApiResult<axum::Json<PageOf<PurchaseOrder>>> {
    let page = params.page()?;
    let status = query_filter("status", filters.status.as_deref(), PurchaseStatus::parse)?;
    let filter = Filter::organization(auth.organization_id)
        .eq("supplier_id", filters.supplier_id)
        .eq("status", status.map(PurchaseStatus::as_str))
        .search(PurchaseOrder::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<PurchaseOrder>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Get a purchase order with its lines.
#[utoipa::path(get, path = "/purchase-orders/{id}", tag = "purchasing", security(("bearer" = ["purchases.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody)))]
async fn get_order(
    auth: Authorized<require::PurchasesRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    let order = resource::get(&ctx.db, auth.organization_id, id).await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, order).await?,
    ))
}

fn transition(order: &PurchaseOrder, action: PurchaseAction) -> ApiResult<PurchaseStatus> {
    purchase_transition(order.status, action).map_err(ApiError::InvalidTransition)
}

/// Replace a draft order: the body is the whole order, lines included.
#[utoipa::path(put, path = "/purchase-orders/{id}", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)), request_body = PurchaseOrderRequest,
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<PurchaseOrderRequest>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    let mut tx = ctx.db.begin().await?;
    let current: PurchaseOrder = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    transition(&current, PurchaseAction::EditLines)?;
    let input = validate_order(&mut tx, auth.organization_id, request).await?;
    let updated =
        store::replace_order(&mut tx, auth.organization_id, id, current.version, &input).await?;
    log(
        &mut tx,
        &auth,
        "update",
        "purchase_order",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(
        detail(&ctx.db, auth.organization_id, updated).await?,
    ))
}

/// Applies `action` with one conditional status update.
async fn act(
    db: &Db,
    user: &CurrentUser,
    id: Uuid,
    action: PurchaseAction,
    name: &str,
) -> ApiResult<PurchaseOrderDetail> {
    let mut tx = db.begin().await?;
    let current: PurchaseOrder = resource::get_in(&mut tx, user.organization_id, id).await?;
    let next = transition(&current, action)?;
    let moved = store::set_status(&mut tx, user.organization_id, id, current.status, next)
        .await?
        .ok_or_else(|| ApiError::InvalidTransition("the order changed meanwhile; retry".into()))?;
    log(
        &mut tx,
        user,
        name,
        "purchase_order",
        id,
        Some(&current),
        Some(&moved),
    )
    .await?;
    tx.commit().await?;
    detail(db, user.organization_id, moved).await
}

/// Send a draft order to its supplier.
#[utoipa::path(post, path = "/purchase-orders/{id}/send", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn send_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        act(&ctx.db, &auth, id, PurchaseAction::Send, "send").await?,
    ))
}

/// Cancel an order that has received nothing yet.
#[utoipa::path(post, path = "/purchase-orders/{id}/cancel", tag = "purchasing", security(("bearer" = ["purchases.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PurchaseOrderDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_order(
    auth: Authorized<require::PurchasesWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<PurchaseOrderDetail>> {
    Ok(axum::Json(
        act(&ctx.db, &auth, id, PurchaseAction::Cancel, "cancel").await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptLine {
    #[schema(required = true, nullable = false)]
    pub line_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub quantity: Option<String>,
    /// Default: the `STOCK` location of the order's warehouse, else of the
    /// organization's default warehouse.
    pub location_id: Option<Uuid>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReceiptRequest {
    pub lines: Option<Vec<ReceiptLine>>,
}

/// The order after a receipt, and the movements the receipt wrote.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub order: PurchaseOrderDetail,
    pub movements: Vec<Movement>,
}

/// Receive goods of a sent order, in part or in full: one receipt
/// movement per line, and the products' average costs follow. Receiving
/// more than ordered is refused (422).
#[utoipa::path(post, path = "/purchase-orders/{id}/receipts", tag = "purchasing", security(("bearer" = ["stock.write"])),
    params(("id" = Uuid, Path)), request_body = ReceiptRequest,
    responses((status = 201, body = Receipt), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive(
    auth: Authorized<require::StockWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(request): Json<ReceiptRequest>,
) -> ApiResult<(StatusCode, axum::Json<Receipt>)> {
    let mut tx = ctx.db.begin().await?;
    let order: PurchaseOrder = resource::get_in(&mut tx, auth.organization_id, id).await?;
    transition(&order, PurchaseAction::Receive { complete: false })?;
    let order_lines = store::lines_in(&mut tx, auth.organization_id, id).await?;
    let mut errors = FieldErrors::new();
    let lines = request.lines.unwrap_or_default();
    if lines.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut receipts = Vec::new();
    for (index, line) in lines.into_iter().enumerate() {
        let prefix = format!("lines[{index}].");
        let order_line = line
            .line_id
            .and_then(|line_id| order_lines.iter().find(|l| l.id == line_id));
        if order_line.is_none() {
            errors.add(format!("{prefix}line_id"), "is not a line of this order");
        }
        let quantity = match line.quantity {
            Some(text) => errors.check(&format!("{prefix}quantity"), Quantity::parse(&text)),
            None => {
                errors.add(format!("{prefix}quantity"), "is required");
                None
            }
        };
        let location_id = match line.location_id {
            Some(id) => Some(id),
            None => {
                let default = stock_store::default_location(
                    &mut tx,
                    auth.organization_id,
                    order.warehouse_id,
                )
                .await?;
                if default.is_none() {
                    errors.add(
                        format!("{prefix}location_id"),
                        "is required: the organization has no warehouse to receive into",
                    );
                }
                default
            }
        };
        check_reference::<Location>(
            &mut tx,
            &mut errors,
            auth.organization_id,
            &format!("{prefix}location_id"),
            location_id,
        )
        .await?;
        if let (Some(order_line), Some(quantity), Some(location_id)) =
            (order_line, quantity, location_id)
        {
            if quantity <= Quantity::ZERO {
                errors.add(format!("{prefix}quantity"), "must be positive");
            } else {
                receipts.push((order_line.clone(), quantity, location_id, prefix));
            }
        }
    }
    errors.finish(|| ())?;
    let reference = order.number.clone();
    let note = MovementNote {
        user_id: Some(auth.user_id),
        reason: Some("purchase receipt"),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: None,
    };
    let mut movements = Vec::new();
    for (line, quantity, location_id, prefix) in receipts {
        if !store::receive_line(&mut tx, auth.organization_id, id, line.id, quantity).await? {
            return Err(ApiError::field(
                &format!("{prefix}quantity"),
                &format!(
                    "more than ordered: {} still expected on this line",
                    line_remaining(&mut tx, auth.organization_id, id, line.id).await?
                ),
            ));
        }
        let product: Product =
            resource::get_in(&mut tx, auth.organization_id, line.product_id).await?;
        let unit_cost = UnitPrice::round(
            line.unit_price.0.value()
                * (rust_decimal::Decimal::ONE_HUNDRED - line.discount_percent.0.value())
                / rust_decimal::Decimal::ONE_HUNDRED,
        );
        store::update_average_cost(
            &mut tx,
            auth.organization_id,
            product.id,
            product.average_cost.0,
            quantity,
            unit_cost,
        )
        .await?;
        let plan = MovementPlan::new(MovementType::Receipt, quantity, None, Some(location_id))
            .map_err(|_| ApiError::field("quantity", "must be positive"))?;
        let item = Item {
            product_id: line.product_id,
            variant_id: line.variant_id,
        };
        let movement =
            stock_store::record_movement(&mut tx, auth.organization_id, item, &plan, &note).await?;
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
        movements.push(movement);
    }
    let complete = store::lines_in(&mut tx, auth.organization_id, id)
        .await?
        .iter()
        .all(|line| line.remaining() == Quantity::ZERO);
    let next = transition(&order, PurchaseAction::Receive { complete })?;
    let moved = store::set_status(&mut tx, auth.organization_id, id, order.status, next)
        .await?
        .ok_or_else(|| ApiError::InvalidTransition("the order changed meanwhile; retry".into()))?;
    log(
        &mut tx,
        &auth,
        "receive",
        "purchase_order",
        id,
        Some(&order),
        Some(&moved),
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Receipt {
            order: detail(&ctx.db, auth.organization_id, moved).await?,
            movements,
        }),
    ))
}

async fn line_remaining(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    line_id: Uuid,
) -> ApiResult<Quantity> {
    Ok(store::lines_in(tx, organization_id, order_id)
        .await?
        .iter()
        .find(|line| line.id == line_id)
        .map(PurchaseOrderLine::remaining)
        .unwrap_or_default())
}
