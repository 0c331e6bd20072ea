//! A product's images: the rows naming an image and its thumbnail in the
//! file store (both written there before the row).

use crate::error::DbError;
use crate::pool::{Sql, Tx};
use crate::resource::{self, Table};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// One image of a product.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct ProductImage {
    pub id: Uuid,
    pub product_id: Uuid,
    /// The SHA-256 of the image as uploaded.
    pub file_sha256: String,
    /// The SHA-256 of its thumbnail (PNG, within 256 × 256 pixels).
    pub thumbnail_sha256: String,
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    /// The image's rank among the product's, from 1; the first is the main one.
    pub position: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for ProductImage {
    const TABLE: &'static str = "product_images";
    const COLUMNS: &'static str = "id, product_id, file_sha256, thumbnail_sha256, content_type, \
        width, height, position, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] =
        &[("position", "position"), ("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &[];
    const DEFAULT_SORT: &'static str = "position";
}

pub struct ProductImageInput<'a> {
    pub file_sha256: &'a str,
    pub thumbnail_sha256: &'a str,
    pub content_type: &'a str,
    pub width: u32,
    pub height: u32,
}

/// Adds an image after the product's others. The caller holds the
/// product's row (locked on PostgreSQL), so two uploads never share a
/// position.
pub async fn insert_product_image(
    tx: &mut Tx,
    organization_id: Uuid,
    product_id: Uuid,
    input: &ProductImageInput<'_>,
) -> Result<ProductImage, DbError> {
    let mut last = Sql::default();
    let organization = last.arg(organization_id);
    let product = last.arg(product_id);
    last.push(&format!(
        "SELECT CAST(COALESCE(MAX(position), 0) AS BIGINT) FROM product_images \
         WHERE organization_id = {organization} AND product_id = {product}"
    ));
    let (last,): (i64,) = tx.fetch_one(last).await?;
    let values = vec![
        ("product_id", product_id.into()),
        ("file_sha256", input.file_sha256.into()),
        ("thumbnail_sha256", input.thumbnail_sha256.into()),
        ("content_type", input.content_type.into()),
        ("width", i64::from(input.width).into()),
        ("height", i64::from(input.height).into()),
        ("position", (last + 1).into()),
    ];
    resource::insert(tx, organization_id, values).await
}
