//! The movement ledger: a movement and the level changes it makes, a
//! level set to a counted quantity, and the check that no open inventory
//! covers what a movement touches (the inventory lock's key and the
//! lookup of open inventories live here, so that inventories build on
//! stock and not the reverse).

use super::levels::{Item, Shortage, StockError, decrease, increase, shortage};
use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{LevelChange, MovementPlan, MovementType};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Movement {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    #[serde(rename = "type")]
    pub movement_type: MovementType,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    #[schema(value_type = String, example = "5")]
    pub quantity: Fixed<Quantity>,
    pub from_location_id: Option<Uuid>,
    pub to_location_id: Option<Uuid>,
    pub reason: Option<String>,
    pub reference: Option<String>,
    pub reservation_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

impl Table for Movement {
    const TABLE: &'static str = "stock_movements";
    const COLUMNS: &'static str = "id, movement_type, product_id, variant_id, quantity, from_location_id, \
        to_location_id, reason, reference, reservation_id, user_id, created_at";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &["reason", "reference"];
    const DEFAULT_SORT: &'static str = "created_at";
}

/// Who records a movement, and why.
#[derive(Clone, Copy)]
pub struct MovementNote<'a> {
    pub user_id: Option<Uuid>,
    pub reason: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub reservation_id: Option<Uuid>,
    /// The inventory writing its adjustments: it does not block itself.
    pub inventory_id: Option<Uuid>,
}

pub(super) async fn insert_movement(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    plan: &MovementPlan,
    note: &MovementNote<'_>,
) -> Result<Movement, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO stock_movements (id, organization_id, movement_type, product_id, variant_id, variant_key, \
             quantity, from_location_id, to_location_id, reason, reference, reservation_id, user_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {}",
            Movement::COLUMNS
        ))
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(plan.movement_type.as_str())
        .bind(item.product_id)
        .bind(item.variant_id)
        .bind(item.variant_key())
        .bind(plan.quantity)
        .bind(plan.from_location_id)
        .bind(plan.to_location_id)
        .bind(note.reason)
        .bind(note.reference)
        .bind(note.reservation_id)
        .bind(note.user_id)
        .bind(now()),
    )
    .await
}

/// Writes a movement and the level changes it makes, or nothing if the
/// stock it takes is not available.
pub async fn record_movement(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    plan: &MovementPlan,
    note: &MovementNote<'_>,
) -> Result<Movement, StockError> {
    let movement = prepare_movement(tx, organization_id, item, plan, note).await?;
    apply_movement(tx, organization_id, item, plan).await?;
    Ok(movement)
}

/// What [`set_physical`] did to a level.
pub enum LevelSet {
    /// The level did not exist: the movement created it.
    Created(Movement),
    Changed(Movement),
    /// It already held that quantity: nothing was written.
    Unchanged,
}

/// Sets the physical stock of `item` at `location_id` to `target` with one
/// adjustment movement for the difference, so the ledger still sums to the
/// level. The level row is locked first (PostgreSQL; SQLite writers are
/// serialized anyway), so what it holds cannot change before the commit.
/// Going below what is reserved is a shortage; a level an open inventory
/// covers is refused, as for any movement. Imports set levels this way, so
/// the ledger invariant holds for them too.
pub async fn set_physical(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    target: Quantity,
    note: &MovementNote<'_>,
) -> Result<LevelSet, StockError> {
    let lock = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    let level: Option<(i64, i64)> = tx
        .fetch_optional(
            Sql::new(format!(
                "SELECT physical, reserved FROM stock_levels \
                 WHERE location_id = $1 AND product_id = $2 AND variant_key = $3 \
                 AND organization_id = $4{lock}"
            ))
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key())
            .bind(organization_id),
        )
        .await?;
    let (physical, reserved) = level.unwrap_or_default();
    let difference = target.units() - physical;
    if difference == 0 {
        return Ok(LevelSet::Unchanged);
    }
    if target.units() < reserved {
        return Err(StockError::Insufficient(vec![Shortage {
            product_id: item.product_id,
            variant_id: item.variant_id,
            location_id,
            requested: Quantity::from_units(-difference),
            available: Quantity::from_units(physical - reserved),
        }]));
    }
    let (from, to) = if difference < 0 {
        (Some(location_id), None)
    } else {
        (None, Some(location_id))
    };
    let plan = MovementPlan::new(
        MovementType::Adjustment,
        Quantity::from_units(difference),
        from,
        to,
    )
    .map_err(|errors| StockError::InvalidTransition(format!("{errors:?}")))?;
    let movement = record_movement(tx, organization_id, item, &plan, note).await?;
    Ok(if level.is_some() {
        LevelSet::Changed(movement)
    } else {
        LevelSet::Created(movement)
    })
}

