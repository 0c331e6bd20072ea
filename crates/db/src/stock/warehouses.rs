//! Warehouses (each created with its `STOCK` location; one of them is the
//! organization's default), their location trees, and the default and
//! returns locations that documents and receipts fall back on.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::stock::LocationKind;
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

/// Creates a warehouse with its default internal location, `STOCK`. The
/// organization's first warehouse becomes its default (one per
/// organization, by a partial unique index).
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

/// Where returned goods go in the warehouse of `location_id`: its first
/// `returns` location, else `location_id` itself.
pub async fn returns_location(
    tx: &mut Tx,
    organization_id: Uuid,
    location_id: Uuid,
) -> Result<Uuid, DbError> {
    let row: Option<(Uuid,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT r.id FROM locations r JOIN locations l ON l.warehouse_id = r.warehouse_id \
                 WHERE l.id = $1 AND l.organization_id = $2 AND r.organization_id = $2 \
                 AND r.kind = 'returns' AND r.active ORDER BY r.code LIMIT 1",
            )
            .bind(location_id)
            .bind(organization_id),
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
