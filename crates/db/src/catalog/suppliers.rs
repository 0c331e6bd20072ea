//! What each supplier offers for a product: its reference, price and
//! lead time.

use crate::error::DbError;
use crate::pool::Tx;
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::numbers::{Quantity, UnitPrice};
use serde::Serialize;
use uuid::Uuid;

/// What one supplier offers for one product.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ProductSupplier {
    pub id: Uuid,
    pub product_id: Uuid,
    pub supplier_id: Uuid,
    /// The supplier's own reference for the product.
    pub supplier_reference: Option<String>,
    #[schema(value_type = String, example = "7.2000")]
    pub purchase_price: Fixed<UnitPrice>,
    pub lead_time_days: i64,
    #[schema(value_type = String, example = "10.000")]
    pub min_order_quantity: Fixed<Quantity>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for ProductSupplier {
    const TABLE: &'static str = "product_suppliers";
    const COLUMNS: &'static str = "id, product_id, supplier_id, supplier_reference, purchase_price, \
        lead_time_days, min_order_quantity, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("purchase_price", "purchase_price"),
        ("lead_time_days", "lead_time_days"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["supplier_reference"];
    const DEFAULT_SORT: &'static str = "purchase_price";
}

pub struct ProductSupplierInput {
    pub supplier_id: Uuid,
    pub supplier_reference: Option<String>,
    pub purchase_price: UnitPrice,
    pub lead_time_days: i64,
    pub min_order_quantity: Quantity,
}

fn product_supplier_values(input: &ProductSupplierInput) -> Values {
    vec![
        ("supplier_id", input.supplier_id.into()),
        (
            "supplier_reference",
            input.supplier_reference.as_deref().into(),
        ),
        ("purchase_price", input.purchase_price.into()),
        ("lead_time_days", input.lead_time_days.into()),
        ("min_order_quantity", input.min_order_quantity.into()),
    ]
}

pub async fn insert_product_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    input: &ProductSupplierInput,
) -> Result<ProductSupplier, DbError> {
    let mut values = product_supplier_values(input);
    values.push(("product_id", product_id.into()));
    resource::insert(tx, organization_id, values).await
}

pub async fn update_product_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &ProductSupplierInput,
) -> Result<ProductSupplier, DbError> {
    let values = product_supplier_values(input);
    resource::update(tx, organization_id, id, version, values).await
}
