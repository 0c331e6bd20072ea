//! Orders: what confirming one reads (the order locked with whether its
//! client has a credit limit, the client's open receivables, every line
//! with what reserving it needs) and places, and what an order line
//! counts as it is delivered and invoiced.

use super::documents::{LINE_COLUMNS, SalesDocument, SalesLine, prefixed};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx};
use crate::resource::Table;
use crate::stock::Reservation;
use comptoir_domain::numbers::{Money, Quantity};
use uuid::Uuid;

/// Adds to a line's delivered quantity, unless that would exceed the line;
/// returns whether it did.
pub async fn deliver_line(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET delivered_quantity = delivered_quantity + $1 \
                 WHERE id = $2 AND document_id = $3 AND organization_id = $4 AND delivered_quantity + $1 <= quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id)
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Adds to an order line's invoiced quantity, never beyond what the client
/// kept (delivered less returned) less what invoices already bill net of
/// their credits; returns whether it did. The bound is in the `WHERE`, so
/// two invoices at once cannot together bill more.
pub async fn invoice_line(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET invoiced_quantity = invoiced_quantity + $1 \
                 WHERE id = $2 AND document_id = $3 AND organization_id = $4 \
                 AND invoiced_quantity - credited_quantity + $1 <= delivered_quantity - returned_quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id)
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Takes back from an order line's invoiced quantity what a deleted draft
/// invoice billed; returns whether it did.
pub async fn uninvoice_line(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET invoiced_quantity = invoiced_quantity - $1 \
                 WHERE id = $2 AND document_id = $3 AND organization_id = $4 AND invoiced_quantity >= $1",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id)
            .bind(organization_id),
        )
        .await?;
    Ok(changed == 1)
}

/// A line of an order being confirmed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineToConfirm {
    #[sqlx(flatten)]
    pub line: SalesLine,
    /// Whether the line is stocked goods, to reserve.
    pub goods: bool,
    /// Where a line with no location of its own is reserved: the `STOCK`
    /// location of the order's warehouse, or of the first warehouse.
    pub default_location_id: Option<Uuid>,
}

/// A document locked for a transition, with whether its client has a
/// credit limit to keep.
#[derive(Debug, sqlx::FromRow)]
pub struct Locked {
    #[sqlx(flatten)]
    pub document: SalesDocument,
    pub client_has_credit_limit: bool,
}

/// Reads and locks a document of the organization, with whether its
/// client has a credit limit: read along, so that confirming for a client
/// without one costs no read of the client.
pub async fn lock_with_credit_limit(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Locked, DbError> {
    let lock = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE OF d",
        crate::Backend::Sqlite => "",
    };
    tx.fetch_one(
        Sql::new(format!(
            "SELECT {}, EXISTS (SELECT 1 FROM clients c WHERE c.id = d.client_id \
             AND c.credit_limit IS NOT NULL) AS client_has_credit_limit \
             FROM sales_documents d WHERE d.id = $1 AND d.organization_id = $2{lock}",
            prefixed("d", SalesDocument::COLUMNS)
        ))
        .bind(id)
        .bind(organization_id),
    )
    .await
}

/// Every line of an order, with what confirming it needs, in one read.
pub async fn lines_to_confirm(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    warehouse_id: Option<Uuid>,
) -> Result<Vec<LineToConfirm>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            // The kind as a per-line lookup rather than a join: whatever
            // the table statistics, the plan never scans the catalog.
            "SELECT {}, COALESCE((SELECT p.kind = 'goods' FROM products p \
             WHERE p.id = l.product_id), FALSE) AS goods, \
             ({}) AS default_location_id \
             FROM sales_lines l WHERE l.document_id = $1 AND l.organization_id = $2 ORDER BY l.position",
            prefixed("l", LINE_COLUMNS),
            crate::stock::default_location_sql("$2", "$3")
        ))
        .bind(document_id)
        .bind(organization_id)
        .bind(warehouse_id),
    )
    .await
}

/// Gives every product line of a document without a location `location_id`.
pub async fn place_lines(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    location_id: Uuid,
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "UPDATE sales_lines SET location_id = $1 \
             WHERE document_id = $2 AND organization_id = $3 AND location_id IS NULL AND product_id IS NOT NULL",
        )
        .bind(location_id)
        .bind(document_id)
        .bind(organization_id),
    )
    .await?;
    Ok(())
}

/// The active reservations of an order's lines.
pub async fn active_reservations(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
) -> Result<Vec<Reservation>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "SELECT {} FROM stock_reservations r \
             WHERE r.status = 'active' AND r.document_type = 'order_line' AND r.document_line_id IN \
             (SELECT id FROM sales_lines WHERE document_id = $1 AND organization_id = $2) ORDER BY r.created_at, r.id",
            prefixed("r", Reservation::COLUMNS)
        ))
        .bind(document_id)
        .bind(organization_id),
    )
    .await
}

/// What a client owes on issued invoices, summed as integers, and how
/// many invoices owe it.
const OPEN_RECEIVABLES: &str = "SELECT CAST(COALESCE(SUM(total_incl_tax - amount_paid - amount_credited), 0) AS BIGINT), \
     COUNT(*) \
     FROM sales_documents WHERE organization_id = $1 AND client_id = $2 \
     AND kind = 'invoice' AND status IN ('issued', 'partially_paid')";

/// What a client owes on issued invoices.
pub async fn open_receivables(
    tx: &mut Tx,
    organization_id: Uuid,
    client_id: Uuid,
) -> Result<Money, DbError> {
    let (units, _): (i64, i64) = tx
        .fetch_one(
            Sql::new(OPEN_RECEIVABLES)
                .bind(organization_id)
                .bind(client_id),
        )
        .await?;
    Ok(Money::from_units(units))
}

/// What a client owes on issued invoices and how many invoices are open,
/// read outside a transaction (a client's page).
pub async fn open_balance(
    db: &Db,
    organization_id: Uuid,
    client_id: Uuid,
) -> Result<(Money, i64), DbError> {
    let (units, count): (i64, i64) = db
        .fetch_one(
            Sql::new(OPEN_RECEIVABLES)
                .bind(organization_id)
                .bind(client_id),
        )
        .await?;
    Ok((Money::from_units(units), count))
}
