//! Reservations: recorded for document lines, their stock held in one
//! statement, released, or consumed (whole or in part) as the goods are
//! delivered.

use super::levels::{Item, StockError, decrease, shortage};
use super::movements::{Movement, MovementNote, check_not_blocked, insert_movement};
use crate::Backend;
use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{self, Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{MovementPlan, MovementType, ReservationStatus};
use serde::Serialize;
use uuid::Uuid;

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
pub async fn hold(
    tx: &mut Tx,
    organization_id: Uuid,
    lines: &[ReservationRequest],
) -> Result<(), StockError> {
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
    let organization = sql.arg(organization_id);
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
             AND l.variant_key = w.variant_key WHERE EXISTS (SELECT 1 FROM locations loc \
             WHERE loc.id = l.location_id AND loc.organization_id = {organization}) \
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
             AND EXISTS (SELECT 1 FROM locations loc WHERE loc.id = stock_levels.location_id \
             AND loc.organization_id = {organization}) \
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
            shortages.push(shortage(tx, organization_id, *item, key.0, requested).await?);
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
             WHERE location_id = $3 AND product_id = $4 AND variant_key = $5 AND organization_id = $6",
        )
        .bind(reservation.quantity.0)
        .bind(now())
        .bind(reservation.location_id)
        .bind(item.product_id)
        .bind(item.variant_key())
        .bind(organization_id),
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
    if !decrease(
        tx,
        organization_id,
        item,
        reservation.location_id,
        quantity,
        quantity,
    )
    .await?
    {
        let short = shortage(tx, organization_id, item, reservation.location_id, quantity).await?;
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
