//! Purchase orders, their lines and receipts, reorder rules.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Fixed, Table, Values};
use crate::stock::Item;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbering::Series;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::purchasing::PurchaseStatus;
use comptoir_domain::stock::weighted_average_cost;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PurchaseOrder {
    pub id: Uuid,
    pub number: String,
    pub supplier_id: Uuid,
    /// Where the goods are expected.
    pub warehouse_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub status: PurchaseStatus,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub expected_date: Option<NaiveDate>,
    pub notes: Option<String>,
    #[schema(value_type = String, example = "100.00")]
    pub total_excl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "20.00")]
    pub total_tax: Fixed<Money>,
    #[schema(value_type = String, example = "120.00")]
    pub total_incl_tax: Fixed<Money>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for PurchaseOrder {
    const TABLE: &'static str = "purchase_orders";
    const COLUMNS: &'static str = "id, number, supplier_id, warehouse_id, status, currency, issue_date, \
        expected_date, notes, total_excl_tax, total_tax, total_incl_tax, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("number", "number"),
        ("issue_date", "issue_date"),
        ("total_excl_tax", "total_excl_tax"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["number", "notes"];
    const DEFAULT_SORT: &'static str = "number";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PurchaseOrderLine {
    pub id: Uuid,
    pub position: i64,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "10")]
    pub quantity: Fixed<Quantity>,
    #[schema(value_type = String, example = "7.20")]
    pub unit_price: Fixed<UnitPrice>,
    #[schema(value_type = String, example = "0.00")]
    pub discount_percent: Fixed<Percent>,
    #[schema(value_type = String, example = "20.00")]
    pub vat_rate: Fixed<Percent>,
    #[sqlx(try_from = "String")]
    pub vat_category: VatCategory,
    #[schema(value_type = String, example = "72.00")]
    pub total_excl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "4")]
    pub received_quantity: Fixed<Quantity>,
}

const LINE_COLUMNS: &str = "id, position, product_id, variant_id, description, quantity, unit_price, \
    discount_percent, vat_rate, vat_category, total_excl_tax, received_quantity";

impl PurchaseOrderLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity.0,
            unit_price: self.unit_price.0,
            discount_percent: self.discount_percent.0,
            vat_category: self.vat_category,
            vat_rate: self.vat_rate.0,
        }
    }

    pub fn remaining(&self) -> Quantity {
        Quantity::from_units(self.quantity.0.units() - self.received_quantity.0.units())
    }
}

pub struct PurchaseOrderInput {
    pub supplier_id: Uuid,
    pub warehouse_id: Option<Uuid>,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub expected_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<PurchaseLineInput>,
}

pub struct PurchaseLineInput {
    pub item: Item,
    pub description: String,
    pub amounts: LineAmounts,
}

fn header_values(input: &PurchaseOrderInput) -> Values {
    let totals = comptoir_domain::documents::totals(
        &input.lines.iter().map(|l| l.amounts).collect::<Vec<_>>(),
    );
    vec![
        ("supplier_id", input.supplier_id.into()),
        ("warehouse_id", input.warehouse_id.into()),
        ("currency", input.currency.as_str().into()),
        ("issue_date", input.issue_date.into()),
        ("expected_date", input.expected_date.into()),
        ("notes", input.notes.as_deref().into()),
        ("total_excl_tax", totals.total_excl_tax.into()),
        ("total_tax", totals.total_tax.into()),
        ("total_incl_tax", totals.total_incl_tax.into()),
    ]
}

async fn insert_lines(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    lines: &[PurchaseLineInput],
) -> Result<(), DbError> {
    let rows = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let amounts = line.amounts;
            vec![
                ("id", Uuid::now_v7().into()),
                ("organization_id", organization_id.into()),
                ("purchase_order_id", order_id.into()),
                ("position", (position as i64 + 1).into()),
                ("product_id", line.item.product_id.into()),
                ("variant_id", line.item.variant_id.into()),
                ("variant_key", line.item.variant_key().into()),
                ("description", line.description.as_str().into()),
                ("quantity", amounts.quantity.into()),
                ("unit_price", amounts.unit_price.into()),
                ("discount_percent", amounts.discount_percent.into()),
                ("vat_rate", amounts.vat_rate.into()),
                ("vat_category", amounts.vat_category.into()),
                ("total_excl_tax", amounts.total_excl_tax().into()),
                ("received_quantity", 0_i64.into()),
            ]
        })
        .collect();
    resource::insert_rows(tx, "purchase_order_lines", rows).await
}

/// Creates a draft order numbered in its issue year (`ACH-YYYY-NNNNN` by
/// default).
pub async fn insert_order(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &PurchaseOrderInput,
) -> Result<PurchaseOrder, DbError> {
    let year = input.issue_date.year();
    let number =
        crate::numbering::next_number(tx, organization_id, Series::PurchaseOrder, year).await?;
    let mut values = header_values(input);
    values.push(("number", number.into()));
    values.push(("status", PurchaseStatus::Draft.as_str().into()));
    let order: PurchaseOrder = resource::insert(tx, organization_id, values).await?;
    insert_lines(tx, organization_id, order.id, &input.lines).await?;
    Ok(order)
}

