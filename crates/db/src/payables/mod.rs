//! Supplier invoices, their lines and the payments made on them.
//!
//! The same original file is one invoice per organization: a unique index
//! on `(organization_id, original_sha256)` makes a second insert fail
//! even when both run at once. Status changes and payments are single
//! conditional `UPDATE`s (on the status, or on the version and the amount
//! still due) whose row count says whether they happened; payments are
//! only ever inserted.

mod payments;

pub use payments::{PaymentInput, SupplierPayment, payments_of, record_payment};

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::{self, Filter, Fixed, Table, Values};
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::payables::PayableStatus;
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SupplierInvoice {
    pub id: Uuid,
    /// Absent until the supplier is known (`POST /{id}/supplier`).
    pub supplier_id: Option<Uuid>,
    /// The seller as the invoice names it, when no supplier matched:
    /// `{"name", "siren", "vat_number"}`.
    #[schema(value_type = Option<Object>)]
    pub proposed_supplier: Option<Json<Value>>,
    /// The supplier's own invoice number.
    pub number: String,
    /// `invoice` or `credit_note`.
    pub kind: String,
    #[sqlx(try_from = "String")]
    pub status: PayableStatus,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    /// Our purchase order number as the supplier quoted it.
    pub buyer_order_reference: Option<String>,
    /// The purchase order it was matched to.
    pub purchase_order_id: Option<Uuid>,
    #[schema(value_type = String, example = "61.00")]
    pub total_excl_tax: Fixed<Money>,
    #[schema(value_type = String, example = "12.20")]
    pub total_tax: Fixed<Money>,
    #[schema(value_type = String, example = "73.20")]
    pub total_incl_tax: Fixed<Money>,
    /// What the invoice asks to be paid.
    #[schema(value_type = String, example = "73.20")]
    pub amount_due: Fixed<Money>,
    #[schema(value_type = String, example = "0.00")]
    pub amount_paid: Fixed<Money>,
    /// `[{"vat_category", "vat_rate", "base", "amount"}]`, as the supplier stated it.
    #[schema(value_type = Vec<Object>)]
    pub tax_breakdown: Json<Value>,
    /// The SHA-256 of the e-invoice as received; absent when typed by hand.
    pub original_sha256: Option<String>,
    pub original_content_type: Option<String>,
    /// `facturx`, `cii`, `ubl` or `manual`.
    pub original_format: String,
    /// A plain PDF attached to an invoice typed by hand.
    pub attachment_sha256: Option<String>,
    pub dispute_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for SupplierInvoice {
    const TABLE: &'static str = "supplier_invoices";
    const COLUMNS: &'static str = "id, supplier_id, proposed_supplier, number, kind, status, currency, \
        issue_date, due_date, buyer_order_reference, purchase_order_id, total_excl_tax, total_tax, \
        total_incl_tax, amount_due, amount_paid, tax_breakdown, original_sha256, original_content_type, \
        original_format, attachment_sha256, dispute_reason, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("due_date", "due_date"),
        ("issue_date", "issue_date"),
        ("number", "number"),
        ("total_incl_tax", "total_incl_tax"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["number", "buyer_order_reference"];
    const DEFAULT_SORT: &'static str = "created_at";
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SupplierInvoiceLine {
    pub id: Uuid,
    pub position: i64,
    /// The supplier's code for the item.
    pub seller_item_id: Option<String>,
    pub description: String,
    #[schema(value_type = String, example = "20")]
    pub quantity: Fixed<Quantity>,
    /// UN/ECE recommendation 20 unit code, such as `C62`.
    pub unit: Option<String>,
    #[schema(value_type = String, example = "0.80")]
    pub unit_price: Fixed<UnitPrice>,
    #[sqlx(try_from = "String")]
    pub vat_category: VatCategory,
    #[schema(value_type = String, example = "20.00")]
    pub vat_rate: Fixed<Percent>,
    #[schema(value_type = String, example = "16.00")]
    pub total_excl_tax: Fixed<Money>,
    /// The purchase order line it bills, when matched.
    pub purchase_order_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    /// It bills another quantity than was received.
    pub quantity_differs: bool,
    /// Its price is not the order's.
    pub price_differs: bool,
}

const LINE_COLUMNS: &str = "id, position, seller_item_id, description, quantity, unit, unit_price, \
    vat_category, vat_rate, total_excl_tax, purchase_order_line_id, product_id, quantity_differs, \
    price_differs";

/// Where a new supplier invoice's file came from.
pub struct Original {
    pub sha256: String,
    pub content_type: &'static str,
}

pub struct SupplierInvoiceInput {
    pub supplier_id: Option<Uuid>,
    pub proposed_supplier: Option<Value>,
    pub number: String,
    pub kind: &'static str,
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub buyer_order_reference: Option<String>,
    pub total_excl_tax: Money,
    pub total_tax: Money,
    pub total_incl_tax: Money,
    pub amount_due: Money,
    pub tax_breakdown: Value,
    pub original: Option<Original>,
    pub original_format: &'static str,
    pub lines: Vec<LineInput>,
}

pub struct LineInput {
    pub seller_item_id: Option<String>,
    pub description: String,
    pub quantity: Quantity,
    pub unit: Option<String>,
    pub unit_price: UnitPrice,
    pub vat_category: VatCategory,
    pub vat_rate: Percent,
    pub total_excl_tax: Money,
}

/// How a line compares with the purchase order it was matched to.
pub struct LineMatchInput {
    pub line_id: Uuid,
    pub purchase_order_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub quantity_differs: bool,
    pub price_differs: bool,
}

/// Inserts a `received` invoice and its lines; a second insert of the same
/// original file fails with `DbError::Unique`.
pub async fn insert_invoice(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &SupplierInvoiceInput,
) -> Result<(SupplierInvoice, Vec<Uuid>), DbError> {
    let values: Values = vec![
        ("supplier_id", input.supplier_id.into()),
        ("proposed_supplier", input.proposed_supplier.clone().into()),
        ("number", input.number.as_str().into()),
        ("kind", input.kind.into()),
        ("status", PayableStatus::Received.as_str().into()),
        ("currency", input.currency.as_str().into()),
        ("issue_date", input.issue_date.into()),
        ("due_date", input.due_date.into()),
        (
            "buyer_order_reference",
            input.buyer_order_reference.as_deref().into(),
        ),
        ("total_excl_tax", input.total_excl_tax.into()),
        ("total_tax", input.total_tax.into()),
        ("total_incl_tax", input.total_incl_tax.into()),
        ("amount_due", input.amount_due.into()),
        ("amount_paid", 0_i64.into()),
        ("tax_breakdown", input.tax_breakdown.clone().into()),
        (
            "original_sha256",
            input.original.as_ref().map(|o| o.sha256.as_str()).into(),
        ),
        (
            "original_content_type",
            input.original.as_ref().map(|o| o.content_type).into(),
        ),
        ("original_format", input.original_format.into()),
    ];
    let invoice: SupplierInvoice = resource::insert(tx, organization_id, values).await?;
    let ids: Vec<Uuid> = input.lines.iter().map(|_| Uuid::now_v7()).collect();
    let rows = input
        .lines
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(position, (line, id))| {
            vec![
                ("id", (*id).into()),
                ("organization_id", organization_id.into()),
                ("supplier_invoice_id", invoice.id.into()),
                ("position", (position as i64 + 1).into()),
                ("seller_item_id", line.seller_item_id.as_deref().into()),
                ("description", line.description.as_str().into()),
                ("quantity", line.quantity.into()),
                ("unit", line.unit.as_deref().into()),
                ("unit_price", line.unit_price.into()),
                ("vat_category", line.vat_category.into()),
                ("vat_rate", line.vat_rate.into()),
                ("total_excl_tax", line.total_excl_tax.into()),
                ("quantity_differs", false.into()),
                ("price_differs", false.into()),
            ]
        })
        .collect();
    resource::insert_rows(tx, "supplier_invoice_lines", rows).await?;
    Ok((invoice, ids))
}

fn lines_query(organization_id: Uuid, invoice_id: Uuid) -> Sql {
    Sql::new(format!(
        "SELECT {LINE_COLUMNS} FROM supplier_invoice_lines \
         WHERE supplier_invoice_id = $1 AND organization_id = $2 ORDER BY position"
    ))
    .bind(invoice_id)
    .bind(organization_id)
}

pub async fn lines(
    db: &Db,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<SupplierInvoiceLine>, DbError> {
    db.fetch_all(lines_query(organization_id, invoice_id)).await
}

pub async fn lines_in(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice_id: Uuid,
) -> Result<Vec<SupplierInvoiceLine>, DbError> {
    tx.fetch_all(lines_query(organization_id, invoice_id)).await
}

/// Records the purchase order an invoice bills and each line's match.
pub async fn set_match(
    tx: &mut Tx,
    organization_id: Uuid,
    invoice_id: Uuid,
    purchase_order_id: Option<Uuid>,
    matches: &[LineMatchInput],
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "UPDATE supplier_invoices SET purchase_order_id = $1 WHERE id = $2 AND organization_id = $3",
        )
        .bind(purchase_order_id)
        .bind(invoice_id)
        .bind(organization_id),
    )
    .await?;
    for line in matches {
        tx.execute(
            Sql::new(
                "UPDATE supplier_invoice_lines SET purchase_order_line_id = $1, product_id = $2, \
                 quantity_differs = $3, price_differs = $4 WHERE id = $5 AND organization_id = $6",
            )
            .bind(line.purchase_order_line_id)
            .bind(line.product_id)
            .bind(line.quantity_differs)
            .bind(line.price_differs)
            .bind(line.line_id)
            .bind(organization_id),
        )
        .await?;
    }
    Ok(())
}

/// Names the supplier of an invoice that had none, and its due date
/// when the invoice stated none; `None` when another request named one
/// meanwhile.
pub async fn set_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    supplier_id: Uuid,
    due_date: Option<NaiveDate>,
) -> Result<Option<SupplierInvoice>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE supplier_invoices SET supplier_id = $1, proposed_supplier = NULL, \
             due_date = COALESCE(due_date, $2), updated_at = $3, \
             version = version + 1 WHERE id = $4 AND organization_id = $5 AND supplier_id IS NULL \
             RETURNING {}",
            SupplierInvoice::COLUMNS
        ))
        .bind(supplier_id)
        .bind(due_date)
        .bind(now())
        .bind(id)
        .bind(organization_id),
    )
    .await
}

