//! Physical inventories: open one on a warehouse (optionally some of its
//! locations and one category), record counts, close it with one
//! adjustment movement per difference, all in one transaction.
//!
//! An inventory must not miss a movement made while it opens. Opening takes
//! the warehouse's inventory lock (PostgreSQL advisory, exclusive), which
//! full-path movements hold shared before checking that no open inventory
//! covers them; it then counts its levels in (`stock_levels.counting + 1`,
//! rows locked in level order) before reading their expected stock. The
//! one-statement issue refuses `counting > 0` in its `WHERE`, which
//! PostgreSQL re-reads after waiting on the row, so an issue is either in
//! the snapshot or refused. Closing and cancelling count the lines marked
//! `marks_level` back out.

use crate::error::DbError;
use crate::pool::{Backend, Sql, Tx, now};
use crate::resource::{self, Fixed, Table};
use crate::stock::{self, Item, Movement, MovementNote, StockError};
use chrono::{DateTime, Utc};
use comptoir_domain::identifiers::Code;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{
    InventoryAction, InventoryStatus, MovementPlan, MovementType, inventory_transition,
};
use serde::Serialize;
use uuid::Uuid;

pub use crate::stock::open_covering;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Inventory {
    pub id: Uuid,
    pub number: String,
    pub warehouse_id: Uuid,
    pub category_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub status: InventoryStatus,
    pub opened_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Inventory {
    const TABLE: &'static str = "inventories";
    const COLUMNS: &'static str = "id, number, warehouse_id, category_id, status, opened_by, closed_at, \
        created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] =
        &[("number", "number"), ("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &["number"];
    const DEFAULT_SORT: &'static str = "number";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct InventoryLine {
    pub id: Uuid,
    pub location_id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    /// Physical stock when the inventory opened.
    #[schema(value_type = String, example = "12")]
    pub expected: Fixed<Quantity>,
    /// The last count; absent until counted.
    #[schema(value_type = Option<String>, example = "11")]
    pub counted: Option<Fixed<Quantity>>,
    /// `counted - expected`; absent until counted.
    #[schema(value_type = Option<String>, example = "-1")]
    pub difference: Option<Fixed<Quantity>>,
    pub counted_by: Option<Uuid>,
    pub counted_at: Option<DateTime<Utc>>,
    /// How many times the line was counted; the last count wins.
    pub rounds: i64,
}

const LINE_COLUMNS: &str = "id, location_id, product_id, variant_id, expected, counted, \
    counted - expected AS difference, counted_by, counted_at, rounds";

pub struct InventoryScope {
    pub warehouse_id: Uuid,
    pub location_ids: Vec<Uuid>,
    pub category_id: Option<Uuid>,
}

/// The levels an inventory covers, as a condition on `l` (stock_levels),
/// `loc` (its location) and `p` (its product), with `$1` the inventory id.
const IN_SCOPE: &str = "loc.warehouse_id = inv.warehouse_id \
    AND (NOT EXISTS (SELECT 1 FROM inventory_locations il WHERE il.inventory_id = inv.id) \
         OR l.location_id IN (SELECT location_id FROM inventory_locations WHERE inventory_id = inv.id)) \
    AND (inv.category_id IS NULL OR p.category_id IN (SELECT id FROM subtree))";

const SUBTREE: &str = "WITH RECURSIVE subtree (id, depth) AS ( \
    SELECT category_id, 0 FROM inventories WHERE id = $1 AND category_id IS NOT NULL \
    UNION ALL \
    SELECT c.id, subtree.depth + 1 FROM categories c JOIN subtree ON c.parent_id = subtree.id \
    WHERE subtree.depth < 100) ";

/// Opens an inventory and records, per level in its scope, the physical
/// stock expected.
pub async fn open(
    tx: &mut Tx,
    organization_id: Uuid,
    user_id: Uuid,
    scope: &InventoryScope,
) -> Result<Inventory, DbError> {
    let number = Code::generated(
        "INV",
        resource::next_counter(tx, organization_id, "inventories").await?,
    );
    let at = now();
    let inventory: Inventory = tx
        .fetch_one(
            Sql::new(format!(
                "INSERT INTO inventories (id, organization_id, number, warehouse_id, category_id, status, opened_by, \
                 created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7, 1) RETURNING {}",
                Inventory::COLUMNS
            ))
            .bind(Uuid::now_v7())
            .bind(organization_id)
            .bind(number.as_str())
            .bind(scope.warehouse_id)
            .bind(scope.category_id)
            .bind(user_id)
            .bind(at),
        )
        .await?;
    for location_id in &scope.location_ids {
        tx.execute(
            Sql::new("INSERT INTO inventory_locations (inventory_id, location_id) VALUES ($1, $2)")
                .bind(inventory.id)
                .bind(*location_id),
        )
        .await?;
    }
    let from = "FROM stock_levels l JOIN locations loc ON loc.id = l.location_id \
                JOIN products p ON p.id = l.product_id JOIN inventories inv ON inv.id = $1";
    if tx.backend() == Backend::Postgres {
        // Waits for the movements in flight in this warehouse (they hold
        // the same lock shared); later ones will see this inventory.
        tx.execute(
            Sql::new(format!(
                "SELECT pg_advisory_xact_lock({}) FROM warehouses WHERE id = $1 AND organization_id = $2",
                stock::inventory_lock_key("id")
            ))
            .bind(scope.warehouse_id)
            .bind(organization_id),
        )
        .await?;
    }
    // Counted in before the expected quantities are read: this waits for
    // one-statement issues holding these levels, and the next statement's
    // snapshot sees them.
    tx.execute(
        Sql::new(format!(
            "{SUBTREE} UPDATE stock_levels SET counting = counting + 1 WHERE id IN \
             (SELECT l.id {from} WHERE {IN_SCOPE} {LEVEL_ORDER}{})",
            lock_levels(tx.backend())
        ))
        .bind(inventory.id),
    )
    .await?;
    tx.execute(
        Sql::new(format!(
            "INSERT INTO inventory_lines (id, organization_id, inventory_id, location_id, product_id, variant_id, \
             variant_key, expected, rounds, marks_level) \
             {SUBTREE} SELECT {}, inv.organization_id, inv.id, l.location_id, l.product_id, l.variant_id, \
             l.variant_key, l.physical, 0, TRUE {from} WHERE {IN_SCOPE}",
            uuid_expression(tx.backend())
        ))
        .bind(inventory.id),
    )
    .await?;
    Ok(inventory)
}

/// Levels are locked in this order by every statement taking several, as
/// reservations do, so two such statements cannot deadlock.
const LEVEL_ORDER: &str = "ORDER BY l.location_id, l.product_id, l.variant_key";

/// Locks the levels a sub-select picks, in its order (PostgreSQL; SQLite
/// has one writer at a time).
fn lock_levels(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => " FOR UPDATE OF l",
        Backend::Sqlite => "",
    }
}

/// Counts the inventory's marked levels back out, when it closes or is
/// cancelled.
async fn release_levels(
    tx: &mut Tx,
    organization_id: Uuid,
    inventory_id: Uuid,
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(format!(
            "UPDATE stock_levels SET counting = counting - 1 WHERE id IN \
             (SELECT l.id FROM stock_levels l JOIN inventory_lines il ON il.location_id = l.location_id \
             AND il.product_id = l.product_id AND il.variant_key = l.variant_key \
             WHERE il.inventory_id = $1 AND il.organization_id = $2 AND l.organization_id = $2 \
             AND il.marks_level {LEVEL_ORDER}{})",
            lock_levels(tx.backend())
        ))
        .bind(inventory_id)
        .bind(organization_id),
    )
    .await?;
    Ok(())
}

/// A fresh version-4 UUID computed by the database, one per inserted row.
fn uuid_expression(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "gen_random_uuid()",
        Backend::Sqlite => {
            "unhex(hex(randomblob(6)) || '4' || substr(hex(randomblob(2)), 2) \
             || substr('89AB', 1 + abs(random()) % 4, 1) || substr(hex(randomblob(2)), 2) \
             || hex(randomblob(6)))"
        }
    }
}

