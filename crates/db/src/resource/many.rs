//! Rows of the organization read by id, a chunk of ids per statement: a
//! list page's rows name other records (an order, an invoice), and one
//! query per row would be a query in a loop.

use super::Table;
use crate::error::DbError;
use crate::pool::{Db, KEYS_PER_LOOKUP, Record, Sql};
use uuid::Uuid;

/// The organization's rows among `ids`; an unknown id (or another
/// organization's) is left out, and a repeated one read once.
pub async fn get_many<T: Record + Table>(
    db: &Db,
    organization_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<T>, DbError> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    let mut rows = Vec::with_capacity(unique.len());
    for chunk in unique.chunks(KEYS_PER_LOOKUP) {
        let mut sql = Sql::default();
        let organization = sql.arg(organization_id);
        let placeholders: Vec<String> = chunk.iter().map(|id| sql.arg(*id)).collect();
        sql.push(&format!(
            "SELECT {} FROM {} WHERE organization_id = {organization} AND id IN ({})",
            T::COLUMNS,
            T::TABLE,
            placeholders.join(", ")
        ));
        rows.extend(db.fetch_all::<T>(sql).await?);
    }
    Ok(rows)
}
