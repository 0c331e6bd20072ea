//! The products writer of an import: categories named, barcodes checked
//! against their owners for the whole chunk, updates one by one and new
//! products in multi-row inserts.

use crate::catalog::ProductRequest;
use crate::transfer::imports::records::{Outcome, RowOutcome, change, existing_by_code};
use crate::transfer::imports::rows::{ParsedRow, object_code, validated};
use comptoir_db::catalog::{self as catalog_store, Product};
use comptoir_db::{DbError, Tx};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

pub(super) async fn write_products(
    tx: &mut Tx,
    organization_id: Uuid,
    categories: &HashMap<String, Uuid>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let mut existing = existing_by_code::<Product>(tx, organization_id, &rows).await?;
    let mut outcomes: Vec<Option<RowOutcome>> = rows.iter().map(|_| None).collect();
    let mut valid = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        let ParsedRow {
            cells,
            mut object,
            mut problems,
        } = row;
        // A category is named, and must be one of the organization's.
        if let Some(name) = object.remove("category") {
            let wanted = name.as_str().unwrap_or_default().trim().to_lowercase();
            match categories.get(&wanted) {
                Some(id) => {
                    object.insert("category_id".into(), json!(id));
                }
                None => problems.push(cells.problem("category", "no category of this name".into())),
            }
        }
        let current = object_code(&object).and_then(|code| existing.remove(&code));
        match validated(current, object, problems, ProductRequest::validate, &cells) {
            Ok((current, input)) => valid.push((index, cells, current, input)),
            Err(problems) => outcomes[index] = Some(Err(problems)),
        }
    }
    let barcodes: Vec<&str> = valid
        .iter()
        .filter_map(|(_, _, _, input)| input.barcode.as_ref().map(|b| b.as_str()))
        .collect();
    let owners = catalog_store::barcode_owners(tx, organization_id, &barcodes).await?;
    let mut claimed = HashSet::new();
    let mut created = Vec::new();
    for (index, cells, current, input) in &valid {
        if let Some(barcode) = &input.barcode {
            let mine = current.as_ref().map(|product| product.id);
            let held_elsewhere = owners
                .get(barcode.as_str())
                .is_some_and(|owner| Some(*owner) != mine);
            if held_elsewhere || !claimed.insert(barcode.as_str()) {
                let problem = cells.problem("barcode", "this barcode is already used".into());
                outcomes[*index] = Some(Err(vec![problem]));
                continue;
            }
        }
        match current {
            Some(current) => {
                let after = catalog_store::update_product(
                    tx,
                    organization_id,
                    current.id,
                    current.version,
                    input,
                )
                .await?;
                let change = change("product", after.id, Some(current), &after);
                outcomes[*index] = Some(Ok((Outcome::Updated, Some(change))));
            }
            None => created.push((*index, input)),
        }
    }
    let inputs: Vec<_> = created.iter().map(|(_, input)| *input).collect();
    let products = catalog_store::insert_products(tx, organization_id, &inputs).await?;
    for ((index, _), product) in created.into_iter().zip(products) {
        let change = change("product", product.id, None, &product);
        outcomes[index] = Some(Ok((Outcome::Created, Some(change))));
    }
    Ok(outcomes.into_iter().flatten().collect())
}
