//! Delivery notes of an order and their lines.

use super::documents::{LINE_COLUMNS, SalesLine, prefixed};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::numbers::Quantity;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Delivery {
    pub id: Uuid,
    /// `BL-YYYY-NNNNN`.
    pub number: String,
    pub order_id: Uuid,
    pub delivery_date: NaiveDate,
    pub created_at: DateTime<Utc>,
}

const DELIVERY_COLUMNS: &str = "id, number, order_id, delivery_date, created_at";

impl Table for Delivery {
    const TABLE: &'static str = "deliveries";
    const COLUMNS: &'static str = DELIVERY_COLUMNS;
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("number", "number"),
        ("delivery_date", "delivery_date"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["number"];
    const DEFAULT_SORT: &'static str = "created_at";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DeliveryLine {
    pub id: Uuid,
    pub order_line_id: Uuid,
    #[schema(value_type = String, example = "2")]
    pub quantity: Fixed<Quantity>,
    pub location_id: Uuid,
    /// None for a service line.
    pub movement_id: Option<Uuid>,
}

pub async fn insert_delivery(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    number: &str,
    delivery_date: NaiveDate,
    created_by: Uuid,
) -> Result<Delivery, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO deliveries (id, organization_id, order_id, number, delivery_date, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {DELIVERY_COLUMNS}"
        ))
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(order_id)
        .bind(number)
        .bind(delivery_date)
        .bind(created_by)
        .bind(now()),
    )
    .await
}

pub async fn insert_delivery_line(
    tx: &mut Tx,
    organization_id: Uuid,
    delivery_id: Uuid,
    order_line_id: Uuid,
    quantity: Quantity,
    location_id: Uuid,
    movement_id: Option<Uuid>,
) -> Result<DeliveryLine, DbError> {
    tx.fetch_one(
        Sql::new(
            "INSERT INTO delivery_lines (id, organization_id, delivery_id, order_line_id, quantity, \
             location_id, movement_id) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id, order_line_id, quantity, location_id, movement_id",
        )
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(delivery_id)
        .bind(order_line_id)
        .bind(quantity)
        .bind(location_id)
        .bind(movement_id),
    )
    .await
}

pub async fn deliveries_of(
    db: &Db,
    organization_id: Uuid,
    order_id: Uuid,
) -> Result<Vec<Delivery>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            // The organization checked once on the order's primary key: the
            // deliveries stay read through their order's index.
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE order_id = $1 AND EXISTS \
             (SELECT 1 FROM sales_documents d WHERE d.id = $1 AND d.organization_id = $2) \
             ORDER BY number"
        ))
        .bind(order_id)
        .bind(organization_id),
    )
    .await
}

/// A delivered line as a delivery note prints it: the order line's
/// description and prices, the quantity this delivery carried.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveredLine {
    #[sqlx(flatten)]
    pub line: SalesLine,
    pub delivered: Fixed<Quantity>,
}

pub async fn delivered_lines(
    tx: &mut Tx,
    organization_id: Uuid,
    delivery_id: Uuid,
) -> Result<Vec<DeliveredLine>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "SELECT {}, d.quantity AS delivered FROM delivery_lines d \
             JOIN sales_lines l ON l.id = d.order_line_id \
             WHERE d.delivery_id = $1 AND d.organization_id = $2 ORDER BY l.position",
            prefixed("l", LINE_COLUMNS)
        ))
        .bind(delivery_id)
        .bind(organization_id),
    )
    .await
}

/// The last day an order delivered goods: an invoice's date of sale.
pub async fn last_delivery_date(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
) -> Result<Option<NaiveDate>, DbError> {
    let (day,): (Option<NaiveDate>,) = tx
        .fetch_one(
            Sql::new(
                "SELECT MAX(delivery_date) FROM deliveries WHERE order_id = $1 AND organization_id = $2",
            )
            .bind(order_id)
            .bind(organization_id),
        )
        .await?;
    Ok(day)
}
