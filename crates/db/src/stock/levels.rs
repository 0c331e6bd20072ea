//! Stock levels and the terms of every stock change: the item a level
//! counts, shortages and stock errors, the two conditional level updates,
//! and `verify`, which recomputes the levels from the ledger and the
//! active reservations.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Filter, Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::numbers::Quantity;
use serde::Serialize;
use uuid::Uuid;

/// A product, or one variant of it: what a level counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Item {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
}

impl Item {
    /// The variant id, or the nil UUID: levels are unique on it.
    pub fn variant_key(self) -> Uuid {
        self.variant_id.unwrap_or(Uuid::nil())
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct StockLevel {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub location_id: Uuid,
    pub warehouse_id: Uuid,
    #[schema(value_type = String, example = "12")]
    pub physical: Fixed<Quantity>,
    #[schema(value_type = String, example = "2")]
    pub reserved: Fixed<Quantity>,
    /// `physical - reserved`.
    #[schema(value_type = String, example = "10")]
    pub available: Fixed<Quantity>,
    pub updated_at: DateTime<Utc>,
}

impl Table for StockLevel {
    const TABLE: &'static str = "(SELECT l.id, l.organization_id, l.product_id, l.variant_id, l.variant_key, l.location_id, \
        loc.warehouse_id, l.physical, l.reserved, l.physical - l.reserved AS available, l.updated_at, \
        p.code AS product_code, p.name AS product_name \
        FROM stock_levels l JOIN locations loc ON loc.id = l.location_id \
        JOIN products p ON p.id = l.product_id) levels";
    const COLUMNS: &'static str = "product_id, variant_id, location_id, warehouse_id, physical, reserved, available, updated_at";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("product", "product_code"),
        ("physical", "physical"),
        ("available", "available"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["product_code", "product_name"];
    const DEFAULT_SORT: &'static str = "product_id";
}

/// Keeps the levels of items whose warehouse stock is under their reorder
/// minimum (a condition on the `StockLevel` listing).
pub fn below_minimum(filter: Filter) -> Filter {
    filter.clause(BELOW_MINIMUM)
}

const BELOW_MINIMUM: &str = "EXISTS (SELECT 1 FROM reorder_rules r \
    WHERE r.warehouse_id = levels.warehouse_id AND r.product_id = levels.product_id \
    AND r.variant_key = levels.variant_key AND r.min_quantity > ( \
      SELECT COALESCE(SUM(w.physical - w.reserved), 0) FROM stock_levels w \
      JOIN locations wl ON wl.id = w.location_id \
      WHERE wl.warehouse_id = r.warehouse_id AND w.product_id = r.product_id \
      AND w.variant_key = r.variant_key))";

/// Keeps the movements into or out of the location.
pub fn touching_location(filter: Filter, location_id: Uuid) -> Filter {
    filter.condition("{} IN (from_location_id, to_location_id)", location_id)
}

/// Keeps the movements into or out of any location of the warehouse.
pub fn touching_warehouse(filter: Filter, warehouse_id: Uuid) -> Filter {
    filter.condition(
        "EXISTS (SELECT 1 FROM locations w WHERE w.warehouse_id = {} \
         AND w.id IN (from_location_id, to_location_id))",
        warehouse_id,
    )
}

/// An issue, transfer or reservation that the available stock cannot
/// cover.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Shortage {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub location_id: Uuid,
    #[schema(value_type = String)]
    pub requested: Quantity,
    #[schema(value_type = String)]
    pub available: Quantity,
}

/// What can stop a stock change.
#[derive(Debug, thiserror::Error)]
pub enum StockError {
    #[error("insufficient stock")]
    Insufficient(Vec<Shortage>),
    #[error("{0}")]
    InvalidTransition(String),
    /// An open inventory covers the item and location.
    #[error("inventory {0} is in progress on this stock")]
    Blocked(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

async fn available(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
) -> Result<Quantity, DbError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT physical - reserved FROM stock_levels \
                 WHERE location_id = $1 AND product_id = $2 AND variant_key = $3 AND organization_id = $4",
            )
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key())
            .bind(organization_id),
        )
        .await?;
    Ok(Quantity::from_units(row.map_or(0, |(units,)| units)))
}

