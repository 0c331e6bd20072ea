//! Quotes, orders, invoices and credit notes (one table, `kind` tells them
//! apart), their lines, delivery notes, payments and business events.

use crate::audit::{self, Actor};
use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Fixed, Table, Values};
use crate::stock::{Item, Reservation};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::documents::{LineAmounts, discounted_totals};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::sales::{DocumentKind, PaymentKind, PaymentMethod};
use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesDocument {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    /// `DEV-…`, `CMD-…`, `FAC-…`; none on a draft invoice.
    pub number: Option<String>,
    pub status: String,
    pub client_id: Uuid,
    /// The quote an order comes from, the order an invoice bills, the
    /// version a quote replaces.
    pub source_id: Option<Uuid>,
    /// Orders: where goods are reserved and delivered from.
    pub warehouse_id: Option<Uuid>,
    pub currency: String,
    pub issue_date: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub notes: Option<String>,
    /// Document-level discount, taken off each VAT base.
    #[schema(value_type = String, example = "0.00")]
    pub discount_percent: Fixed<Percent>,
    #[schema(value_type = String, example = "0.00")]
    pub discount_amount: Fixed<Money>,
    #[schema(value_type = String, example = "100.00")]
    pub total_excl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "20.00")]
    pub total_tax: Fixed<Money>,
    #[schema(value_type = String, example = "120.00")]
    pub total_incl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "0.00")]
    pub amount_paid: Fixed<Money>,
    /// Invoices: what issued credit notes took off.
    #[schema(value_type = String, example = "0.00")]
    pub amount_credited: Fixed<Money>,
    pub issued_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for SalesDocument {
    const TABLE: &'static str = "sales_documents";
    const COLUMNS: &'static str = "id, kind, number, status, client_id, source_id, warehouse_id, currency, \
        issue_date, valid_until, due_date, notes, discount_percent, discount_amount, total_excl_tax, \
        total_tax, total_incl_tax, amount_paid, amount_credited, issued_at, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("number", "number"),
        ("issue_date", "issue_date"),
        ("due_date", "due_date"),
        ("total_excl_tax", "total_excl_tax"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["number", "notes"];
    const DEFAULT_SORT: &'static str = "created_at";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesLine {
    pub id: Uuid,
    pub position: i64,
    /// None on a free-text line.
    pub product_id: Option<Uuid>,
    pub variant_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "2")]
    pub quantity: Fixed<Quantity>,
    #[schema(value_type = String, example = "49.90")]
    pub unit_price: Fixed<UnitPrice>,
    #[schema(value_type = String, example = "0.00")]
    pub discount_percent: Fixed<Percent>,
    #[schema(value_type = String, example = "20.00")]
    pub vat_rate: Fixed<Percent>,
    #[sqlx(try_from = "String")]
    pub vat_category: VatCategory,
    #[schema(value_type = String, example = "99.80")]
    pub total_excl_tax: Fixed<Money>,
    /// Orders: the location the line is reserved at.
    pub location_id: Option<Uuid>,
    #[schema(value_type = String, example = "0")]
    pub delivered_quantity: Fixed<Quantity>,
    #[schema(value_type = String, example = "0")]
    pub invoiced_quantity: Fixed<Quantity>,
    /// Orders: what the client sent back.
    #[schema(value_type = String, example = "0")]
    pub returned_quantity: Fixed<Quantity>,
    /// Orders: what credit notes took back of the returned quantity.
    #[schema(value_type = String, example = "0")]
    pub credited_quantity: Fixed<Quantity>,
    /// Invoices: the order line this line bills.
    pub source_line_id: Option<Uuid>,
}

const LINE_COLUMNS: &str = "id, position, product_id, variant_id, description, quantity, unit_price, \
    discount_percent, vat_rate, vat_category, total_excl_tax, location_id, delivered_quantity, \
    invoiced_quantity, returned_quantity, credited_quantity, source_line_id";

