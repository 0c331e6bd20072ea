//! A product's variants: each with its own code, options, price and
//! barcode (registered like a product's).

use super::{BarcodeOwner, set_barcode};
use crate::error::DbError;
use crate::pool::Tx;
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::UnitPrice;
use serde::Serialize;
use serde_json::Value;
use sqlx::types::Json;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Variant {
    pub id: Uuid,
    pub product_id: Uuid,
    pub code: String,
    pub name: String,
    /// Option values, e.g. `{"size": "L", "color": "red"}`.
    #[schema(value_type = Object)]
    pub options: Json<Value>,
    /// Added to the product's sale price; may be negative.
    #[schema(value_type = String, example = "2.00")]
    pub price_delta: Fixed<UnitPrice>,
    pub barcode: Option<String>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Variant {
    const TABLE: &'static str = "product_variants";
    const COLUMNS: &'static str = "id, product_id, code, name, options, price_delta, barcode, active, \
        created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("price_delta", "price_delta"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["code", "name", "barcode"];
    const DEFAULT_SORT: &'static str = "code";
}

pub struct VariantInput {
    pub code: Code,
    pub name: String,
    pub options: serde_json::Map<String, Value>,
    pub price_delta: UnitPrice,
    pub barcode: Option<Barcode>,
    pub active: bool,
}

fn variant_values(input: &VariantInput) -> Values {
    vec![
        ("code", (&input.code).into()),
        ("name", input.name.as_str().into()),
        ("options", Value::Object(input.options.clone()).into()),
        ("price_delta", input.price_delta.into()),
        (
            "barcode",
            input.barcode.as_ref().map(Barcode::as_str).into(),
        ),
        ("active", input.active.into()),
    ]
}

pub async fn insert_variant(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    input: &VariantInput,
) -> Result<Variant, DbError> {
    let mut values = variant_values(input);
    values.push(("product_id", product_id.into()));
    let variant: Variant = resource::insert(tx, organization_id, values).await?;
    let owner = BarcodeOwner::Variant(variant.id);
    set_barcode(tx, organization_id, owner, variant.barcode.as_deref()).await?;
    Ok(variant)
}

pub async fn update_variant(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &VariantInput,
) -> Result<Variant, DbError> {
    let variant: Variant =
        resource::update(tx, organization_id, id, version, variant_values(input)).await?;
    let owner = BarcodeOwner::Variant(id);
    set_barcode(tx, organization_id, owner, variant.barcode.as_deref()).await?;
    Ok(variant)
}
