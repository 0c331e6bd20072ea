//! Data in and out of spreadsheets: imports (`imports`: a file's rows
//! validated as the API validates requests, then upserted) and exports
//! (`exports`: a list's rows as CSV or XLSX, with the import's columns so
//! an export imports back unchanged).

pub mod exports;
pub mod imports;

use crate::error::ServiceResult;
use comptoir_db::resource::{self, Table};
use comptoir_db::{Db, Filter, Record};
use std::collections::HashMap;
use uuid::Uuid;

/// How many rows each database read brings.
const CHUNK: usize = 500;

/// The rows matching `filter`, by chunks of [`CHUNK`], from one read.
fn chunks<T: Record + Table + 'static>(db: &Db, filter: &Filter) -> Chunks<T> {
    resource::stream_all(db, filter, CHUNK)
}

/// Chunks of rows as the database reads them.
type Chunks<T> = tokio::sync::mpsc::Receiver<Result<Vec<T>, comptoir_db::DbError>>;

/// A readable name for every row of `T` in the organization, by id.
async fn names<T: Record + Table + 'static>(
    db: &Db,
    organization_id: Uuid,
    name: impl Fn(&T) -> (Uuid, String),
) -> ServiceResult<HashMap<Uuid, String>> {
    names_where(db, &Filter::organization(organization_id), name).await
}

/// What `name` reads of every row of `T` that `filter` selects, by id.
async fn names_where<T: Record + Table + 'static, V>(
    db: &Db,
    filter: &Filter,
    name: impl Fn(&T) -> (Uuid, V),
) -> ServiceResult<HashMap<Uuid, V>> {
    let mut names = HashMap::new();
    let mut rows = chunks::<T>(db, filter);
    while let Some(chunk) = rows.recv().await {
        names.extend(chunk?.iter().map(&name));
    }
    Ok(names)
}