impl SalesLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity.0,
            unit_price: self.unit_price.0,
            discount_percent: self.discount_percent.0,
            vat_category: self.vat_category,
            vat_rate: self.vat_rate.0,
        }
    }

    /// The stocked item of the line, if it has a product.
    pub fn item(&self) -> Option<Item> {
        self.product_id.map(|product_id| Item {
            product_id,
            variant_id: self.variant_id,
        })
    }

    pub fn undelivered(&self) -> Quantity {
        Quantity::from_units(self.quantity.0.units() - self.delivered_quantity.0.units())
    }

    /// What the client kept and has not been billed for: delivered less
    /// returned, less what invoices bill net of return credits.
    pub fn billable(&self) -> Quantity {
        Quantity::from_units(
            (self.delivered_quantity.0.units() - self.returned_quantity.0.units())
                - (self.invoiced_quantity.0.units() - self.credited_quantity.0.units()),
        )
    }

    /// What can still come back.
    pub fn returnable(&self) -> Quantity {
        Quantity::from_units(self.delivered_quantity.0.units() - self.returned_quantity.0.units())
    }
}

/// What a draft's header and lines are made of.
pub struct DocumentInput {
    pub client_id: Uuid,
    pub warehouse_id: Option<Uuid>,
    pub currency: String,
    pub issue_date: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    pub discount_percent: Percent,
    pub lines: Vec<LineInput>,
}

pub struct LineInput {
    pub item: Option<Item>,
    pub description: String,
    pub amounts: LineAmounts,
    pub location_id: Option<Uuid>,
    pub source_line_id: Option<Uuid>,
}

fn header_values(input: &DocumentInput) -> Values {
    let totals = discounted_totals(
        &input.lines.iter().map(|l| l.amounts).collect::<Vec<_>>(),
        input.discount_percent,
    );
    vec![
        ("client_id", input.client_id.into()),
        ("warehouse_id", input.warehouse_id.into()),
        ("currency", input.currency.as_str().into()),
        ("issue_date", input.issue_date.into()),
        ("valid_until", input.valid_until.into()),
        ("notes", input.notes.as_deref().into()),
        ("discount_percent", input.discount_percent.into()),
        ("discount_amount", totals.discount_amount.into()),
        ("total_excl_tax", totals.total_excl_tax.into()),
        ("total_tax", totals.total_tax.into()),
        ("total_incl_tax", totals.total_incl_tax.into()),
    ]
}

async fn insert_lines(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
    lines: &[LineInput],
    placed_at: Option<Uuid>,
) -> Result<(), DbError> {
    let rows = lines
        .iter()
        .enumerate()
        .map(|(position, line)| {
            let amounts = line.amounts;
            vec![
                ("id", Uuid::now_v7().into()),
                ("organization_id", organization_id.into()),
                ("document_id", document_id.into()),
                ("position", (position as i64 + 1).into()),
                ("product_id", line.item.map(|item| item.product_id).into()),
                (
                    "variant_id",
                    line.item.and_then(|item| item.variant_id).into(),
                ),
                ("description", line.description.as_str().into()),
                ("quantity", amounts.quantity.into()),
                ("unit_price", amounts.unit_price.into()),
                ("discount_percent", amounts.discount_percent.into()),
                ("vat_rate", amounts.vat_rate.into()),
                ("vat_category", amounts.vat_category.into()),
                ("total_excl_tax", amounts.total_excl_tax().into()),
                (
                    "location_id",
                    line.location_id.or(line.item.and(placed_at)).into(),
                ),
                ("source_line_id", line.source_line_id.into()),
            ]
        })
        .collect();
    resource::insert_rows(tx, "sales_lines", rows).await
}

/// What a new document is, beyond its content.
pub struct NewDocument<'a> {
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub status: &'a str,
    pub source_id: Option<Uuid>,
    pub created_by: Uuid,
}

