//! The stock levels writer of an import: each row names an item and a
//! place and sets its physical stock through `stock::set_physical`, so the
//! ledger invariant holds for imports too.

use crate::actor::Actor;
use crate::transfer::imports::records::{Outcome, RowOutcome, change, named_items};
use crate::transfer::imports::rows::{ParsedRow, upper_text};
use comptoir_db::stock::{self as stock_store, Item, LevelSet, MovementNote, StockError};
use comptoir_db::{DbError, Tx};
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::numbers::Quantity;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// Stock levels: each row sets the physical stock of an item at a place
/// through one adjustment movement for the difference (none when equal),
/// checked as a movement would be: never below what is reserved, never
/// while an inventory counts that stock. A row for a level that did not
/// exist counts as created.
pub(super) async fn write_stock_levels(
    tx: &mut Tx,
    actor: &Actor,
    places: &HashMap<String, Uuid>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let organization_id = actor.organization_id;
    let (products, variants) = named_items(tx, organization_id, &rows).await?;
    let note = MovementNote {
        user_id: Some(actor.user_id),
        reason: Some("import"),
        reference: None,
        reservation_id: None,
        inventory_id: None,
    };
    let mut outcomes = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        object,
        mut problems,
    } in rows
    {
        let mut problem =
            |field: &str, message: String| problems.push(cells.problem(field, message));
        let product = match upper_text(&object, "product").map(|code| products.get(&code)) {
            None => {
                problem("product", "is required".into());
                None
            }
            Some(None) => {
                problem("product", "no product with this code".into());
                None
            }
            Some(Some(product)) if product.kind != ProductKind::Goods => {
                problem("product", "a service has no stock".into());
                None
            }
            Some(found) => found,
        };
        let variant_id = match upper_text(&object, "variant").map(|code| variants.get(&code)) {
            None => None,
            Some(None) => {
                problem("variant", "no variant with this code".into());
                None
            }
            Some(Some(variant)) if product.is_some_and(|p| p.id != variant.product_id) => {
                problem("variant", "is a variant of another product".into());
                None
            }
            Some(Some(variant)) => Some(variant.id),
        };
        let (warehouse, location) = (
            upper_text(&object, "warehouse"),
            upper_text(&object, "location"),
        );
        let (field, place) = match (warehouse, location) {
            (_, Some(location)) if location.contains('/') => ("location", Some(location)),
            (Some(warehouse), Some(location)) => {
                ("location", Some(format!("{warehouse}/{location}")))
            }
            (Some(warehouse), None) => ("warehouse", Some(warehouse)),
            (None, Some(_)) => {
                problem(
                    "location",
                    "name its warehouse too: WAREHOUSE/LOCATION, or a warehouse column".into(),
                );
                ("location", None)
            }
            (None, None) => {
                problem("warehouse", "a warehouse or a location is required".into());
                ("warehouse", None)
            }
        };
        let location_id = place.and_then(|place| {
            let found = places.get(&place).copied();
            if found.is_none() {
                problem(field, format!("no location {place}"));
            }
            found
        });
        let quantity = match object.get("physical").and_then(Value::as_str) {
            None => {
                problem("physical", "is required".into());
                None
            }
            Some(text) => Quantity::parse_non_negative(text)
                .map_err(|e| problem("physical", e.to_string()))
                .ok(),
        };
        let (Some(product), Some(location_id), Some(quantity), true) =
            (product, location_id, quantity, problems.is_empty())
        else {
            outcomes.push(Err(problems));
            continue;
        };
        let item = Item {
            product_id: product.id,
            variant_id,
        };
        let set =
            stock_store::set_physical(tx, organization_id, item, location_id, quantity, &note);
        outcomes.push(match set.await {
            Ok(LevelSet::Unchanged) => Ok((Outcome::Updated, None)),
            Ok(LevelSet::Changed(movement)) => Ok((
                Outcome::Updated,
                Some(change("stock_movement", movement.id, None, &movement)),
            )),
            Ok(LevelSet::Created(movement)) => Ok((
                Outcome::Created,
                Some(change("stock_movement", movement.id, None, &movement)),
            )),
            Err(StockError::Insufficient(shortages)) => {
                let free = shortages.first().map(|s| s.available).unwrap_or_default();
                Err(vec![cells.problem(
                    "physical",
                    format!(
                        "reservations hold part of this stock: it can go down by {free} at most"
                    ),
                )])
            }
            Err(StockError::Blocked(number)) => Err(vec![cells.problem(
                "physical",
                format!("inventory {number} is in progress on this stock"),
            )]),
            Err(StockError::InvalidTransition(message)) => {
                Err(vec![cells.problem("physical", message)])
            }
            Err(StockError::Db(error)) => return Err(error),
        });
    }
    Ok(outcomes)
}