/// Moves the invoice from `from` to `to`, setting its dispute reason;
/// `None` if it is no longer in `from`.
pub async fn set_status(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    from: PayableStatus,
    to: PayableStatus,
    dispute_reason: Option<&str>,
) -> Result<Option<SupplierInvoice>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE supplier_invoices SET status = $1, dispute_reason = $2, updated_at = $3, \
             version = version + 1 WHERE id = $4 AND organization_id = $5 AND status = $6 RETURNING {}",
            SupplierInvoice::COLUMNS
        ))
        .bind(to.as_str())
        .bind(dispute_reason)
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(from.as_str()),
    )
    .await
}

/// Attaches a stored PDF to an invoice typed by hand, at `version`.
pub async fn set_attachment(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    sha256: &str,
) -> Result<Option<SupplierInvoice>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE supplier_invoices SET attachment_sha256 = $1, updated_at = $2, version = version + 1 \
             WHERE id = $3 AND organization_id = $4 AND version = $5 RETURNING {}",
            SupplierInvoice::COLUMNS
        ))
        .bind(sha256)
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(version),
    )
    .await
}

/// Only what is still to pay (approved or partly paid), due by `date`.
pub fn due_by(filter: Filter, date: NaiveDate) -> Filter {
    filter
        .clause("status IN ('approved', 'partially_paid')")
        .condition("due_date <= {}", date)
}