pub async fn insert_document(
    tx: &mut Tx,
    organization_id: Uuid,
    new: NewDocument<'_>,
    input: &DocumentInput,
) -> Result<SalesDocument, DbError> {
    let mut values = header_values(input);
    values.extend([
        ("kind", new.kind.as_str().into()),
        ("number", new.number.into()),
        ("status", new.status.into()),
        ("source_id", new.source_id.into()),
        ("created_by", new.created_by.into()),
    ]);
    let document: SalesDocument = resource::insert(tx, organization_id, values).await?;
    let placed_at = placement(tx, organization_id, new.kind, input).await?;
    insert_lines(tx, organization_id, document.id, &input.lines, placed_at).await?;
    Ok(document)
}

/// Where an order's product lines with no location of their own ship from:
/// the default location of its warehouse (or of the first one), fixed
/// when the draft is written so that confirming it only reads it. `None`
/// for other kinds, or while there is no warehouse (confirming then
/// places the lines).
async fn placement(
    tx: &mut Tx,
    organization_id: Uuid,
    kind: DocumentKind,
    input: &DocumentInput,
) -> Result<Option<Uuid>, DbError> {
    let unplaced = input
        .lines
        .iter()
        .any(|line| line.item.is_some() && line.location_id.is_none());
    if kind != DocumentKind::Order || !unplaced {
        return Ok(None);
    }
    crate::stock::default_location(tx, organization_id, input.warehouse_id).await
}

/// Rewrites a draft's header and lines, if it is still at `version`.
pub async fn replace_document(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &DocumentInput,
) -> Result<SalesDocument, DbError> {
    let document: SalesDocument =
        resource::update(tx, organization_id, id, version, header_values(input)).await?;
    tx.execute(Sql::new("DELETE FROM sales_lines WHERE document_id = $1").bind(id))
        .await?;
    let placed_at = placement(tx, organization_id, document.kind, input).await?;
    insert_lines(tx, organization_id, id, &input.lines, placed_at).await?;
    Ok(document)
}

fn lines_query(document_id: Uuid) -> Sql {
    Sql::new(format!(
        "SELECT {LINE_COLUMNS} FROM sales_lines WHERE document_id = $1 ORDER BY position"
    ))
    .bind(document_id)
}

pub async fn lines(db: &Db, document_id: Uuid) -> Result<Vec<SalesLine>, DbError> {
    db.fetch_all(lines_query(document_id)).await
}

pub async fn lines_in(tx: &mut Tx, document_id: Uuid) -> Result<Vec<SalesLine>, DbError> {
    tx.fetch_all(lines_query(document_id)).await
}

/// Moves a document from `from` to `to`; `None` if it is no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    from: &str,
    to: &str,
) -> Result<Option<SalesDocument>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET status = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND organization_id = $4 AND status = $5 RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(to)
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(from),
    )
    .await
}