pub async fn lines(
    db: &crate::Db,
    organization_id: Uuid,
    inventory_id: Uuid,
) -> Result<Vec<InventoryLine>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {LINE_COLUMNS} FROM inventory_lines WHERE inventory_id = $1 AND organization_id = $2 \
                 ORDER BY location_id, product_id, variant_key"
        ))
        .bind(inventory_id)
        .bind(organization_id),
    )
    .await
}

/// Records a count; the last count of a line wins. An item not expected
/// gets a line with the stock it has now (usually none).
pub async fn record_count(
    tx: &mut Tx,
    organization_id: Uuid,
    inventory_id: Uuid,
    user_id: Uuid,
    item: Item,
    location_id: Uuid,
    counted: Quantity,
) -> Result<(), DbError> {
    let at = now();
    let updated = tx
        .execute(
            Sql::new(
                "UPDATE inventory_lines SET counted = $1, counted_by = $2, counted_at = $3, rounds = rounds + 1 \
                 WHERE inventory_id = $4 AND location_id = $5 AND product_id = $6 AND variant_key = $7 \
                 AND organization_id = $8",
            )
            .bind(counted)
            .bind(user_id)
            .bind(at)
            .bind(inventory_id)
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key())
            .bind(organization_id),
        )
        .await?;
    if updated == 0 {
        let marked = tx
            .execute(
                Sql::new(
                    "UPDATE stock_levels SET counting = counting + 1 \
                     WHERE location_id = $1 AND product_id = $2 AND variant_key = $3 \
                     AND organization_id = $4",
                )
                .bind(location_id)
                .bind(item.product_id)
                .bind(item.variant_key())
                .bind(organization_id),
            )
            .await?;
        tx.execute(
            Sql::new(
                "INSERT INTO inventory_lines (id, organization_id, inventory_id, location_id, product_id, variant_id, \
                 variant_key, expected, counted, counted_by, counted_at, rounds, marks_level) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE((SELECT physical FROM stock_levels \
                 WHERE location_id = $4 AND product_id = $5 AND variant_key = $7), 0), $8, $9, $10, 1, $11)",
            )
            .bind(Uuid::now_v7())
            .bind(organization_id)
            .bind(inventory_id)
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_id)
            .bind(item.variant_key())
            .bind(counted)
            .bind(user_id)
            .bind(at)
            .bind(marked == 1),
        )
        .await?;
    }
    Ok(())
}