pub(super) async fn shortage(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    requested: Quantity,
) -> Result<Shortage, DbError> {
    Ok(Shortage {
        product_id: item.product_id,
        variant_id: item.variant_id,
        location_id,
        requested,
        available: available(tx, organization_id, item, location_id).await?,
    })
}

/// Adds to a level, creating it at its first receipt.
pub(super) async fn increase(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    quantity: Quantity,
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "INSERT INTO stock_levels (id, organization_id, location_id, product_id, variant_id, variant_key, \
             physical, reserved, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) \
             ON CONFLICT (location_id, product_id, variant_key) DO UPDATE \
             SET physical = stock_levels.physical + excluded.physical, updated_at = excluded.updated_at",
        )
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(location_id)
        .bind(item.product_id)
        .bind(item.variant_id)
        .bind(item.variant_key())
        .bind(quantity)
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// Takes from a level's physical stock and, for a delivery of reserved
/// goods, from its reservation, in one conditional statement: it only
/// happens if what is not reserved for others covers it.
pub(super) async fn decrease(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    quantity: Quantity,
    from_reserved: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE stock_levels SET physical = physical - $1, reserved = reserved - $2, updated_at = $3 \
                 WHERE location_id = $4 AND product_id = $5 AND variant_key = $6 AND organization_id = $7 \
                 AND physical - reserved >= $1 - $2 AND reserved >= $2",
            )
            .bind(quantity)
            .bind(from_reserved)
            .bind(now())
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key())
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// A level that differs from what its ledger or its reservations add up to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LevelDifference {
    pub organization_id: Uuid,
    pub location_id: Uuid,
    pub product_id: Uuid,
    pub variant_key: Uuid,
    pub physical: i64,
    pub ledger: i64,
    pub reserved: i64,
    pub active_reservations: i64,
}

/// Recomputes every level from the ledger and the active reservations and
/// returns those that differ.
pub async fn verify(db: &Db) -> Result<Vec<LevelDifference>, DbError> {
    db.fetch_all(Sql::new(
        "WITH ledger AS ( \
           SELECT location_id, product_id, variant_key, CAST(SUM(quantity) AS BIGINT) AS total FROM ( \
             SELECT to_location_id AS location_id, product_id, variant_key, quantity FROM stock_movements \
               WHERE to_location_id IS NOT NULL \
             UNION ALL \
             SELECT from_location_id, product_id, variant_key, -quantity FROM stock_movements \
               WHERE from_location_id IS NOT NULL) moves \
           GROUP BY location_id, product_id, variant_key), \
         held AS ( \
           SELECT location_id, product_id, variant_key, CAST(SUM(quantity) AS BIGINT) AS total \
           FROM stock_reservations WHERE status = 'active' GROUP BY location_id, product_id, variant_key) \
         SELECT l.organization_id, l.location_id, l.product_id, l.variant_key, l.physical, \
           COALESCE(ledger.total, 0) AS ledger, l.reserved, COALESCE(held.total, 0) AS active_reservations \
         FROM stock_levels l \
         LEFT JOIN ledger ON ledger.location_id = l.location_id AND ledger.product_id = l.product_id \
           AND ledger.variant_key = l.variant_key \
         LEFT JOIN held ON held.location_id = l.location_id AND held.product_id = l.product_id \
           AND held.variant_key = l.variant_key \
         WHERE l.physical <> COALESCE(ledger.total, 0) OR l.reserved <> COALESCE(held.total, 0) \
         ORDER BY l.organization_id, l.location_id, l.product_id",
    ))
    .await
}