/// Moves a document from its current status to `to` with its audit entry
/// and its business event (`event_type`, also the audit action); `None` if
/// it is no longer in the status it was read in. One statement on
/// PostgreSQL, whose writing CTEs take the entry and the event along with
/// the update; three on SQLite. The caller holds the document's row, so
/// the entry's after-state is what the update makes of it.
pub async fn transition(
    tx: &mut Tx,
    actor: &Actor,
    current: &SalesDocument,
    to: &str,
    event_type: &str,
) -> Result<Option<SalesDocument>, DbError> {
    let at = now();
    let moved = SalesDocument {
        status: to.to_owned(),
        updated_at: at,
        version: current.version + 1,
        ..current.clone()
    };
    let as_json = |document: &SalesDocument| {
        serde_json::to_value(document).map_err(|e| DbError::Bind(e.into()))
    };
    let [before, after] = [as_json(current)?, as_json(&moved)?];
    let event = NewEvent {
        event_type,
        subject_type: current.kind.as_str(),
        subject_id: current.id,
        client_id: Some(current.client_id),
        actor_id: actor.user_id,
        data: event_data(&moved, Value::Null),
    };
    let mut sql = Sql::default();
    let update = format!(
        "UPDATE sales_documents SET status = {}, updated_at = {}, version = version + 1 \
         WHERE id = {} AND organization_id = {} AND status = {} RETURNING {}",
        sql.arg(to),
        sql.arg(at),
        sql.arg(current.id),
        sql.arg(actor.organization_id),
        sql.arg(current.status.as_str()),
        SalesDocument::COLUMNS
    );
    if tx.backend() == crate::Backend::Sqlite {
        sql.push(&update);
        let Some(moved) = tx.fetch_optional::<SalesDocument>(sql).await? else {
            return Ok(None);
        };
        audit::record(
            tx,
            actor,
            event_type,
            current.kind.as_str(),
            Some(current.id),
            Some(before),
            Some(after),
        )
        .await?;
        record_event(tx, actor.organization_id, event).await?;
        return Ok(Some(moved));
    }
    let audit = audit::pending_entry_from(
        &mut sql,
        "moved",
        actor,
        event_type,
        current.kind.as_str(),
        current.id,
        [Some(before), Some(after)],
    );
    let event = event_values(&mut sql, actor.organization_id, event);
    sql.push(&format!(
        "WITH moved AS ({update}), audit AS ({audit}), \
         event AS (INSERT INTO business_events ({EVENT_COLUMNS}) SELECT {event} FROM moved) \
         SELECT {} FROM moved",
        SalesDocument::COLUMNS
    ));
    let moved = tx.fetch_optional(sql).await?;
    tx.audited();
    Ok(moved)
}

/// Numbers and dates a draft invoice or credit note; `None` if it is no
/// longer a draft.
pub async fn issue(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    number: &str,
    issue_date: NaiveDate,
    due_date: Option<NaiveDate>,
) -> Result<Option<SalesDocument>, DbError> {
    let at = now();
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET status = 'issued', number = $1, issue_date = $2, due_date = $3, \
             issued_at = $4, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND organization_id = $6 AND kind IN ('invoice', 'credit_note') AND status = 'draft' \
             AND number IS NULL RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(number)
        .bind(issue_date)
        .bind(due_date)
        .bind(at)
        .bind(id)
        .bind(organization_id),
    )
    .await
}

/// Adds to a line's delivered quantity, unless that would exceed the line;
/// returns whether it did.
pub async fn deliver_line(
    tx: &mut Tx,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET delivered_quantity = delivered_quantity + $1 \
                 WHERE id = $2 AND document_id = $3 AND delivered_quantity + $1 <= quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Adds to an order line's invoiced quantity, never beyond what the client
/// kept; returns whether it did.
pub async fn invoice_line(
    tx: &mut Tx,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET invoiced_quantity = invoiced_quantity + $1 \
                 WHERE id = $2 AND document_id = $3 \
                 AND invoiced_quantity - credited_quantity + $1 <= delivered_quantity - returned_quantity",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Takes back from an order line's invoiced quantity what a deleted draft
/// invoice billed; returns whether it did.
pub async fn uninvoice_line(
    tx: &mut Tx,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET invoiced_quantity = invoiced_quantity - $1 \
                 WHERE id = $2 AND document_id = $3 AND invoiced_quantity >= $1",
            )
            .bind(quantity)
            .bind(line_id)
            .bind(document_id),
        )
        .await?;
    Ok(changed == 1)
}