/// The supplier an invoice's SIREN or VAT number names, SIREN first.
pub async fn supplier_by_identity(
    tx: &mut Tx,
    organization_id: Uuid,
    siren: Option<&str>,
    vat_number: Option<&str>,
) -> Result<Option<Uuid>, DbError> {
    for (column, value) in [("siren", siren), ("vat_number", vat_number)] {
        let Some(value) = value else { continue };
        let found: Option<(Uuid,)> = tx
            .fetch_optional(
                Sql::new(format!(
                    "SELECT id FROM suppliers WHERE organization_id = $1 AND {column} = $2 \
                     ORDER BY created_at LIMIT 1"
                ))
                .bind(organization_id)
                .bind(value),
            )
            .await?;
        if let Some((id,)) = found {
            return Ok(Some(id));
        }
    }
    Ok(None)
}

/// The supplier's purchase order numbered `number`.
pub async fn order_by_number(
    tx: &mut Tx,
    organization_id: Uuid,
    supplier_id: Uuid,
    number: &str,
) -> Result<Option<Uuid>, DbError> {
    let found: Option<(Uuid,)> = tx
        .fetch_optional(
            Sql::new(
                "SELECT id FROM purchase_orders WHERE organization_id = $1 AND supplier_id = $2 \
                 AND number = $3",
            )
            .bind(organization_id)
            .bind(supplier_id)
            .bind(number),
        )
        .await?;
    Ok(found.map(|(id,)| id))
}

/// A purchase order line with what matching compares it by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderLineToMatch {
    pub id: Uuid,
    pub product_id: Uuid,
    pub product_code: String,
    pub supplier_reference: Option<String>,
    pub description: String,
    pub received_quantity: Fixed<Quantity>,
    pub unit_price: Fixed<UnitPrice>,
    pub discount_percent: Fixed<Percent>,
}

pub async fn order_lines_to_match(
    tx: &mut Tx,
    organization_id: Uuid,
    order_id: Uuid,
    supplier_id: Uuid,
) -> Result<Vec<OrderLineToMatch>, DbError> {
    tx.fetch_all(
        Sql::new(
            "SELECT l.id, l.product_id, p.code AS product_code, ps.supplier_reference, l.description, \
             l.received_quantity, l.unit_price, l.discount_percent \
             FROM purchase_order_lines l JOIN products p ON p.id = l.product_id \
             LEFT JOIN product_suppliers ps ON ps.product_id = l.product_id AND ps.supplier_id = $3 \
             WHERE l.purchase_order_id = $1 AND l.organization_id = $2 ORDER BY l.position",
        )
        .bind(order_id)
        .bind(organization_id)
        .bind(supplier_id),
    )
    .await
}

/// The invoice received as the file `sha256`, if any.
pub async fn by_original(
    db: &Db,
    organization_id: Uuid,
    sha256: &str,
) -> Result<Option<SupplierInvoice>, DbError> {
    db.fetch_optional(
        Sql::new(format!(
            "SELECT {} FROM supplier_invoices WHERE organization_id = $1 AND original_sha256 = $2",
            SupplierInvoice::COLUMNS
        ))
        .bind(organization_id)
        .bind(sha256),
    )
    .await
}
