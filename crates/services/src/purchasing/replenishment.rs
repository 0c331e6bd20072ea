//! Replenishment: which items are under their reorder minimum, what to
//! order to bring them back to their maximum (counting what open orders
//! already bring), and the draft orders that turn those suggestions into
//! purchases, one per supplier and warehouse, in one transaction.

use super::{PurchaseOrderDetail, detail};
use crate::audit::log;
use crate::{Actor, ServiceResult};
use comptoir_db::Db;
use comptoir_db::catalog::Product;
use comptoir_db::purchasing::{self as store, PurchaseLineInput, PurchaseOrderInput};
use comptoir_db::resource;
use comptoir_db::stock::Item;
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A product under its reorder minimum in a warehouse.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StockAlert {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub min_quantity: Quantity,
    #[schema(value_type = String)]
    pub max_quantity: Quantity,
    #[schema(value_type = String)]
    pub physical: Quantity,
    #[schema(value_type = String)]
    pub available: Quantity,
    /// `min_quantity - available`: what it takes to reach the minimum.
    #[schema(value_type = String)]
    pub missing: Quantity,
}

fn minus(a: Quantity, b: Quantity) -> Quantity {
    Quantity::from_units(a.units() - b.units())
}

/// Items whose available stock in a warehouse is under their reorder
/// minimum, with how much is missing.
pub async fn alerts(db: &Db, actor: &Actor) -> ServiceResult<Vec<StockAlert>> {
    let rows = store::rules_below_minimum(db, actor.organization_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| StockAlert {
            product_id: row.product_id,
            variant_id: row.variant_id,
            warehouse_id: row.warehouse_id,
            min_quantity: row.min_quantity.0,
            max_quantity: row.max_quantity.0,
            physical: row.physical.0,
            available: row.available.0,
            missing: minus(row.min_quantity.0, row.available.0),
        })
        .collect())
}

/// Which suggestion: an item in a warehouse (one rule each).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuggestionKey {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
}

/// What to order to bring a product back up to its maximum.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    pub product_id: Uuid,
    pub variant_id: Option<Uuid>,
    pub warehouse_id: Uuid,
    #[schema(value_type = String)]
    pub available: Quantity,
    /// Still expected from open purchase orders to this warehouse.
    #[schema(value_type = String)]
    pub on_order: Quantity,
    /// `max - available - on_order`.
    #[schema(value_type = String)]
    pub quantity: Quantity,
    /// The rule's supplier, or the cheapest one listed for the product.
    pub supplier_id: Option<Uuid>,
    #[schema(value_type = Option<String>)]
    pub unit_price: Option<UnitPrice>,
}

impl Suggestion {
    pub fn key(&self) -> SuggestionKey {
        SuggestionKey {
            product_id: self.product_id,
            variant_id: self.variant_id,
            warehouse_id: self.warehouse_id,
        }
    }
}

/// For every item under its minimum, enough to reach its maximum, counting
/// what open purchase orders already bring.
pub async fn suggestions(db: &Db, actor: &Actor) -> ServiceResult<Vec<Suggestion>> {
    let organization_id = actor.organization_id;
    let mut suggestions = Vec::new();
    for row in store::rules_below_minimum(db, organization_id).await? {
        let item = Item {
            product_id: row.product_id,
            variant_id: row.variant_id,
        };
        let on_order = store::on_order(db, organization_id, item, row.warehouse_id).await?;
        let quantity = minus(minus(row.max_quantity.0, row.available.0), on_order);
        if quantity <= Quantity::ZERO {
            continue;
        }
        let cheapest = store::cheapest_supplier(db, organization_id, row.product_id).await?;
        let (supplier_id, unit_price) = match (row.supplier_id, cheapest) {
            (Some(chosen), Some((cheapest, price))) if chosen == cheapest => {
                (Some(chosen), Some(price))
            }
            (Some(chosen), _) => (Some(chosen), None),
            (None, Some((cheapest, price))) => (Some(cheapest), Some(price)),
            (None, None) => (None, None),
        };
        suggestions.push(Suggestion {
            product_id: row.product_id,
            variant_id: row.variant_id,
            warehouse_id: row.warehouse_id,
            available: row.available.0,
            on_order,
            quantity,
            supplier_id,
            unit_price,
        });
    }
    Ok(suggestions)
}

/// Turns the suggestions — all, or `only` those named — into draft
/// purchase orders, one per supplier and warehouse; suggestions without a
/// known supplier are left out.
pub async fn order_suggestions(
    db: &Db,
    actor: &Actor,
    only: Option<&[SuggestionKey]>,
) -> ServiceResult<Vec<PurchaseOrderDetail>> {
    let organization_id = actor.organization_id;
    let mut by_supplier: BTreeMap<(Uuid, Uuid), Vec<Suggestion>> = BTreeMap::new();
    for suggestion in suggestions(db, actor).await? {
        if only.is_some_and(|keys| !keys.contains(&suggestion.key())) {
            continue;
        }
        if let Some(supplier_id) = suggestion.supplier_id {
            by_supplier
                .entry((supplier_id, suggestion.warehouse_id))
                .or_default()
                .push(suggestion);
        }
    }
    let mut tx = db.begin().await?;
    let mut orders = Vec::new();
    for ((supplier_id, warehouse_id), lines) in by_supplier {
        let mut inputs = Vec::new();
        for suggestion in lines {
            let product: Product =
                resource::get_in(&mut tx, organization_id, suggestion.product_id).await?;
            let listed =
                store::supplier_price(&mut tx, organization_id, product.id, supplier_id).await?;
            let unit_price = listed
                .or(product.purchase_price.map(|price| price.0))
                .unwrap_or_default();
            inputs.push(PurchaseLineInput {
                item: Item {
                    product_id: suggestion.product_id,
                    variant_id: suggestion.variant_id,
                },
                description: product.name.clone(),
                amounts: LineAmounts {
                    quantity: suggestion.quantity,
                    unit_price,
                    discount_percent: Percent::ZERO,
                    vat_category: product.vat_category,
                    vat_rate: product.vat_rate.0,
                },
            });
        }
        let input = PurchaseOrderInput {
            supplier_id,
            warehouse_id: Some(warehouse_id),
            currency: "EUR".into(),
            issue_date: actor.today(),
            expected_date: None,
            notes: Some("Réapprovisionnement".into()),
            lines: inputs,
        };
        let order = store::insert_order(&mut tx, organization_id, &input).await?;
        log(
            &mut tx,
            actor,
            "create",
            "purchase_order",
            order.id,
            None,
            Some(&order),
        )
        .await?;
        orders.push(order);
    }
    tx.commit().await?;
    let mut details = Vec::new();
    for order in orders {
        details.push(detail(db, organization_id, order).await?);
    }
    Ok(details)
}