/// Deletes a draft (one without an invoice number) and its lines; returns
/// whether it did.
pub async fn delete_draft(tx: &mut Tx, organization_id: Uuid, id: Uuid) -> Result<bool, DbError> {
    let gone = tx
        .execute(
            Sql::new(
                "DELETE FROM sales_documents WHERE id = $1 AND organization_id = $2 \
                 AND status = 'draft' AND (kind IN ('quote', 'order') OR number IS NULL)",
            )
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    Ok(gone == 1)
}

/// Adds to an order line's returned quantity (and to what credit notes
/// take back of it), never beyond what was delivered; returns whether it
/// did.
pub async fn return_line(
    tx: &mut Tx,
    document_id: Uuid,
    line_id: Uuid,
    quantity: Quantity,
    credited: Quantity,
) -> Result<bool, DbError> {
    let changed = tx
        .execute(
            Sql::new(
                "UPDATE sales_lines SET returned_quantity = returned_quantity + $1, \
                 credited_quantity = credited_quantity + $2 \
                 WHERE id = $3 AND document_id = $4 AND returned_quantity + $1 <= delivered_quantity",
            )
            .bind(quantity)
            .bind(credited)
            .bind(line_id)
            .bind(document_id),
        )
        .await?;
    Ok(changed == 1)
}

/// The lines of issued invoices billing an order line, newest first, with
/// their invoice's id.
pub async fn issued_invoice_lines(
    tx: &mut Tx,
    order_line_id: Uuid,
) -> Result<Vec<InvoicedLine>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "SELECT d.id AS invoice_id, {} FROM sales_lines l JOIN sales_documents d ON d.id = l.document_id \
             WHERE l.source_line_id = $1 AND d.kind = 'invoice' AND d.number IS NOT NULL \
             ORDER BY d.issued_at DESC, d.number DESC",
            prefixed("l", LINE_COLUMNS)
        ))
        .bind(order_line_id),
    )
    .await
}

/// A line of an issued invoice and the invoice it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoicedLine {
    pub invoice_id: Uuid,
    #[sqlx(flatten)]
    pub line: SalesLine,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesReturn {
    pub id: Uuid,
    pub order_id: Uuid,
    /// `defect`, `dissatisfaction`, `wrong_item` or `other`.
    pub reason: String,
    /// Whether the goods went back into stock.
    pub restock: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesReturnLine {
    pub id: Uuid,
    pub order_line_id: Uuid,
    #[schema(value_type = String, example = "1")]
    pub quantity: Fixed<Quantity>,
    /// The restocking receipt, if the goods went back into stock.
    pub movement_id: Option<Uuid>,
}

pub async fn insert_return(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    reason: &str,
    restock: bool,
    created_by: Uuid,
) -> Result<SalesReturn, DbError> {
    tx.fetch_one(
        Sql::new(
            "INSERT INTO sales_returns (id, organization_id, order_id, reason, restock, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, order_id, reason, restock, created_at",
        )
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(order_id)
        .bind(reason)
        .bind(restock)
        .bind(created_by)
        .bind(now()),
    )
    .await
}

pub async fn insert_return_line(
    tx: &mut Tx,
    organization_id: Uuid,
    return_id: Uuid,
    order_line_id: Uuid,
    quantity: Quantity,
    movement_id: Option<Uuid>,
) -> Result<SalesReturnLine, DbError> {
    tx.fetch_one(
        Sql::new(
            "INSERT INTO sales_return_lines (id, organization_id, return_id, order_line_id, quantity, movement_id) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, order_line_id, quantity, movement_id",
        )
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(return_id)
        .bind(order_line_id)
        .bind(quantity)
        .bind(movement_id),
    )
    .await
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
             FROM sales_lines l WHERE l.document_id = $1 ORDER BY l.position",
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
pub async fn place_lines(tx: &mut Tx, document_id: Uuid, location_id: Uuid) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "UPDATE sales_lines SET location_id = $1 \
             WHERE document_id = $2 AND location_id IS NULL AND product_id IS NOT NULL",
        )
        .bind(location_id)
        .bind(document_id),
    )
    .await?;
    Ok(())
}

/// The active reservations of an order's lines.
pub async fn active_reservations(
    tx: &mut Tx,
    document_id: Uuid,
) -> Result<Vec<Reservation>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "SELECT {} FROM stock_reservations r \
             WHERE r.status = 'active' AND r.document_type = 'order_line' AND r.document_line_id IN \
             (SELECT id FROM sales_lines WHERE document_id = $1) ORDER BY r.created_at, r.id",
            prefixed("r", Reservation::COLUMNS)
        ))
        .bind(document_id),
    )
    .await
}

