//! The document and line records that every kind shares, and drafts:
//! written, rewritten and deleted whole, their lines read back.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx};
use crate::resource::{self, Fixed, Table, Values};
use crate::stock::Item;
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::documents::{LineAmounts, discounted_totals};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::sales::progress::LineProgress;
use comptoir_domain::sales::{DocumentKind, DocumentStatus};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct SalesDocument {
    pub id: Uuid,
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    /// `DEV-…`, `CMD-…`, `FAC-…`; none on a draft invoice.
    pub number: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: DocumentStatus,
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
    /// Issued invoices and credit notes: the SHA-256 of the PDF rendered
    /// when issued, in the file store.
    pub pdf_sha256: Option<String>,
    /// …and of its Factur-X XML.
    pub xml_sha256: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for SalesDocument {
    const TABLE: &'static str = "sales_documents";
    const COLUMNS: &'static str = "id, kind, number, status, client_id, source_id, warehouse_id, currency, \
        issue_date, valid_until, due_date, notes, discount_percent, discount_amount, total_excl_tax, \
        total_tax, total_incl_tax, amount_paid, amount_credited, issued_at, pdf_sha256, xml_sha256, created_at, \
        updated_at, version";
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
    /// Why the line bears no VAT, overriding its category's legal wording
    /// (required for `E`); copied from the product unless given.
    pub vat_exemption_reason: Option<String>,
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

pub(super) const LINE_COLUMNS: &str = "id, position, product_id, variant_id, description, quantity, unit_price, \
    discount_percent, vat_rate, vat_category, vat_exemption_reason, total_excl_tax, location_id, delivered_quantity, \
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

    /// The quantities the line has been through, for what remains to do.
    pub fn progress(&self) -> LineProgress {
        LineProgress {
            ordered: self.quantity.0,
            delivered: self.delivered_quantity.0,
            invoiced: self.invoiced_quantity.0,
            returned: self.returned_quantity.0,
            credited: self.credited_quantity.0,
        }
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
    pub vat_exemption_reason: Option<String>,
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
                (
                    "vat_exemption_reason",
                    line.vat_exemption_reason.as_deref().into(),
                ),
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
pub struct NewDocument {
    pub kind: DocumentKind,
    pub number: Option<String>,
    pub status: DocumentStatus,
    pub source_id: Option<Uuid>,
    pub created_by: Uuid,
}

pub async fn insert_document(
    tx: &mut Tx,
    organization_id: Uuid,
    new: NewDocument,
    input: &DocumentInput,
) -> Result<SalesDocument, DbError> {
    let mut values = header_values(input);
    values.extend([
        ("kind", new.kind.as_str().into()),
        ("number", new.number.into()),
        ("status", new.status.as_str().into()),
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
    tx.execute(
        Sql::new("DELETE FROM sales_lines WHERE document_id = $1 AND organization_id = $2")
            .bind(id)
            .bind(organization_id),
    )
    .await?;
    let placed_at = placement(tx, organization_id, document.kind, input).await?;
    insert_lines(tx, organization_id, id, &input.lines, placed_at).await?;
    Ok(document)
}

fn lines_query(organization_id: Uuid, document_id: Uuid) -> Sql {
    Sql::new(format!(
        "SELECT {LINE_COLUMNS} FROM sales_lines WHERE document_id = $1 AND organization_id = $2 \
         ORDER BY position"
    ))
    .bind(document_id)
    .bind(organization_id)
}

pub async fn lines(
    db: &Db,
    organization_id: Uuid,
    document_id: Uuid,
) -> Result<Vec<SalesLine>, DbError> {
    db.fetch_all(lines_query(organization_id, document_id))
        .await
}

pub async fn lines_in(
    tx: &mut Tx,
    organization_id: Uuid,
    document_id: Uuid,
) -> Result<Vec<SalesLine>, DbError> {
    tx.fetch_all(lines_query(organization_id, document_id))
        .await
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

pub(super) fn prefixed(alias: &str, columns: &str) -> String {
    columns
        .split(", ")
        .map(|column| format!("{alias}.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}