/// Rewrites a draft order's header and lines.
pub async fn replace_order(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &PurchaseOrderInput,
) -> Result<PurchaseOrder, DbError> {
    let order: PurchaseOrder =
        resource::update(tx, organization_id, id, version, header_values(input)).await?;
    tx.execute(
        Sql::new("DELETE FROM purchase_order_lines WHERE purchase_order_id = $1 AND organization_id = $2")
            .bind(id)
            .bind(organization_id),
    )
    .await?;
    insert_lines(tx, organization_id, id, &input.lines).await?;
    Ok(order)
}

fn lines_query(organization_id: Uuid, order_id: Uuid) -> Sql {
    Sql::new(format!(
        "SELECT {LINE_COLUMNS} FROM purchase_order_lines \
         WHERE purchase_order_id = $1 AND organization_id = $2 ORDER BY position"
    ))
    .bind(order_id)
    .bind(organization_id)
}

pub async fn lines(
    db: &Db,
    organization_id: Uuid,
    order_id: Uuid,
) -> Result<Vec<PurchaseOrderLine>, DbError> {
    db.fetch_all(lines_query(organization_id, order_id)).await
}

pub async fn lines_in(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
) -> Result<Vec<PurchaseOrderLine>, DbError> {
    tx.fetch_all(lines_query(organization_id, order_id)).await
}

/// Moves the order from `from` to `to`; `None` if it is no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    from: PurchaseStatus,
    to: PurchaseStatus,
) -> Result<Option<PurchaseOrder>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE purchase_orders SET status = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND organization_id = $4 AND status = $5 RETURNING {}",
            PurchaseOrder::COLUMNS
        ))
        .bind(to.as_str())
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(from.as_str()),
    )
    .await
}

/// Adds a received quantity to a line, unless that would exceed what was
/// ordered; returns whether it did. The bound is in the `UPDATE`'s `WHERE`,
/// so two receipts at once cannot together receive more than ordered.
pub async fn receive_line(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE purchase_order_lines SET received_quantity = received_quantity + $1 \
                 WHERE id = $2 AND purchase_order_id = $3 AND organization_id = $4 \
                 AND received_quantity + $1 <= quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(order_id)
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Folds a receipt into the product's weighted average cost. Call it
/// before the receipt's movement (the stock on hand it reads must not
/// include the receipt yet), with the product row locked (two receipts of
/// one product then fold in one after the other, not both over the same
/// old average).
pub async fn update_average_cost(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    current: UnitPrice,
    received: Quantity,
    unit_cost: UnitPrice,
) -> Result<UnitPrice, DbError> {
    let (on_hand,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT CAST(COALESCE(SUM(physical), 0) AS BIGINT) FROM stock_levels \
                 WHERE organization_id = $1 AND product_id = $2",
            )
            .bind(organization_id)
            .bind(product_id),
        )
        .await?;
    let average =
        weighted_average_cost(Quantity::from_units(on_hand), current, received, unit_cost);
    tx.execute(
        Sql::new("UPDATE products SET average_cost = $1 WHERE id = $2 AND organization_id = $3")
            .bind(average)
            .bind(product_id)
            .bind(organization_id),
    )
    .await?;
    Ok(average)
}

/// What open purchase orders still bring of an item into a warehouse.
pub async fn on_order(
    db: &Db,
    organization_id: Uuid,
    item: Item,
    warehouse_id: Uuid,
) -> Result<Quantity, DbError> {
    let (units,): (i64,) = db
        .fetch_one(
            Sql::new(
                "SELECT CAST(COALESCE(SUM(l.quantity - l.received_quantity), 0) AS BIGINT) \
                 FROM purchase_order_lines l JOIN purchase_orders o ON o.id = l.purchase_order_id \
                 WHERE o.organization_id = $1 AND l.product_id = $2 AND l.variant_key = $3 \
                 AND o.warehouse_id = $4 AND o.status IN ('draft', 'sent', 'partially_received')",
            )
            .bind(organization_id)
            .bind(item.product_id)
            .bind(item.variant_key())
            .bind(warehouse_id),
        )
        .await?;
    Ok(Quantity::from_units(units))
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ReorderRule {
    pub id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String, example = "10")]
    pub min_quantity: Fixed<Quantity>,
    #[schema(value_type = String, example = "50")]
    pub max_quantity: Fixed<Quantity>,
    /// Who to order from; the cheapest listed supplier when absent.
    pub supplier_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for ReorderRule {
    const TABLE: &'static str = "reorder_rules";
    const COLUMNS: &'static str = "id, product_id, variant_id, warehouse_id, min_quantity, max_quantity, \
        supplier_id, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &[];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct ReorderRuleInput {
    pub item: Item,
    pub warehouse_id: Uuid,
    pub min_quantity: Quantity,
    pub max_quantity: Quantity,
    pub supplier_id: Option<Uuid>,
}