fn prefixed(alias: &str, columns: &str) -> String {
    columns
        .split(", ")
        .map(|column| format!("{alias}.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a client owes on issued invoices.
pub async fn open_receivables(
    tx: &mut Tx,
    organization_id: Uuid,
    client_id: Uuid,
) -> Result<Money, DbError> {
    let (units,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "SELECT CAST(COALESCE(SUM(total_incl_tax - amount_paid - amount_credited), 0) AS BIGINT) \
                 FROM sales_documents WHERE organization_id = $1 AND client_id = $2 \
                 AND kind = 'invoice' AND status IN ('issued', 'partially_paid')",
            )
            .bind(organization_id)
            .bind(client_id),
        )
        .await?;
    Ok(Money::from_units(units))
}

/// How much of each line of an invoice its credit notes (drafts
/// included) already take back.
pub async fn credited_quantities(
    tx: &mut Tx,
    invoice_id: Uuid,
) -> Result<Vec<(Uuid, Quantity)>, DbError> {
    let rows: Vec<(Uuid, i64)> = tx.fetch_all(credited_query(invoice_id)).await?;
    Ok(quantities_per_line(rows))
}

/// What credit notes took back of each line of an invoice, outside a
/// transaction (to show it).
pub async fn credited_quantities_of(
    db: &Db,
    invoice_id: Uuid,
) -> Result<Vec<(Uuid, Quantity)>, DbError> {
    let rows: Vec<(Uuid, i64)> = db.fetch_all(credited_query(invoice_id)).await?;
    Ok(quantities_per_line(rows))
}

fn credited_query(invoice_id: Uuid) -> Sql {
    Sql::new(
        "SELECT l.source_line_id, CAST(SUM(l.quantity) AS BIGINT) FROM sales_lines l \
         JOIN sales_documents d ON d.id = l.document_id \
         WHERE d.kind = 'credit_note' AND d.source_id = $1 AND l.source_line_id IS NOT NULL \
         GROUP BY l.source_line_id",
    )
    .bind(invoice_id)
}

fn quantities_per_line(rows: Vec<(Uuid, i64)>) -> Vec<(Uuid, Quantity)> {
    rows.into_iter()
        .map(|(line_id, units)| (line_id, Quantity::from_units(units)))
        .collect()
}

/// Takes an issued credit note's amount off its invoice, still at
/// `version`; `None` if the invoice changed meanwhile.
pub async fn apply_credit(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SalesDocument,
    amount: Money,
    status: &str,
) -> Result<Option<SalesDocument>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE sales_documents SET amount_credited = amount_credited + $1, status = $2, \
             updated_at = $3, version = version + 1 \
             WHERE id = $4 AND organization_id = $5 AND version = $6 RETURNING {}",
            SalesDocument::COLUMNS
        ))
        .bind(amount)
        .bind(status)
        .bind(now())
        .bind(invoice.id)
        .bind(organization_id)
        .bind(invoice.version),
    )
    .await
}

/// A document with the organization it belongs to, for jobs that work
/// across organizations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnedDocument {
    pub organization_id: Uuid,
    #[sqlx(flatten)]
    pub document: SalesDocument,
}

/// Moves every `from` quote whose validity ended before `today` to `to`,
/// in one conditional update: two instances never expire one twice.
pub async fn expire_quotes(
    tx: &mut Tx,
    from: &str,
    to: &str,
    today: NaiveDate,
) -> Result<Vec<OwnedDocument>, DbError> {
    tx.fetch_all(
        Sql::new(format!(
            "UPDATE sales_documents SET status = $1, updated_at = $2, version = version + 1 \
             WHERE kind = 'quote' AND status = $3 AND valid_until < $4 RETURNING organization_id, {}",
            SalesDocument::COLUMNS
        ))
        .bind(to)
        .bind(now())
        .bind(from)
        .bind(today),
    )
    .await
}