/// Moves an open inventory on by `action`, with one conditional update.
async fn transition(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    action: InventoryAction,
) -> Result<Inventory, StockError> {
    let current: Inventory = resource::get_in(tx, organization_id, id).await?;
    let next =
        inventory_transition(current.status, action).map_err(StockError::InvalidTransition)?;
    let closed_at = (next == InventoryStatus::Closed).then(now);
    let moved: Option<Inventory> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE inventories SET status = $1, closed_at = $2, updated_at = $3, version = version + 1 \
                 WHERE id = $4 AND organization_id = $5 AND status = $6 RETURNING {}",
                Inventory::COLUMNS
            ))
            .bind(next.as_str())
            .bind(closed_at)
            .bind(now())
            .bind(id)
            .bind(organization_id)
            .bind(current.status.as_str()),
        )
        .await?;
    moved.ok_or_else(|| StockError::InvalidTransition("the inventory changed meanwhile".into()))
}

/// Closes the inventory: one adjustment movement per counted difference,
/// in the caller's transaction, so a crash leaves all of them or none.
pub async fn close(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    user_id: Uuid,
) -> Result<(Inventory, Vec<Movement>), StockError> {
    let inventory = transition(tx, organization_id, id, InventoryAction::Close).await?;
    release_levels(tx, organization_id, id).await?;
    let differences: Vec<InventoryLine> = tx
        .fetch_all(
            Sql::new(format!(
                "SELECT {LINE_COLUMNS} FROM inventory_lines WHERE inventory_id = $1 \
                 AND organization_id = $2 AND counted IS NOT NULL AND counted <> expected \
                 ORDER BY location_id, product_id, variant_key"
            ))
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    let reference = format!("Inventaire {}", inventory.number);
    let note = MovementNote {
        user_id: Some(user_id),
        reason: Some("inventory"),
        reference: Some(&reference),
        reservation_id: None,
        inventory_id: Some(id),
    };
    let mut movements = Vec::new();
    for line in differences {
        let Some(Fixed(difference)) = line.difference else {
            continue;
        };
        let (from, to) = if difference > Quantity::ZERO {
            (None, Some(line.location_id))
        } else {
            (Some(line.location_id), None)
        };
        let plan = MovementPlan::new(MovementType::Adjustment, difference, from, to)
            .map_err(|_| StockError::InvalidTransition("an inventory line is malformed".into()))?;
        let item = Item {
            product_id: line.product_id,
            variant_id: line.variant_id,
        };
        movements.push(stock::record_movement(tx, organization_id, item, &plan, &note).await?);
    }
    Ok((inventory, movements))
}

/// Cancels the inventory: the stock stays as it is and moves again.
pub async fn cancel(tx: &mut Tx, organization_id: Uuid, id: Uuid) -> Result<Inventory, StockError> {
    let inventory = transition(tx, organization_id, id, InventoryAction::Cancel).await?;
    release_levels(tx, organization_id, id).await?;
    Ok(inventory)
}
