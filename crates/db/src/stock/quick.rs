//! The one-statement paths of PostgreSQL: an issue or a one-line
//! reservation as one autocommit statement (writing CTEs) with its audit
//! entry, or nothing at all, and the caller takes the full path.

use super::levels::Item;
use super::movements::Movement;
use super::reservations::Reservation;
use crate::Backend;
use crate::audit::{self, Actor};
use crate::error::DbError;
use crate::pool::{Db, Sql, now};
use crate::resource::Fixed;
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use comptoir_domain::stock::{MovementType, ReservationStatus};
use serde::Serialize;
use uuid::Uuid;

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