/// Records the `days` reminder of every quote still `status` whose
/// `quote_sent` event is at least that old; returns the quotes reminded
/// now, each only once ever (the reminder's key refuses a second).
pub async fn remind_quotes(
    tx: &mut Tx,
    status: &str,
    days: i64,
) -> Result<Vec<OwnedDocument>, DbError> {
    let at = now();
    let reminded: Vec<(Uuid, Uuid)> = tx
        .fetch_all(
            Sql::new(
                "INSERT INTO quote_reminders (quote_id, organization_id, days, created_at) \
                 SELECT d.id, d.organization_id, $1, $2 FROM sales_documents d \
                 JOIN business_events e ON e.organization_id = d.organization_id \
                 AND e.subject_type = 'quote' AND e.subject_id = d.id AND e.event_type = 'quote_sent' \
                 WHERE d.kind = 'quote' AND d.status = $3 AND e.occurred_at <= $4 \
                 ON CONFLICT (quote_id, days) DO NOTHING RETURNING quote_id, organization_id",
            )
            .bind(days)
            .bind(at)
            .bind(status)
            .bind(at - chrono::Duration::days(days)),
        )
        .await?;
    let mut quotes = Vec::with_capacity(reminded.len());
    for (quote_id, organization_id) in reminded {
        quotes.push(OwnedDocument {
            organization_id,
            document: resource::get_in(tx, organization_id, quote_id).await?,
        });
    }
    Ok(quotes)
}

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

pub async fn deliveries_of(db: &Db, order_id: Uuid) -> Result<Vec<Delivery>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {DELIVERY_COLUMNS} FROM deliveries WHERE order_id = $1 ORDER BY number"
        ))
        .bind(order_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Payment {
    pub id: Uuid,
    pub invoice_id: Uuid,
    #[schema(value_type = String, example = "120.00")]
    pub amount: Fixed<Money>,
    #[serde(rename = "date")]
    pub payment_date: NaiveDate,
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    pub reference: Option<String>,
    /// `payment` (received) or `refund` (paid back to the client).
    #[sqlx(try_from = "String")]
    pub kind: PaymentKind,
    pub created_at: DateTime<Utc>,
}

const PAYMENT_COLUMNS: &str =
    "id, invoice_id, amount, payment_date, method, reference, kind, created_at";

impl Table for Payment {
    const TABLE: &'static str = "payments";
    const COLUMNS: &'static str = PAYMENT_COLUMNS;
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("date", "payment_date"),
        ("amount", "amount"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["reference"];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct PaymentInput {
    pub amount: Money,
    pub date: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
}

/// Records money received (`Payment`) or paid back (`Refund`) on an
/// invoice still at `version`, in one conditional update of its
/// `amount_paid`; `None` when the invoice changed or the amount is out of
/// bounds: a payment never takes paid and credited past the total, a
/// refund never gives back more than they went past it (refunds count out
/// of `amount_paid`).
pub async fn record_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice: &SalesDocument,
    status: &str,
    kind: PaymentKind,
    payment: &PaymentInput,
    created_by: Uuid,
) -> Result<Option<(SalesDocument, Payment)>, DbError> {
    let (change, condition) = match kind {
        PaymentKind::Payment => (
            "amount_paid + $1",
            "amount_paid + amount_credited + $1 <= total_incl_tax",
        ),
        PaymentKind::Refund => (
            "amount_paid - $1",
            "amount_paid + amount_credited - total_incl_tax >= $1 AND amount_paid >= $1",
        ),
    };
    let changed: Option<SalesDocument> = tx
        .fetch_optional(
            Sql::new(format!(
                "UPDATE sales_documents SET amount_paid = {change}, status = $2, \
                 updated_at = $3, version = version + 1 \
                 WHERE id = $4 AND organization_id = $5 AND version = $6 AND {condition} RETURNING {}",
                SalesDocument::COLUMNS
            ))
            .bind(payment.amount)
            .bind(status)
            .bind(now())
            .bind(invoice.id)
            .bind(organization_id)
            .bind(invoice.version),
        )
        .await?;
    let Some(changed) = changed else {
        return Ok(None);
    };
    let recorded =
        insert_payment(tx, organization_id, invoice.id, kind, payment, created_by).await?;
    Ok(Some((changed, recorded)))
}

async fn insert_payment(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice_id: Uuid,
    kind: PaymentKind,
    payment: &PaymentInput,
    created_by: Uuid,
) -> Result<Payment, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO payments (id, organization_id, invoice_id, amount, payment_date, method, \
             reference, kind, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             RETURNING {PAYMENT_COLUMNS}"
        ))
        .bind(Uuid::now_v7())
        .bind(organization_id)
        .bind(invoice_id)
        .bind(payment.amount)
        .bind(payment.date)
        .bind(payment.method.as_str())
        .bind(payment.reference.as_deref())
        .bind(kind.as_str())
        .bind(created_by)
        .bind(now()),
    )
    .await
}

