//! Purchase orders, numbered `ACH-YYYY-NNNNN`: a draft is validated against
//! the catalog (prices and VAT filled from the supplier's list or the
//! product) and may be replaced whole while it is a draft; sending and
//! cancelling move it by the state machine.

use super::{PurchaseOrderDetail, detail, move_to, next_status};
use crate::audit::log;
use crate::records;
use crate::stock::check_item;
use crate::validate::{MAX_NAME, MAX_TEXT, check_reference, optional, parsed, query_filter};
use crate::{Actor, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Supplier;
use comptoir_db::purchasing::{
    self as store, PurchaseLineInput, PurchaseOrder, PurchaseOrderInput,
};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::stock::{Item, Warehouse};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::currency::{DEFAULT_CURRENCY, parse_currency};
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::purchasing::{PurchaseAction, PurchaseStatus};
use serde::Deserialize;
use uuid::Uuid;

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
    actor: &Actor,
    request: PurchaseOrderRequest,
) -> ServiceResult<PurchaseOrderInput> {
    let organization_id = actor.organization_id;
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
        issue_date: request.issue_date.unwrap_or_else(|| actor.today()),
        expected_date: request.expected_date,
        notes,
        lines: inputs,
    })
}

/// Creates a draft order from a validated request.
pub async fn create_order(
    db: &Db,
    actor: &Actor,
    request: PurchaseOrderRequest,
) -> ServiceResult<PurchaseOrderDetail> {
    let organization_id = actor.organization_id;
    let order = records::create(db, actor, async |tx: &mut Tx| {
        let input = validate_order(tx, actor, request).await?;
        Ok(store::insert_order(tx, organization_id, &input).await?)
    })
    .await?;
    detail(db, organization_id, order).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderFilters {
    pub supplier_id: Option<Uuid>,
    /// `draft`, `sent`, `partially_received`, `received` or `cancelled`.
    #[param(value_type = Option<PurchaseStatus>)]
    pub status: Option<String>,
}

/// One page of the orders `filters` select.
pub async fn list_orders(
    db: &Db,
    actor: &Actor,
    filters: OrderFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<PurchaseOrder>> {
    let filter = order_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// The orders a list (or its export) shows.
pub fn order_filter(
    organization_id: Uuid,
    filters: OrderFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), PurchaseStatus::parse)?;
    Ok(Filter::organization(organization_id)
        .eq("supplier_id", filters.supplier_id)
        .eq("status", status.map(PurchaseStatus::as_str))
        .search(PurchaseOrder::SEARCHABLE, q))
}

/// An order with its lines.
pub async fn get_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<PurchaseOrderDetail> {
    let order = records::get(db, actor, id).await?;
    detail(db, actor.organization_id, order).await
}

/// Replaces a draft order whole, lines included.
pub async fn update_order(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    request: PurchaseOrderRequest,
) -> ServiceResult<PurchaseOrderDetail> {
    let organization_id = actor.organization_id;
    let updated = records::change(
        db,
        actor,
        id,
        expected_version,
        async |tx: &mut Tx, current: &PurchaseOrder| {
            next_status(current, PurchaseAction::EditLines)?;
            let input = validate_order(tx, actor, request).await?;
            Ok(store::replace_order(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await?;
    detail(db, organization_id, updated).await
}

/// Applies `action` to a locked order with one conditional status update,
/// audited as `name`.
async fn act(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    action: PurchaseAction,
    name: &str,
) -> ServiceResult<PurchaseOrderDetail> {
    let mut tx = db.begin().await?;
    let current: PurchaseOrder = resource::get_in(&mut tx, actor.organization_id, id).await?;
    let next = next_status(&current, action)?;
    let moved = move_to(&mut tx, actor.organization_id, &current, next).await?;
    log(
        &mut tx,
        actor,
        name,
        "purchase_order",
        id,
        Some(&current),
        Some(&moved),
    )
    .await?;
    tx.commit().await?;
    detail(db, actor.organization_id, moved).await
}

/// Sends a draft order to its supplier.
pub async fn send_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<PurchaseOrderDetail> {
    act(db, actor, id, PurchaseAction::Send, "send").await
}

/// Cancels an order that has received nothing yet.
pub async fn cancel_order(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<PurchaseOrderDetail> {
    act(db, actor, id, PurchaseAction::Cancel, "cancel").await
}
