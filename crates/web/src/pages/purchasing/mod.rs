//! Purchasing: purchase orders (list, page with the buttons the purchase
//! state machine and the reader's role allow, the draft form, receipts),
//! reorder rules and the replenishment suggestions turned into orders.
//! The rules stay in `services::purchasing` and `domain::purchasing`.
//!
//! - `orders`: the list and an order's page, its send and cancel buttons
//!   and its receive form.
//! - `form`: drafting an order (supplier, warehouse, lines).
//! - `rules`: reorder rules, listed, created, changed and deleted.
//! - `replenishment`: the suggestions, some of them ordered at once.

mod form;
pub(crate) mod orders;
mod replenishment;
pub(crate) mod rules;

use crate::WebContext;
use crate::pages::pickers::Choice;
use axum::Router;
use comptoir_db::catalog::Product;
use comptoir_db::parties::Supplier;
use comptoir_db::resource::Table;
use comptoir_db::stock::Warehouse;
use comptoir_db::{Db, Page, Record};
use comptoir_services::stock::places;
use comptoir_services::{Actor, ServiceResult, records};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(crate) use form::by_row;
pub use orders::supplier_orders;

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(orders::router())
        .merge(form::router())
        .merge(rules::router())
        .merge(replenishment::router())
}

/// Every warehouse a form offers.
const WAREHOUSES: Page = Page {
    page: 1,
    page_size: 200,
};

/// The warehouses goods are expected in.
pub async fn warehouse_choices(db: &Db, actor: &Actor) -> ServiceResult<Vec<Choice>> {
    let warehouses = places::list_warehouses(db, actor, None, None, WAREHOUSES).await?;
    Ok(warehouses
        .items
        .into_iter()
        .map(|w| Choice {
            id: w.id,
            label: w.name,
        })
        .collect())
}

/// Names of the records a page shows by id, read one by one (a page holds
/// at most a page of rows); an unknown id has no name.
#[derive(Serialize, Default)]
pub struct Names {
    suppliers: BTreeMap<Uuid, String>,
    products: BTreeMap<Uuid, String>,
    warehouses: BTreeMap<Uuid, String>,
}

async fn named<T: Record + Table>(
    db: &Db,
    actor: &Actor,
    ids: Vec<Uuid>,
    name: fn(T) -> String,
) -> BTreeMap<Uuid, String> {
    let mut names = BTreeMap::new();
    for id in ids {
        if names.contains_key(&id) {
            continue;
        }
        if let Ok(record) = records::get::<T>(db, actor, id).await {
            names.insert(id, name(record));
        }
    }
    names
}

impl Names {
    pub async fn read(
        db: &Db,
        actor: &Actor,
        suppliers: Vec<Uuid>,
        products: Vec<Uuid>,
        warehouses: Vec<Uuid>,
    ) -> Self {
        Names {
            suppliers: named::<Supplier>(db, actor, suppliers, |s| s.name).await,
            products: named::<Product>(db, actor, products, |p| format!("{} · {}", p.code, p.name))
                .await,
            warehouses: named::<Warehouse>(db, actor, warehouses, |w| w.name).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::i18n;
    use comptoir_domain::language::Language;
    use comptoir_domain::purchasing::{PurchaseAction, PurchaseStatus, purchase_transition};

    /// The status keys the templates build are in both catalogs, and
    /// every refusal of the purchase state machine reads in French.
    #[test]
    fn every_purchase_status_and_refusal_is_translated() {
        let actions = [
            PurchaseAction::Send,
            PurchaseAction::Receive { complete: false },
            PurchaseAction::Receive { complete: true },
            PurchaseAction::Cancel,
            PurchaseAction::EditLines,
        ];
        let mut refusals = Vec::new();
        for &status in PurchaseStatus::ALL {
            let key = format!("status.purchase.{}", status.as_str());
            for language in Language::ALL {
                assert_ne!(i18n::text(language, &key), key, "{key} in {language:?}");
            }
            refusals.extend(
                actions
                    .iter()
                    .filter_map(|&a| purchase_transition(status, a).err()),
            );
        }
        assert!(refusals.len() > 10);
        for english in refusals {
            assert_ne!(i18n::message(Language::Fr, &english), english);
        }
    }
}