fn rule_values(input: &ReorderRuleInput) -> Values {
    vec![
        ("product_id", input.item.product_id.into()),
        ("variant_id", input.item.variant_id.into()),
        ("variant_key", input.item.variant_key().into()),
        ("warehouse_id", input.warehouse_id.into()),
        ("min_quantity", input.min_quantity.into()),
        ("max_quantity", input.max_quantity.into()),
        ("supplier_id", input.supplier_id.into()),
    ]
}

pub async fn insert_rule(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ReorderRuleInput,
) -> Result<ReorderRule, DbError> {
    resource::insert(tx, organization_id, rule_values(input)).await
}

pub async fn update_rule(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &ReorderRuleInput,
) -> Result<ReorderRule, DbError> {
    resource::update(tx, organization_id, id, version, rule_values(input)).await
}

/// A reorder rule with the stock it watches.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RuleStock {
    pub rule_id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub min_quantity: Fixed<Quantity>,
    #[schema(value_type = String)]
    pub max_quantity: Fixed<Quantity>,
    pub supplier_id: Option<Uuid>,
    #[schema(value_type = String)]
    pub physical: Fixed<Quantity>,
    /// What is not reserved, over all locations of the warehouse.
    #[schema(value_type = String)]
    pub available: Fixed<Quantity>,
}

/// Every rule whose warehouse's available stock is under its minimum.
pub async fn rules_below_minimum(
    db: &Db,
    organization_id: Uuid,
) -> Result<Vec<RuleStock>, DbError> {
    db.fetch_all(
        Sql::new(
            "SELECT r.id AS rule_id, r.product_id, r.variant_id, r.warehouse_id, r.min_quantity, r.max_quantity, \
             r.supplier_id, CAST(COALESCE(SUM(l.physical), 0) AS BIGINT) AS physical, \
             CAST(COALESCE(SUM(l.physical - l.reserved), 0) AS BIGINT) AS available \
             FROM reorder_rules r \
             LEFT JOIN locations loc ON loc.warehouse_id = r.warehouse_id \
             LEFT JOIN stock_levels l ON l.location_id = loc.id AND l.product_id = r.product_id \
               AND l.variant_key = r.variant_key \
             WHERE r.organization_id = $1 \
             GROUP BY r.id, r.product_id, r.variant_id, r.warehouse_id, r.min_quantity, r.max_quantity, r.supplier_id \
             HAVING CAST(COALESCE(SUM(l.physical - l.reserved), 0) AS BIGINT) < r.min_quantity \
             ORDER BY r.warehouse_id, r.product_id",
        )
        .bind(organization_id),
    )
    .await
}

/// The cheapest supplier listed for a product, with its price.
pub async fn cheapest_supplier(
    db: &Db,
    organization_id: Uuid,
    product_id: Uuid,
) -> Result<Option<(Uuid, UnitPrice)>, DbError> {
    let row: Option<(Uuid, Fixed<UnitPrice>)> = db
        .fetch_optional(
            Sql::new(
                "SELECT supplier_id, purchase_price FROM product_suppliers \
                 WHERE organization_id = $1 AND product_id = $2 ORDER BY purchase_price, supplier_id LIMIT 1",
            )
            .bind(organization_id)
            .bind(product_id),
        )
        .await?;
    Ok(row.map(|(supplier, Fixed(price))| (supplier, price)))
}

/// The price a supplier asks for a product, when listed.
pub async fn supplier_price(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    supplier_id: Uuid,
) -> Result<Option<UnitPrice>, DbError> {
    let row: Option<(Fixed<UnitPrice>,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT purchase_price FROM product_suppliers \
                 WHERE product_id = $1 AND supplier_id = $2 AND organization_id = $3",
            )
            .bind(product_id)
            .bind(supplier_id)
            .bind(organization_id),
        )
        .await?;
    Ok(row.map(|(Fixed(price),)| price))
}

/// One valuation row: a product's stock in a warehouse at its average cost.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StockValueRow {
    pub warehouse_id: Uuid,
    pub product_id: Uuid,
    pub category_id: Option<Uuid>,
    pub physical: i64,
    pub average_cost: i64,
}

pub async fn stock_value_rows(
    db: &Db,
    organization_id: Uuid,
) -> Result<Vec<StockValueRow>, DbError> {
    db.fetch_all(
        Sql::new(
            "SELECT loc.warehouse_id, p.id AS product_id, p.category_id, \
             CAST(SUM(l.physical) AS BIGINT) AS physical, p.average_cost \
             FROM stock_levels l JOIN locations loc ON loc.id = l.location_id JOIN products p ON p.id = l.product_id \
             WHERE l.organization_id = $1 \
             GROUP BY loc.warehouse_id, p.id, p.category_id, p.average_cost",
        )
        .bind(organization_id),
    )
    .await
}
