//! Categories and products.

use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::{ProductKind, Unit, VatCategory};
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::{Percent, UnitPrice};
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

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

pub async fn insert_category(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &CategoryInput,
) -> Result<Category, DbError> {
    let at = now();
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO categories (id, organization_id, parent_id, name, description, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, 1) RETURNING {}",
            Category::COLUMNS
        ))
        .bind(Uuid::new_v4())
        .bind(organization_id)
        .bind(input.parent_id)
        .bind(input.name.as_str())
        .bind(input.description.as_deref())
        .bind(at),
    )
    .await
}

pub async fn update_category(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &CategoryInput,
) -> Result<Category, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE categories SET parent_id = $1, name = $2, description = $3, updated_at = $4, version = version + 1 \
             WHERE id = $5 AND organization_id = $6 AND version = $7 RETURNING {}",
            Category::COLUMNS
        ))
        .bind(input.parent_id)
        .bind(input.name.as_str())
        .bind(input.description.as_deref())
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(version),
    )
    .await?
    .ok_or(DbError::VersionMismatch)
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
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Product {
    const TABLE: &'static str = "products";
    const COLUMNS: &'static str = "id, code, name, description, kind, category_id, unit, sale_price, purchase_price, \
        vat_rate, vat_category, vat_exemption_reason, barcode, active, attributes, created_at, updated_at, version";
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

pub async fn insert_product(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ProductInput,
) -> Result<Product, DbError> {
    let at = now();
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO products (id, organization_id, code, name, description, kind, category_id, unit, sale_price, \
             purchase_price, vat_rate, vat_category, vat_exemption_reason, barcode, active, attributes, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, 1) RETURNING {}",
            Product::COLUMNS
        ))
        .bind(Uuid::new_v4())
        .bind(organization_id)
        .bind(&input.code)
        .bind(input.name.as_str())
        .bind(input.description.as_deref())
        .bind(input.kind)
        .bind(input.category_id)
        .bind(input.unit)
        .bind(input.sale_price)
        .bind(input.purchase_price)
        .bind(input.vat_rate)
        .bind(input.vat_category)
        .bind(input.vat_exemption_reason.as_deref())
        .bind(input.barcode.as_ref().map(|b| b.as_str()))
        .bind(input.active)
        .bind(input.attributes.clone())
        .bind(at),
    )
    .await
}

pub async fn update_product(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &ProductInput,
) -> Result<Product, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "UPDATE products SET code = $1, name = $2, description = $3, kind = $4, category_id = $5, unit = $6, \
             sale_price = $7, purchase_price = $8, vat_rate = $9, vat_category = $10, vat_exemption_reason = $11, \
             barcode = $12, active = $13, attributes = $14, updated_at = $15, version = version + 1 \
             WHERE id = $16 AND organization_id = $17 AND version = $18 RETURNING {}",
            Product::COLUMNS
        ))
        .bind(&input.code)
        .bind(input.name.as_str())
        .bind(input.description.as_deref())
        .bind(input.kind)
        .bind(input.category_id)
        .bind(input.unit)
        .bind(input.sale_price)
        .bind(input.purchase_price)
        .bind(input.vat_rate)
        .bind(input.vat_category)
        .bind(input.vat_exemption_reason.as_deref())
        .bind(input.barcode.as_ref().map(|b| b.as_str()))
        .bind(input.active)
        .bind(input.attributes.clone())
        .bind(now())
        .bind(id)
        .bind(organization_id)
        .bind(version),
    )
    .await?
    .ok_or(DbError::VersionMismatch)
}
