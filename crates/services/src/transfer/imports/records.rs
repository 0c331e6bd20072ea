//! What the entity writers share: the names rows use, resolved once per
//! import (`Lookups`: categories, places, price lists); the stored records
//! a chunk's codes name, found with one lookup per chunk; what became of a
//! row (`Outcome`, `RowOutcome`) and the audit entry of an imported row.

use crate::error::ServiceResult;
use crate::transfer::imports::rows::{ParsedRow, object_code, upper_text};
use comptoir_db::audit::Change;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::imports::RowProblem;
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{Location, Warehouse};
use comptoir_db::{Db, DbError, Tx};
use std::collections::HashMap;
use uuid::Uuid;

/// What became of one row.
pub(super) enum Outcome {
    Created,
    Updated,
}

/// What became of one row: written (with its audit entry, unless nothing
/// changed), or its problems.
pub(super) type RowOutcome = Result<(Outcome, Option<Change>), Vec<RowProblem>>;

/// What rows name, resolved once per import.
#[derive(Clone, Copy)]
pub(super) struct Lookups<'a> {
    /// Category ids by lower-case name.
    pub(super) categories: &'a HashMap<String, Uuid>,
    /// Location ids by `WAREHOUSE/LOCATION`, and by `WAREHOUSE` for its
    /// `STOCK` location (stock levels only).
    pub(super) places: &'a HashMap<String, Uuid>,
    /// Price list ids by lower-case name (price list rules only).
    pub(super) price_lists: &'a HashMap<String, Uuid>,
}

/// The organization's locations by `WAREHOUSE/LOCATION` code, and each
/// warehouse's code alone for its default `STOCK` location.
pub(super) async fn places(db: &Db, organization_id: Uuid) -> ServiceResult<HashMap<String, Uuid>> {
    let warehouses =
        crate::transfer::names::<Warehouse>(db, organization_id, |w| (w.id, w.code.to_uppercase()))
            .await?;
    let locations = crate::transfer::names::<Location>(db, organization_id, |l| {
        let warehouse = warehouses.get(&l.warehouse_id).cloned().unwrap_or_default();
        (l.id, format!("{warehouse}/{}", l.code.to_uppercase()))
    })
    .await?;
    let mut places: HashMap<String, Uuid> = locations
        .into_iter()
        .map(|(id, place)| (place, id))
        .collect();
    for code in warehouses.into_values() {
        if let Some(id) = places.get(&format!("{code}/STOCK")).copied() {
            places.insert(code, id);
        }
    }
    Ok(places)
}

/// A stored record found by its code.
pub(super) trait Coded {
    fn code(&self) -> &str;
    fn id(&self) -> Uuid;
}

macro_rules! coded {
    ($($record:ty),+) => {
        $(impl Coded for $record {
            fn code(&self) -> &str {
                &self.code
            }
            fn id(&self) -> Uuid {
                self.id
            }
        })+
    };
}
coded!(Product, Variant, Client, Supplier);

/// The records the rows' codes name, by code.
pub(super) async fn existing_by_code<T: comptoir_db::Record + Table + Coded>(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: &[ParsedRow<'_>],
) -> Result<HashMap<String, T>, DbError> {
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|row| object_code(&row.object))
        .collect();
    records_by_code(tx, organization_id, &codes).await
}

async fn records_by_code<T: comptoir_db::Record + Table + Coded>(
    tx: &mut Tx,
    organization_id: Uuid,
    codes: &[String],
) -> Result<HashMap<String, T>, DbError> {
    let found: Vec<T> = resource::by_codes(tx, organization_id, codes).await?;
    Ok(found
        .into_iter()
        .map(|record| (record.code().to_owned(), record))
        .collect())
}

/// The products and variants the rows name by code (`product`, `variant`).
pub(super) async fn named_items(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: &[ParsedRow<'_>],
) -> Result<(HashMap<String, Product>, HashMap<String, Variant>), DbError> {
    let codes = |field: &str| -> Vec<String> {
        rows.iter()
            .filter_map(|row| upper_text(&row.object, field))
            .collect()
    };
    Ok((
        records_by_code(tx, organization_id, &codes("product")).await?,
        records_by_code(tx, organization_id, &codes("variant")).await?,
    ))
}

/// The audit entry of an imported row.
pub(super) fn change<T: serde::Serialize>(
    resource_type: &'static str,
    id: Uuid,
    before: Option<&T>,
    after: &T,
) -> Change {
    Change {
        action: if before.is_some() {
            "import_update"
        } else {
            "import_create"
        },
        resource_type,
        resource_id: id,
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: serde_json::to_value(after).ok(),
    }
}
