//! What printing a document reads besides the document itself: a
//! client's or supplier's addresses, and the code, unit, kind and main
//! image of the products on its lines. Read in the
//! caller's transaction, so an issued invoice prints what it commits.

use crate::error::DbError;
use crate::parties::Address;
use crate::pool::{KEYS_PER_LOOKUP, Sql, Tx};
use crate::resource::Table;
use comptoir_domain::catalog::{ProductKind, Unit};
use uuid::Uuid;

/// A client's (`client_id`) or supplier's addresses, defaults first.
pub async fn addresses(
    tx: &mut Tx,
    organization_id: Uuid,
    owner_column: &'static str,
    owner_id: Uuid,
) -> Result<Vec<Address>, DbError> {
    let owner_column = match owner_column {
        "supplier_id" => "supplier_id",
        _ => "client_id",
    };
    tx.fetch_all(
        Sql::new(format!(
            "SELECT {} FROM addresses WHERE organization_id = $1 AND {owner_column} = $2 \
             ORDER BY is_default DESC, created_at",
            Address::COLUMNS
        ))
        .bind(organization_id)
        .bind(owner_id),
    )
    .await
}

/// What a line prints of its product: code, unit, kind, and the
/// thumbnail of its main image (the first), if it has one.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineProduct {
    pub id: Uuid,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub unit: Unit,
    #[sqlx(try_from = "String")]
    pub kind: ProductKind,
    pub thumbnail_sha256: Option<String>,
}

pub async fn line_products(
    tx: &mut Tx,
    organization_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<LineProduct>, DbError> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut found = Vec::with_capacity(unique.len());
    for chunk in unique.chunks(KEYS_PER_LOOKUP) {
        let mut sql = Sql::new(
            "SELECT p.id, p.code, p.unit, p.kind, \
                 (SELECT i.thumbnail_sha256 FROM product_images i WHERE i.product_id = p.id \
                  ORDER BY i.position LIMIT 1) AS thumbnail_sha256 \
                 FROM products p WHERE p.organization_id = $1 AND p.id IN (",
        )
        .bind(organization_id);
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            let placeholder = sql.arg(*id);
            sql.push(&placeholder);
        }
        sql.push(")");
        found.extend(tx.fetch_all::<LineProduct>(sql).await?);
    }
    Ok(found)
}