pub async fn payment(db: &Db, organization_id: Uuid, id: Uuid) -> Result<Option<Payment>, DbError> {
    db.fetch_optional(
        Sql::new(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE id = $1 AND organization_id = $2"
        ))
        .bind(id)
        .bind(organization_id),
    )
    .await
}

pub async fn payments_of(db: &Db, invoice_id: Uuid) -> Result<Vec<Payment>, DbError> {
    db.fetch_all(
        Sql::new(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE invoice_id = $1 ORDER BY created_at, id"
        ))
        .bind(invoice_id),
    )
    .await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct BusinessEvent {
    pub id: Uuid,
    /// `quote_sent`, `order_confirmed`, `invoice_issued`, …
    pub event_type: String,
    /// `quote`, `order`, `invoice`.
    pub subject_type: String,
    pub subject_id: Uuid,
    pub client_id: Option<Uuid>,
    /// The user who did it; none for background jobs.
    pub actor_id: Option<Uuid>,
    #[schema(value_type = Object)]
    pub data: sqlx::types::Json<Value>,
    pub occurred_at: DateTime<Utc>,
}

impl Table for BusinessEvent {
    const TABLE: &'static str = "business_events";
    const COLUMNS: &'static str =
        "id, event_type, subject_type, subject_id, client_id, actor_id, data, occurred_at";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("occurred_at", "occurred_at")];
    const SEARCHABLE: &'static [&'static str] = &["event_type"];
    const DEFAULT_SORT: &'static str = "occurred_at";
}

/// One business event, written in the caller's transaction.
pub struct NewEvent<'a> {
    pub event_type: &'a str,
    pub subject_type: &'a str,
    pub subject_id: Uuid,
    pub client_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    pub data: Value,
}

/// What an event about `document` says: `data`'s fields, and the
/// document's number and status.
pub fn event_data(document: &SalesDocument, data: Value) -> Value {
    let mut data = match data {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    data.insert("number".into(), document.number.clone().into());
    data.insert("status".into(), document.status.clone().into());
    Value::Object(data)
}

/// Columns of `business_events` a new event fills, in the order
/// [`event_values`] binds them.
const EVENT_COLUMNS: &str = "id, organization_id, event_type, subject_type, subject_id, client_id, actor_id, data, occurred_at";

fn event_values(sql: &mut Sql, organization_id: Uuid, event: NewEvent<'_>) -> String {
    [
        sql.arg(Uuid::now_v7()),
        sql.arg(organization_id),
        sql.arg(event.event_type),
        sql.arg(event.subject_type),
        sql.arg(event.subject_id),
        sql.arg(event.client_id),
        sql.arg(event.actor_id),
        sql.arg(event.data),
        sql.arg(now()),
    ]
    .join(", ")
}

pub async fn record_event(
    tx: &mut Tx,
    organization_id: Uuid,
    event: NewEvent<'_>,
) -> Result<(), DbError> {
    let mut sql = Sql::default();
    let values = event_values(&mut sql, organization_id, event);
    sql.push(&format!(
        "INSERT INTO business_events ({EVENT_COLUMNS}) VALUES ({values})"
    ));
    tx.execute(sql).await?;
    Ok(())
}
