//! Stock: levels and their alerts, the movement ledger and its entry form
//! (a barcode field a USB scanner types into), warehouses and their
//! locations, and inventories (open, count on a tablet, review, close).
//! The rules stay in `services::stock` and the state machine of
//! `domain::stock`.
//!
//! - `levels`: `/stock`, levels with filters and the reorder alerts.
//! - `movements`: `/stock/movements`, the ledger, and the entry form
//!   (receipt, issue, transfer, adjustment) with its barcode lookup.
//! - `places`: `/warehouses` and their locations.
//! - `inventories`: `/inventories`, the count screen and the review.

mod count;
pub(crate) mod inventories;
mod levels;
pub(crate) mod movements;
mod places;

use crate::WebContext;
use axum::Router;
use comptoir_db::Db;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::resource::Page;
use comptoir_db::stock::{Location, Warehouse};
use comptoir_services::stock::{LocationFilters, places as service};
use comptoir_services::{Actor, ServiceResult, records};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(levels::router())
        .merge(movements::router())
        .merge(places::router())
        .merge(inventories::router())
        .merge(count::router())
}

/// The most warehouses and locations a picker offers: a small business
/// has a handful; the API's page limit bounds it.
const ALL: Page = Page {
    page: 1,
    page_size: 200,
};

/// A location as the pickers and tables name it.
#[derive(Serialize, Clone)]
pub struct Place {
    pub id: Uuid,
    pub warehouse_id: Uuid,
    /// `WAREHOUSE / LOCATION`.
    pub label: String,
}

/// The organization's warehouses and locations, for the filters, the
/// pickers, and the names in the tables.
#[derive(Serialize)]
pub struct Places {
    pub warehouses: Vec<Warehouse>,
    pub locations: Vec<Place>,
}

impl Places {
    pub async fn read(db: &Db, actor: &Actor) -> ServiceResult<Places> {
        let warehouses = service::list_warehouses(db, actor, None, None, ALL)
            .await?
            .items;
        let filters = LocationFilters {
            warehouse_id: None,
            parent_id: None,
            kind: None,
        };
        let locations: Vec<Location> = service::list_locations(db, actor, filters, None, None, ALL)
            .await?
            .items;
        let code = |id: Uuid| {
            warehouses
                .iter()
                .find(|w| w.id == id)
                .map(|w| w.code.clone())
                .unwrap_or_default()
        };
        let mut locations: Vec<Place> = locations
            .into_iter()
            .map(|l| Place {
                id: l.id,
                warehouse_id: l.warehouse_id,
                label: format!("{} / {}", code(l.warehouse_id), l.code),
            })
            .collect();
        locations.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(Places {
            warehouses,
            locations,
        })
    }

    /// Location id → its label, for the tables.
    pub fn labels(&self) -> BTreeMap<Uuid, String> {
        self.locations
            .iter()
            .map(|l| (l.id, l.label.clone()))
            .collect()
    }

    /// Warehouse id → its name, for the tables.
    pub fn warehouse_names(&self) -> BTreeMap<Uuid, String> {
        self.warehouses
            .iter()
            .map(|w| (w.id, w.name.clone()))
            .collect()
    }
}

/// The products `ids` name, read one by one (a page holds at most a page
/// of rows, an inventory a warehouse's products); an unknown id is left
/// out.
pub async fn products(db: &Db, actor: &Actor, ids: &[Uuid]) -> BTreeMap<Uuid, Product> {
    let mut products = BTreeMap::new();
    for &id in ids {
        if products.contains_key(&id) {
            continue;
        }
        if let Ok(product) = records::get::<Product>(db, actor, id).await {
            products.insert(id, product);
        }
    }
    products
}

/// The variants `ids` name, read one by one like [`products`].
pub async fn variants(db: &Db, actor: &Actor, ids: &[Uuid]) -> BTreeMap<Uuid, Variant> {
    let mut variants = BTreeMap::new();
    for &id in ids {
        if variants.contains_key(&id) {
            continue;
        }
        if let Ok(variant) = records::get::<Variant>(db, actor, id).await {
            variants.insert(id, variant);
        }
    }
    variants
}

/// A form's UUID field: empty or malformed reads as absent.
pub fn uuid(value: &Option<String>) -> Option<Uuid> {
    value
        .as_deref()
        .and_then(|v| Uuid::parse_str(v.trim()).ok())
}

#[cfg(test)]
mod tests {
    use crate::i18n;
    use comptoir_domain::language::Language;
    use comptoir_domain::stock::{InventoryStatus, LocationKind, MovementType};

    /// The keys the stock templates build (`"stock.type." ~ type`…) or
    /// hand to `sort_header` are in both catalogs.
    #[test]
    fn every_built_stock_key_is_translated() {
        let mut keys: Vec<String> = [
            "stock.physical",
            "stock.when",
            "stock.opened_at",
            "stock.inventory.close",
            "stock.inventory.cancel",
        ]
        .map(str::to_owned)
        .to_vec();
        keys.extend(
            MovementType::ALL
                .iter()
                .map(|t| format!("stock.type.{}", t.as_str())),
        );
        keys.extend(
            LocationKind::ALL
                .iter()
                .map(|k| format!("stock.kind.{}", k.as_str())),
        );
        keys.extend(
            InventoryStatus::ALL
                .iter()
                .map(|s| format!("stock.inventory.status.{}", s.as_str())),
        );
        for language in Language::ALL {
            for key in &keys {
                assert_ne!(i18n::text(language, key), *key, "{key} in {language:?}");
            }
        }
    }
}
