//! Categories and products.
//!
//! The `barcodes` registry has the primary key (organization, barcode)
//! over products and variants alike, so one barcode names one item even
//! under concurrent writes: the second writer fails on the key.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx};
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::{ProductKind, Unit, VatCategory};
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::{Percent, UnitPrice};
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

mod images;
mod suppliers;
mod variants;

pub use images::{ProductImage, ProductImageInput, insert_product_image};
pub use suppliers::{
    ProductSupplier, ProductSupplierInput, insert_product_supplier, update_product_supplier,
};
pub use variants::{Variant, VariantInput, insert_variant, update_variant};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Category {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Category {
    const TABLE: &'static str = "categories";
    const COLUMNS: &'static str =
        "id, parent_id, name, description, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("name", "name"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["name", "description"];
    const DEFAULT_SORT: &'static str = "name";
}

pub struct CategoryInput {
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub description: Option<String>,
}

fn category_values(input: &CategoryInput) -> Values {
    vec![
        ("parent_id", input.parent_id.into()),
        ("name", input.name.as_str().into()),
        ("description", input.description.as_deref().into()),
    ]
}

pub async fn insert_category(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &CategoryInput,
) -> Result<Category, DbError> {
    resource::insert(tx, organization_id, category_values(input)).await
}

pub async fn update_category(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &CategoryInput,
) -> Result<Category, DbError> {
    resource::update(tx, organization_id, id, version, category_values(input)).await
}

/// The category's ancestors, nearest first, stopping if a cycle is met.
pub async fn category_ancestors(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<Vec<Uuid>, DbError> {
    let mut path = Vec::new();
    let mut current = id;
    loop {
        let parent: Option<(Option<Uuid>,)> = tx
            .fetch_optional(
                Sql::new("SELECT parent_id FROM categories WHERE id = $1 AND organization_id = $2")
                    .bind(current)
                    .bind(organization_id),
            )
            .await?;
        match parent {
            Some((Some(parent_id),)) if !path.contains(&parent_id) && parent_id != id => {
                path.push(parent_id);
                current = parent_id;
            }
            Some((Some(parent_id),)) => {
                path.push(parent_id);
                return Ok(path);
            }
            _ => return Ok(path),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Product {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: Option<String>,
    #[sqlx(try_from = "String")]
    pub kind: ProductKind,
    pub category_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub unit: Unit,
    #[schema(value_type = String, example = "12.50")]
    pub sale_price: Fixed<UnitPrice>,
    #[schema(value_type = Option<String>, example = "7.20")]
    pub purchase_price: Option<Fixed<UnitPrice>>,
    #[schema(value_type = String, example = "20.00")]
    pub vat_rate: Fixed<Percent>,
    #[sqlx(try_from = "String")]
    pub vat_category: VatCategory,
    pub vat_exemption_reason: Option<String>,
    pub barcode: Option<String>,
    pub active: bool,
    #[schema(value_type = Object)]
    pub attributes: Json<Value>,
    /// Weighted average unit cost, kept by receipts; read-only.
    #[schema(value_type = String, example = "7.2000")]
    pub average_cost: Fixed<UnitPrice>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl resource::HasId for Product {
    fn id(&self) -> Uuid {
        self.id
    }
}

impl Table for Product {
    const TABLE: &'static str = "products";
    const COLUMNS: &'static str = "id, code, name, description, kind, category_id, unit, sale_price, purchase_price, \
        vat_rate, vat_category, vat_exemption_reason, barcode, active, attributes, average_cost, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("sale_price", "sale_price"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["code", "name", "description", "barcode"];
    const DEFAULT_SORT: &'static str = "code";
}

pub struct ProductInput {
    pub code: Code,
    pub name: String,
    pub description: Option<String>,
    pub kind: ProductKind,
    pub category_id: Option<Uuid>,
    pub unit: Unit,
    pub sale_price: UnitPrice,
    pub purchase_price: Option<UnitPrice>,
    pub vat_rate: Percent,
    pub vat_category: VatCategory,
    pub vat_exemption_reason: Option<String>,
    pub barcode: Option<Barcode>,
    pub active: bool,
    pub attributes: Value,
}

fn product_values(input: &ProductInput) -> Values {
    vec![
        ("code", (&input.code).into()),
        ("name", input.name.as_str().into()),
        ("description", input.description.as_deref().into()),
        ("kind", input.kind.into()),
        ("category_id", input.category_id.into()),
        ("unit", input.unit.into()),
        ("sale_price", input.sale_price.into()),
        ("purchase_price", input.purchase_price.into()),
        ("vat_rate", input.vat_rate.into()),
        ("vat_category", input.vat_category.into()),
        (
            "vat_exemption_reason",
            input.vat_exemption_reason.as_deref().into(),
        ),
        (
            "barcode",
            input.barcode.as_ref().map(Barcode::as_str).into(),
        ),
        ("active", input.active.into()),
        ("attributes", input.attributes.clone().into()),
    ]
}

pub async fn insert_product(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ProductInput,
) -> Result<Product, DbError> {
    let product: Product = resource::insert(tx, organization_id, product_values(input)).await?;
    let owner = BarcodeOwner::Product(product.id);
    set_barcode(tx, organization_id, owner, product.barcode.as_deref()).await?;
    Ok(product)
}

/// Inserts many products and registers their barcodes, with multi-row
/// statements; the caller has checked the barcodes are free.
pub async fn insert_products(
    tx: &mut Tx,
    organization_id: Uuid,
    inputs: &[&ProductInput],
) -> Result<Vec<Product>, DbError> {
    let rows = inputs.iter().map(|input| product_values(input)).collect();
    let products: Vec<Product> = resource::insert_many(tx, organization_id, rows).await?;
    let barcodes: Vec<(Uuid, &str)> = products
        .iter()
        .filter_map(|product| Some((product.id, product.barcode.as_deref()?)))
        .collect();
    for chunk in barcodes.chunks(tx.backend().rows_per_statement(2)) {
        let mut sql = Sql::default();
        let organization = sql.arg(organization_id);
        let tuples: Vec<String> = chunk
            .iter()
            .map(|(id, barcode)| {
                format!("({organization}, {}, {})", sql.arg(*barcode), sql.arg(*id))
            })
            .collect();
        sql.push(&format!(
            "INSERT INTO barcodes (organization_id, barcode, product_id) VALUES {}",
            tuples.join(", ")
        ));
        tx.execute(sql).await?;
    }
    Ok(products)
}

/// Who holds each of these barcodes: a product's id, or the nil id for a
/// variant.
pub async fn barcode_owners(
    tx: &mut Tx,
    organization_id: Uuid,
    barcodes: &[&str],
) -> Result<std::collections::HashMap<String, Uuid>, DbError> {
    let mut owners = std::collections::HashMap::new();
    for chunk in barcodes.chunks(crate::pool::KEYS_PER_LOOKUP) {
        let mut sql = Sql::default();
        let organization = sql.arg(organization_id);
        let placeholders: Vec<String> = chunk.iter().map(|barcode| sql.arg(*barcode)).collect();
        sql.push(&format!(
            "SELECT barcode, product_id FROM barcodes WHERE organization_id = {organization} \
             AND barcode IN ({})",
            placeholders.join(", ")
        ));
        let rows: Vec<(String, Option<Uuid>)> = tx.fetch_all(sql).await?;
        owners.extend(
            rows.into_iter()
                .map(|(barcode, product)| (barcode, product.unwrap_or(Uuid::nil()))),
        );
    }
    Ok(owners)
}

pub async fn update_product(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &ProductInput,
) -> Result<Product, DbError> {
    let product: Product =
        resource::update(tx, organization_id, id, version, product_values(input)).await?;
    let owner = BarcodeOwner::Product(id);
    set_barcode(tx, organization_id, owner, product.barcode.as_deref()).await?;
    Ok(product)
}

/// What a barcode identifies.
#[derive(Debug, Clone, Copy)]
pub enum BarcodeOwner {
    Product(Uuid),
    Variant(Uuid),
}

/// Makes `barcode` the owner's only barcode in the organization's
/// registry; a barcode already held by another product or variant fails
/// with [`DbError::Unique`].
pub(super) async fn set_barcode(
    tx: &mut Tx,
    organization_id: Uuid,
    owner: BarcodeOwner,
    barcode: Option<&str>,
) -> Result<(), DbError> {
    let (column, id) = match owner {
        BarcodeOwner::Product(id) => ("product_id", id),
        BarcodeOwner::Variant(id) => ("variant_id", id),
    };
    tx.execute(
        Sql::new(format!(
            "DELETE FROM barcodes WHERE {column} = $1 AND organization_id = $2"
        ))
        .bind(id)
        .bind(organization_id),
    )
    .await?;
    if let Some(barcode) = barcode {
        tx.execute(
            Sql::new(format!(
                "INSERT INTO barcodes (organization_id, barcode, {column}) VALUES ($1, $2, $3)"
            ))
            .bind(organization_id)
            .bind(barcode)
            .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// The category and its ancestors, nearest first.
pub async fn category_path(db: &Db, organization_id: Uuid, id: Uuid) -> Result<Vec<Uuid>, DbError> {
    let rows: Vec<(Uuid,)> = db
        .fetch_all(
            Sql::new(
                "WITH RECURSIVE path (id, parent_id, depth) AS ( \
                   SELECT id, parent_id, 0 FROM categories WHERE id = $1 AND organization_id = $2 \
                   UNION ALL \
                   SELECT c.id, c.parent_id, path.depth + 1 FROM categories c JOIN path ON c.id = path.parent_id \
                   WHERE path.depth < 100) \
                 SELECT id FROM path ORDER BY depth",
            )
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The organization's categories by lower-case name (the first by id
/// when two share a name).
pub async fn categories_by_name(
    db: &Db,
    organization_id: Uuid,
) -> Result<std::collections::HashMap<String, Uuid>, DbError> {
    let rows: Vec<(Uuid, String)> = db
        .fetch_all(
            Sql::new("SELECT id, name FROM categories WHERE organization_id = $1 ORDER BY id")
                .bind(organization_id),
        )
        .await?;
    let mut by_name = std::collections::HashMap::new();
    for (id, name) in rows {
        by_name.entry(name.trim().to_lowercase()).or_insert(id);
    }
    Ok(by_name)
}
