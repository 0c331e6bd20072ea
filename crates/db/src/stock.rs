//! Warehouses, locations, stock levels, the movement ledger and
//! reservations.
//!
//! Every level change is one conditional statement checked by the rows it
//! affects: a decrease only happens if the available quantity covers it,
//! so two clerks taking the last unit at once cannot both succeed, on one
//! instance or several. The CHECK constraints of the table are the last
//! line of defence.

use crate::Backend;
use crate::audit::{self, Actor};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{
    LevelChange, LocationKind, MovementPlan, MovementType, ReservationStatus,
};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Warehouse {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub active: bool,
    /// The organization's default warehouse: orders, receipts and stock
    /// receipts that name no warehouse or location use it. Exactly one per
    /// organization that has warehouses (a unique index); the first
    /// created becomes it.
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Warehouse {
    const TABLE: &'static str = "warehouses";
    const COLUMNS: &'static str =
        "id, code, name, address, active, is_default, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["code", "name", "address"];
    const DEFAULT_SORT: &'static str = "code";
}

pub struct WarehouseInput {
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub active: bool,
}

fn warehouse_values(input: &WarehouseInput) -> Values {
    vec![
        ("code", input.code.as_str().into()),
        ("name", input.name.as_str().into()),
        ("address", input.address.as_deref().into()),
        ("active", input.active.into()),
    ]
}

/// Creates a warehouse with its default internal location, `STOCK`.
pub async fn insert_warehouse(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &WarehouseInput,
) -> Result<(Warehouse, Location), DbError> {
    let mut warehouse: Warehouse =
        resource::insert(tx, organization_id, warehouse_values(input)).await?;
    warehouse.is_default = tx
        .execute(
            Sql::new(
                "UPDATE warehouses SET is_default = TRUE WHERE id = $1 AND NOT EXISTS \
                 (SELECT 1 FROM warehouses d WHERE d.organization_id = $2 AND d.is_default)",
            )
            .bind(warehouse.id)
            .bind(organization_id),
        )
        .await?
        == 1;
    let location = insert_location(
        tx,
        organization_id,
        &LocationInput {
            warehouse_id: warehouse.id,
            parent_id: None,
            code: "STOCK".into(),
            name: format!("{} — stock", warehouse.name),
            kind: LocationKind::Internal,
            active: true,
        },
    )
    .await?;
    Ok((warehouse, location))
}

/// Makes `id` the organization's default warehouse, the former default no
/// longer; returns it as it now is.
pub async fn make_default_warehouse(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Warehouse, DbError> {
    tx.execute(
        Sql::new(
            "UPDATE warehouses SET is_default = FALSE, version = version + 1, updated_at = $3 \
             WHERE organization_id = $1 AND is_default AND id <> $2",
        )
        .bind(organization_id)
        .bind(id)
        .bind(now()),
    )
    .await?;
    tx.fetch_one(
        Sql::new(format!(
            "UPDATE warehouses SET is_default = TRUE, version = version + 1, updated_at = $3 \
             WHERE organization_id = $1 AND id = $2 RETURNING {}",
            Warehouse::COLUMNS
        ))
        .bind(organization_id)
        .bind(id)
        .bind(now()),
    )
    .await
}

/// The organization's default warehouse, if it has any warehouse.
pub async fn default_warehouse(db: &Db, organization_id: Uuid) -> Result<Option<Uuid>, DbError> {
    let row: Option<(Uuid,)> = db
        .fetch_optional(
            Sql::new("SELECT id FROM warehouses WHERE organization_id = $1 AND is_default")
                .bind(organization_id),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn update_warehouse(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &WarehouseInput,
) -> Result<Warehouse, DbError> {
    resource::update(tx, organization_id, id, version, warehouse_values(input)).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Location {
    pub id: Uuid,
    pub warehouse_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub kind: LocationKind,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Location {
    const TABLE: &'static str = "locations";
    const COLUMNS: &'static str =
        "id, warehouse_id, parent_id, code, name, kind, active, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("kind", "kind"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["code", "name"];
    const DEFAULT_SORT: &'static str = "code";
}

pub struct LocationInput {
    pub warehouse_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub kind: LocationKind,
    pub active: bool,
}

fn location_values(input: &LocationInput) -> Values {
    vec![
        ("warehouse_id", input.warehouse_id.into()),
        ("parent_id", input.parent_id.into()),
        ("code", input.code.as_str().into()),
        ("name", input.name.as_str().into()),
        ("kind", input.kind.as_str().into()),
        ("active", input.active.into()),
    ]
}

pub async fn insert_location(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &LocationInput,
) -> Result<Location, DbError> {
    resource::insert(tx, organization_id, location_values(input)).await
}

pub async fn update_location(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &LocationInput,
) -> Result<Location, DbError> {
    resource::update(tx, organization_id, id, version, location_values(input)).await
}

/// The location's ancestors, nearest first.
pub async fn location_ancestors(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Vec<Uuid>, DbError> {
    let rows: Vec<(Uuid,)> = tx
        .fetch_all(
            Sql::new(
                "WITH RECURSIVE path (id, parent_id, depth) AS ( \
                   SELECT id, parent_id, 0 FROM locations WHERE id = $1 AND organization_id = $2 \
                   UNION ALL \
                   SELECT l.id, l.parent_id, path.depth + 1 FROM locations l JOIN path ON l.id = path.parent_id \
                   WHERE path.depth < 100) \
                 SELECT id FROM path WHERE depth > 0 ORDER BY depth",
            )
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

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
        loc.warehouse_id, l.physical, l.reserved, l.physical - l.reserved AS available, l.updated_at \
        FROM stock_levels l JOIN locations loc ON loc.id = l.location_id) levels";
    const COLUMNS: &'static str = "product_id, variant_id, location_id, warehouse_id, physical, reserved, available, updated_at";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("physical", "physical"),
        ("available", "available"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &[];
    const DEFAULT_SORT: &'static str = "product_id";
}

/// Keeps the levels of items whose warehouse stock is under their reorder
/// minimum (a condition on the `StockLevel` listing).
pub const BELOW_MINIMUM: &str = "EXISTS (SELECT 1 FROM reorder_rules r \
    WHERE r.warehouse_id = levels.warehouse_id AND r.product_id = levels.product_id \
    AND r.variant_key = levels.variant_key AND r.min_quantity > ( \
      SELECT COALESCE(SUM(w.physical - w.reserved), 0) FROM stock_levels w \
      JOIN locations wl ON wl.id = w.location_id \
      WHERE wl.warehouse_id = r.warehouse_id AND w.product_id = r.product_id \
      AND w.variant_key = r.variant_key))";

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

async fn available(tx: &mut Tx, item: Item, location_id: Uuid) -> Result<Quantity, DbError> {
    let row: Option<(i64,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT physical - reserved FROM stock_levels \
                 WHERE location_id = $1 AND product_id = $2 AND variant_key = $3",
            )
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key()),
        )
        .await?;
    Ok(Quantity::from_units(row.map_or(0, |(units,)| units)))
}

async fn shortage(
    tx: &mut Tx,
    item: Item,
    location_id: Uuid,
    requested: Quantity,
) -> Result<Shortage, DbError> {
    Ok(Shortage {
        product_id: item.product_id,
        variant_id: item.variant_id,
        location_id,
        requested,
        available: available(tx, item, location_id).await?,
    })
}

/// Adds to a level, creating it at its first receipt.
async fn increase(
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
async fn decrease(
    tx: &mut Tx,
    item: Item,
    location_id: Uuid,
    quantity: Quantity,
    from_reserved: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE stock_levels SET physical = physical - $1, reserved = reserved - $2, updated_at = $3 \
                 WHERE location_id = $4 AND product_id = $5 AND variant_key = $6 \
                 AND physical - reserved >= $1 - $2 AND reserved >= $2",
            )
            .bind(quantity)
            .bind(from_reserved)
            .bind(now())
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key()),
        )
        .await?;
    Ok(changed == 1)
}

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

async fn insert_movement(
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
/// Going below what is reserved is a shortage.
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
                 WHERE location_id = $1 AND product_id = $2 AND variant_key = $3{lock}"
            ))
            .bind(location_id)
            .bind(item.product_id)
            .bind(item.variant_key()),
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
                if !decrease(tx, item, location_id, quantity, Quantity::ZERO).await? {
                    let short = shortage(tx, item, location_id, quantity).await?;
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
async fn check_not_blocked(
    tx: &mut Tx,
    organization_id: Uuid,
    item: Item,
    location_id: Uuid,
    except: Option<Uuid>,
) -> Result<(), StockError> {
    if tx.backend() == crate::Backend::Postgres {
        tx.execute(
            Sql::new(format!(
                "SELECT pg_advisory_xact_lock_shared({}) FROM locations WHERE id = $1",
                inventory_lock_key("warehouse_id")
            ))
            .bind(location_id),
        )
        .await?;
    }
    let covering =
        crate::inventories::open_covering(tx, organization_id, item.product_id, location_id)
            .await?;
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

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Reservation {
    pub id: Uuid,
    /// What holds the stock, e.g. `order_line`.
    pub document_type: String,
    pub document_line_id: Uuid,
    pub location_id: Uuid,
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    #[schema(value_type = String, example = "3")]
    pub quantity: Fixed<Quantity>,
    #[sqlx(try_from = "String")]
    pub status: ReservationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Reservation {
    const TABLE: &'static str = "stock_reservations";
    const COLUMNS: &'static str = "id, document_type, document_line_id, location_id, product_id, variant_id, \
        quantity, status, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &["document_type"];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct ReservationRequest {
    pub document_type: String,
    pub document_line_id: Uuid,
    pub location_id: Uuid,
    pub item: Item,
    pub quantity: Quantity,
}

/// Records the reservations of document lines, not yet holding stock, in
/// one multi-row statement: the caller audits them, then calls [`hold`]
/// last.
pub async fn insert_reservations(
    tx: &mut Tx,
    organization_id: Uuid,
    lines: &[ReservationRequest],
) -> Result<Vec<Reservation>, DbError> {
    let mut reservations = Vec::with_capacity(lines.len());
    let at = now();
    for chunk in lines.chunks(tx.backend().rows_per_statement(11).max(1)) {
        let mut sql = Sql::default();
        let mut tuples = Vec::with_capacity(chunk.len());
        for line in chunk {
            let values = [
                sql.arg(Uuid::now_v7()),
                sql.arg(organization_id),
                sql.arg(line.document_type.as_str()),
                sql.arg(line.document_line_id),
                sql.arg(line.location_id),
                sql.arg(line.item.product_id),
                sql.arg(line.item.variant_id),
                sql.arg(line.item.variant_key()),
                sql.arg(line.quantity),
                sql.arg(at),
                sql.arg(at),
            ];
            tuples.push(format!("({}, 'active', 1)", values.join(", ")));
        }
        sql.push(&format!(
            "INSERT INTO stock_reservations (id, organization_id, document_type, document_line_id, \
             location_id, product_id, variant_id, variant_key, quantity, created_at, updated_at, status, version) \
             VALUES {} RETURNING {}",
            tuples.join(", "),
            Reservation::COLUMNS
        ));
        reservations.extend(tx.fetch_all::<Reservation>(sql).await?);
    }
    Ok(reservations)
}

/// Holds the stock of every line or fails, in one statement: the lines'
/// quantities are summed per level, the levels locked in a fixed order (so
/// two multi-line reservations cannot deadlock) and each raised only if
/// it has that much available; a shortage on any level lists every short
/// level and the caller rolls the transaction back.
pub async fn hold(tx: &mut Tx, lines: &[ReservationRequest]) -> Result<(), StockError> {
    let mut levels: std::collections::BTreeMap<(Uuid, Uuid, Uuid), (Item, i64)> =
        std::collections::BTreeMap::new();
    for line in lines {
        let key = (
            line.location_id,
            line.item.product_id,
            line.item.variant_key(),
        );
        let (_, units) = levels.entry(key).or_insert((line.item, 0));
        *units = units.saturating_add(line.quantity.units());
    }
    if levels.is_empty() {
        return Ok(());
    }
    let backend = tx.backend();
    let mut sql = Sql::default();
    let at = sql.arg(now());
    let wanted: Vec<String> = levels
        .iter()
        .map(|((location_id, product_id, variant_key), (_, units))| {
            let [location, product, variant, quantity] = [
                sql.arg(*location_id),
                sql.arg(*product_id),
                sql.arg(*variant_key),
                sql.arg(*units),
            ];
            match backend {
                Backend::Postgres => {
                    format!(
                        "({location}::uuid, {product}::uuid, {variant}::uuid, {quantity}::bigint)"
                    )
                }
                Backend::Sqlite => format!("({location}, {product}, {variant}, {quantity})"),
            }
        })
        .collect();
    let wanted = format!(
        "WITH wanted (location_id, product_id, variant_key, quantity) AS (VALUES {})",
        wanted.join(", ")
    );
    sql.push(&match backend {
        // Rows are locked as the sort hands them out, then raised.
        Backend::Postgres => format!(
            "{wanted}, locked AS MATERIALIZED (SELECT l.id, w.quantity FROM stock_levels l \
             JOIN wanted w ON l.location_id = w.location_id AND l.product_id = w.product_id \
             AND l.variant_key = w.variant_key \
             ORDER BY l.location_id, l.product_id, l.variant_key FOR UPDATE OF l) \
             UPDATE stock_levels s SET reserved = s.reserved + locked.quantity, updated_at = {at} \
             FROM locked WHERE s.id = locked.id AND s.physical - s.reserved >= locked.quantity \
             RETURNING s.location_id, s.product_id, s.variant_key"
        ),
        // One writer at a time: nothing to lock.
        Backend::Sqlite => format!(
            "{wanted} UPDATE stock_levels SET reserved = reserved + wanted.quantity, updated_at = {at} \
             FROM wanted WHERE stock_levels.location_id = wanted.location_id \
             AND stock_levels.product_id = wanted.product_id \
             AND stock_levels.variant_key = wanted.variant_key \
             AND stock_levels.physical - stock_levels.reserved >= wanted.quantity \
             RETURNING stock_levels.location_id, stock_levels.product_id, stock_levels.variant_key"
        ),
    });
    let held: std::collections::HashSet<(Uuid, Uuid, Uuid)> = tx
        .fetch_all::<(Uuid, Uuid, Uuid)>(sql)
        .await?
        .into_iter()
        .collect();
    if held.len() == levels.len() {
        return Ok(());
    }
    let mut shortages = Vec::new();
    for (key, (item, units)) in &levels {
        if !held.contains(key) {
            let requested = Quantity::from_units(*units);
            shortages.push(shortage(tx, *item, key.0, requested).await?);
        }
    }
    Err(StockError::Insufficient(shortages))
}

/// Moves an active reservation to `status`; only one caller can end it.
async fn end_reservation(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    status: &str,
) -> Result<Reservation, StockError> {
    let ended: Option<Reservation> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE stock_reservations SET status = $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 AND organization_id = $4 AND status = 'active' RETURNING {}",
                Reservation::COLUMNS
            ))
            .bind(status)
            .bind(now())
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    match ended {
        Some(reservation) => Ok(reservation),
        None => {
            let current: Reservation = resource::get_in(tx, organization_id, id).await?;
            Err(StockError::InvalidTransition(format!(
                "the reservation is already {}",
                current.status
            )))
        }
    }
}

fn item_of(reservation: &Reservation) -> Item {
    Item {
        product_id: reservation.product_id,
        variant_id: reservation.variant_id,
    }
}

/// Gives reserved stock back to the available quantity.
pub async fn release(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Reservation, StockError> {
    let reservation = end_reservation(tx, organization_id, id, "released").await?;
    let item = item_of(&reservation);
    tx.execute(
        Sql::new(
            "UPDATE stock_levels SET reserved = reserved - $1, updated_at = $2 \
             WHERE location_id = $3 AND product_id = $4 AND variant_key = $5",
        )
        .bind(reservation.quantity.0)
        .bind(now())
        .bind(reservation.location_id)
        .bind(item.product_id)
        .bind(item.variant_key()),
    )
    .await?;
    Ok(reservation)
}

/// Delivers reserved stock: the reservation ends and an issue movement
/// takes the goods out of the location.
pub async fn consume(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    note: &MovementNote<'_>,
) -> Result<(Reservation, Movement), StockError> {
    let reservation = end_reservation(tx, organization_id, id, "consumed").await?;
    let quantity = reservation.quantity.0;
    issue_reserved(tx, organization_id, reservation, quantity, note).await
}

/// Delivers `quantity` of an active reservation: the rest stays reserved
/// (the reservation shrinks in one conditional update), or the reservation
/// ends when nothing is left.
pub async fn consume_part(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    quantity: Quantity,
    note: &MovementNote<'_>,
) -> Result<(Reservation, Movement), StockError> {
    let shrunk: Option<Reservation> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE stock_reservations SET quantity = quantity - $1, updated_at = $2, version = version + 1 \
                 WHERE id = $3 AND organization_id = $4 AND status = 'active' AND quantity > $1 RETURNING {}",
                Reservation::COLUMNS
            ))
            .bind(quantity)
            .bind(now())
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    let reservation = match shrunk {
        Some(reservation) => reservation,
        None => {
            let current: Reservation = resource::get_in(tx, organization_id, id).await?;
            if current.quantity.0 != quantity {
                return Err(StockError::InvalidTransition(format!(
                    "the reservation holds {}, not {quantity}",
                    current.quantity.0
                )));
            }
            end_reservation(tx, organization_id, id, "consumed").await?
        }
    };
    issue_reserved(tx, organization_id, reservation, quantity, note).await
}

/// Takes `quantity` of a reservation's goods out of its location, from
/// the reserved stock.
async fn issue_reserved(
    tx: &mut Tx,
    organization_id: Uuid,
    reservation: Reservation,
    quantity: Quantity,
    note: &MovementNote<'_>,
) -> Result<(Reservation, Movement), StockError> {
    let item = item_of(&reservation);
    if !decrease(tx, item, reservation.location_id, quantity, quantity).await? {
        let short = shortage(tx, item, reservation.location_id, quantity).await?;
        return Err(StockError::Insufficient(vec![short]));
    }
    let plan = MovementPlan {
        movement_type: MovementType::Issue,
        quantity,
        from_location_id: Some(reservation.location_id),
        to_location_id: None,
    };
    check_not_blocked(tx, organization_id, item, reservation.location_id, None).await?;
    let note = MovementNote {
        reservation_id: Some(reservation.id),
        ..*note
    };
    let movement = insert_movement(tx, organization_id, item, &plan, &note).await?;
    Ok((reservation, movement))
}

/// Where returned goods go in the warehouse of `location_id`: its first
/// `returns` location, else `location_id` itself.
pub async fn returns_location(tx: &mut Tx, location_id: Uuid) -> Result<Uuid, DbError> {
    let row: Option<(Uuid,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT r.id FROM locations r JOIN locations l ON l.warehouse_id = r.warehouse_id \
                 WHERE l.id = $1 AND r.kind = 'returns' AND r.active ORDER BY r.code LIMIT 1",
            )
            .bind(location_id),
        )
        .await?;
    Ok(row.map_or(location_id, |(id,)| id))
}

/// The `STOCK` location of a warehouse, or of the organization's default
/// warehouse when none is given: where orders reserve and receipts go by
/// default.
pub async fn default_location(
    tx: &mut Tx,
    organization_id: Uuid,
    warehouse_id: Option<Uuid>,
) -> Result<Option<Uuid>, DbError> {
    let row: Option<(Uuid,)> = tx
        .fetch_optional(
            Sql::new(default_location_sql("$1", "$2"))
                .bind(organization_id)
                .bind(warehouse_id),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The `STOCK` location of the organization's default warehouse, read
/// outside a transaction.
pub async fn default_stock_location(
    db: &Db,
    organization_id: Uuid,
) -> Result<Option<Uuid>, DbError> {
    let row: Option<(Uuid,)> = db
        .fetch_optional(
            Sql::new(default_location_sql("$1", "$2"))
                .bind(organization_id)
                .bind(None::<Uuid>),
        )
        .await?;
    Ok(row.map(|(id,)| id))
}

/// The query of [`default_location`], with the placeholders of the
/// organization and the warehouse (or NULL for the first one).
pub(crate) fn default_location_sql(organization: &str, warehouse: &str) -> String {
    format!(
        "SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id \
         WHERE l.organization_id = {organization} AND l.code = 'STOCK' AND l.parent_id IS NULL \
         AND (w.id = {warehouse} OR ({warehouse} IS NULL AND w.is_default)) LIMIT 1"
    )
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

/// What the one-statement paths below take besides the record: who asks
/// (for the audit entry) and the level to change.
pub struct QuickWrite<'a> {
    pub actor: &'a Actor,
    pub item: Item,
    pub location_id: Uuid,
    pub quantity: Quantity,
}

/// An issue as one autocommit statement on PostgreSQL: the conditional
/// level update, the movement and its audit entry together, so a hot
/// product's level is held for a single round trip. `None` when it changed
/// nothing (a shortage, an unknown item, a level being counted, or SQLite,
/// which has no writing CTEs): the caller then takes the full path, which
/// says why or succeeds.
///
/// A level being counted has `counting > 0`; PostgreSQL re-reads the row
/// after waiting on its lock, so an inventory opening at the same moment
/// either sees this issue in its expected quantity or blocks it.
pub async fn quick_issue(
    db: &Db,
    write: QuickWrite<'_>,
    reason: Option<&str>,
    reference: Option<&str>,
) -> Result<Option<Movement>, DbError> {
    if db.backend() != Backend::Postgres {
        return Ok(None);
    }
    let movement = Movement {
        id: Uuid::now_v7(),
        movement_type: MovementType::Issue,
        product_id: write.item.product_id,
        variant_id: write.item.variant_id,
        quantity: Fixed(write.quantity),
        from_location_id: Some(write.location_id),
        to_location_id: None,
        reason: reason.map(str::to_owned),
        reference: reference.map(str::to_owned),
        reservation_id: None,
        user_id: write.actor.user_id,
        created_at: now(),
    };
    let mut sql = Sql::new("");
    let level = quick_level_update(&mut sql, &write, movement.created_at, QuickChange::Issue);
    let values = [
        sql.arg(movement.id),
        sql.arg(write.actor.organization_id),
        sql.arg(MovementType::Issue.as_str()),
        sql.arg(write.item.product_id),
        sql.arg(write.item.variant_id),
        sql.arg(write.item.variant_key()),
        sql.arg(write.quantity),
        sql.arg(write.location_id),
        sql.arg(Option::<Uuid>::None),
        sql.arg(reason),
        sql.arg(reference),
        sql.arg(Option::<Uuid>::None),
        sql.arg(write.actor.user_id),
        sql.arg(movement.created_at),
    ]
    .join(", ");
    let audit = audited_from(
        &mut sql,
        "movement",
        &write,
        "stock_movement",
        movement.id,
        &movement,
    )?;
    sql.push(&format!(
        "WITH level AS ({level}), \
         movement AS (INSERT INTO stock_movements (id, organization_id, movement_type, product_id, variant_id, \
         variant_key, quantity, from_location_id, to_location_id, reason, reference, reservation_id, user_id, \
         created_at) SELECT {values} FROM level RETURNING id), \
         audit AS ({audit}) \
         SELECT count(*) FROM movement"
    ));
    Ok(quick_write(db, sql).await?.then_some(movement))
}

/// A one-line reservation as one autocommit statement on PostgreSQL, as
/// [`quick_issue`]; `None` sends the caller to the full path.
pub async fn quick_reservation(
    db: &Db,
    write: QuickWrite<'_>,
    document_type: &str,
    document_line_id: Uuid,
) -> Result<Option<Reservation>, DbError> {
    if db.backend() != Backend::Postgres {
        return Ok(None);
    }
    let at = now();
    let reservation = Reservation {
        id: Uuid::now_v7(),
        document_type: document_type.to_owned(),
        document_line_id,
        location_id: write.location_id,
        product_id: write.item.product_id,
        variant_id: write.item.variant_id,
        quantity: Fixed(write.quantity),
        status: ReservationStatus::Active,
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let mut sql = Sql::new("");
    let level = quick_level_update(&mut sql, &write, at, QuickChange::Reserve);
    let values = [
        sql.arg(reservation.id),
        sql.arg(write.actor.organization_id),
        sql.arg(document_type),
        sql.arg(document_line_id),
        sql.arg(write.location_id),
        sql.arg(write.item.product_id),
        sql.arg(write.item.variant_id),
        sql.arg(write.item.variant_key()),
        sql.arg(write.quantity),
        sql.arg("active"),
        sql.arg(at),
        sql.arg(at),
        sql.arg(1_i64),
    ]
    .join(", ");
    let audit = audited_from(
        &mut sql,
        "reservation",
        &write,
        "reservation",
        reservation.id,
        &reservation,
    )?;
    sql.push(&format!(
        "WITH level AS ({level}), \
         reservation AS (INSERT INTO stock_reservations (id, organization_id, document_type, document_line_id, \
         location_id, product_id, variant_id, variant_key, quantity, status, created_at, updated_at, version) \
         SELECT {values} FROM level RETURNING id), \
         audit AS ({audit}) \
         SELECT count(*) FROM reservation"
    ));
    Ok(quick_write(db, sql).await?.then_some(reservation))
}

#[derive(Clone, Copy)]
enum QuickChange {
    Issue,
    Reserve,
}

/// The conditional level update of a one-statement write. Only a level of
/// the organization's goods qualifies, which also vouches for the product,
/// variant and location, since levels are only ever created for those.
fn quick_level_update(
    sql: &mut Sql,
    write: &QuickWrite<'_>,
    at: DateTime<Utc>,
    change: QuickChange,
) -> String {
    let quantity = sql.arg(write.quantity);
    let at = sql.arg(at);
    let location = sql.arg(write.location_id);
    let product = sql.arg(write.item.product_id);
    let variant_key = sql.arg(write.item.variant_key());
    let organization = sql.arg(write.actor.organization_id);
    let goods = sql.arg(ProductKind::Goods);
    let (set, not_counted) = match change {
        QuickChange::Issue => (
            format!("physical = physical - {quantity}"),
            "AND counting = 0",
        ),
        QuickChange::Reserve => (format!("reserved = reserved + {quantity}"), ""),
    };
    format!(
        "UPDATE stock_levels SET {set}, updated_at = {at} \
         WHERE location_id = {location} AND product_id = {product} AND variant_key = {variant_key} \
         AND organization_id = {organization} AND physical - reserved >= {quantity} {not_counted} \
         AND EXISTS (SELECT 1 FROM products WHERE id = {product} AND kind = {goods}) RETURNING id"
    )
}

/// The audit entry of a one-statement write, inserted for each row of
/// `source`.
fn audited_from<T: Serialize>(
    sql: &mut Sql,
    source: &str,
    write: &QuickWrite<'_>,
    resource_type: &str,
    id: Uuid,
    record: &T,
) -> Result<String, DbError> {
    let after = serde_json::to_value(record).map_err(|e| DbError::Bind(e.into()))?;
    Ok(audit::pending_entry_from(
        sql,
        source,
        write.actor,
        "create",
        resource_type,
        id,
        [None, Some(after)],
    ))
}

/// Runs a one-statement write; whether it wrote.
async fn quick_write(db: &Db, sql: Sql) -> Result<bool, DbError> {
    let (written,): (i64,) = db.fetch_one(sql).await?;
    if written == 1 {
        db.audit_written().notify_one();
    }
    Ok(written == 1)
}