/// The first half of a movement: checks no open inventory covers it and
/// appends it to the ledger. The caller then audits it and calls
/// [`apply_movement`] last, so the hot level row stays locked only from
/// its update to the commit.
pub async fn prepare_movement(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    plan: &MovementPlan,
    note: &MovementNote<'_>,
) -> Result<Movement, StockError> {
    for location_id in [plan.from_location_id, plan.to_location_id]
        .into_iter()
        .flatten()
    {
        check_not_blocked(tx, organization_id, item, location_id, note.inventory_id).await?;
    }
    Ok(insert_movement(tx, organization_id, item, plan, note).await?)
}

/// The level changes of a movement, decreases first; a shortage fails
/// the whole movement.
pub async fn apply_movement(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    plan: &MovementPlan,
) -> Result<(), StockError> {
    for change in plan.changes() {
        match change {
            LevelChange::Decrease {
                location_id,
                quantity,
            } => {
                if !decrease(
                    tx,
                    organization_id,
                    item,
                    location_id,
                    quantity,
                    Quantity::ZERO,
                )
                .await?
                {
                    let short = shortage(tx, organization_id, item, location_id, quantity).await?;
                    return Err(StockError::Insufficient(vec![short]));
                }
            }
            LevelChange::Increase {
                location_id,
                quantity,
            } => increase(tx, organization_id, item, location_id, quantity).await?,
        }
    }
    Ok(())
}

/// Refuses a movement that an open inventory (other than `except`)
/// covers. On PostgreSQL it first takes the warehouse's inventory lock in
/// shared mode: movements never wait for each other, but an inventory
/// opening (exclusive) waits for those in flight, and later ones see it.
pub(super) async fn check_not_blocked(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    except: Option<Uuid>,
) -> Result<(), StockError> {
    if tx.backend() == crate::Backend::Postgres {
        tx.execute(
            Sql::new(format!(
                "SELECT pg_advisory_xact_lock_shared({}) FROM locations \
                 WHERE id = $1 AND organization_id = $2",
                inventory_lock_key("warehouse_id")
            ))
            .bind(location_id)
            .bind(organization_id),
        )
        .await?;
    }
    let covering = open_covering(tx, organization_id, item.product_id, location_id).await?;
    match covering.into_iter().find(|(id, _)| Some(*id) != except) {
        Some((_, number)) => Err(StockError::Blocked(number)),
        None => Ok(()),
    }
}

/// The advisory-lock key of a warehouse's inventories (PostgreSQL), as an
/// expression over the column holding the warehouse id.
pub(crate) fn inventory_lock_key(warehouse_column: &str) -> String {
    format!("hashtextextended('inventory:' || CAST({warehouse_column} AS TEXT), 0)")
}

/// Open inventories whose scope covers the product at the location, as
/// (id, number).
pub async fn open_covering(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    location_id: Uuid,
) -> Result<Vec<(Uuid, String)>, DbError> {
    tx.fetch_all(
        Sql::new(
            "WITH RECURSIVE path (id, parent_id, depth) AS ( \
               SELECT c.id, c.parent_id, 0 FROM categories c JOIN products p ON p.category_id = c.id \
               WHERE p.id = $1 AND p.organization_id = $3 \
               UNION ALL \
               SELECT c.id, c.parent_id, path.depth + 1 FROM categories c JOIN path ON c.id = path.parent_id \
               WHERE path.depth < 100) \
             SELECT inv.id, inv.number FROM inventories inv \
             JOIN locations loc ON loc.id = $2 AND loc.organization_id = $3 \
             AND loc.warehouse_id = inv.warehouse_id \
             WHERE inv.organization_id = $3 AND inv.status = 'open' \
             AND (NOT EXISTS (SELECT 1 FROM inventory_locations il WHERE il.inventory_id = inv.id) \
                  OR EXISTS (SELECT 1 FROM inventory_locations il \
                             WHERE il.inventory_id = inv.id AND il.location_id = $2)) \
             AND (inv.category_id IS NULL OR inv.category_id IN (SELECT id FROM path))",
        )
        .bind(product_id)
        .bind(location_id)
        .bind(organization_id),
    )
    .await
}
