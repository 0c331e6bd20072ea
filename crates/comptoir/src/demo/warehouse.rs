//! The demo's stock: a warehouse, reorder rules and a purchase on its way.

use super::created;
use super::ledger::Store;
use crate::InitError;
use comptoir_db::Tx;
use comptoir_db::audit::Actor;
use comptoir_db::catalog::Product;
use comptoir_db::purchasing::{self, PurchaseLineInput, PurchaseOrderInput, ReorderRuleInput};
use comptoir_db::stock::{self, Item, MovementNote, WarehouseInput};
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::purchasing::PurchaseStatus;
use comptoir_domain::stock::{MovementPlan, MovementType};
use std::collections::HashMap;
use uuid::Uuid;

/// A warehouse holding every stocked product at its purchase price, a few
/// reorder rules (some already under their minimum) and a purchase order
/// on its way. The initial stock also holds what the sales history
/// (`history_needs`, whole units per product) delivers or reserves, so
/// that what remains is the figures below. Answers where the goods are.
pub(super) async fn demo_stock(
    tx: &mut Tx,
    actor: &Actor,
    products: &[Product],
    furniture_supplier: Uuid,
    history_needs: &HashMap<Uuid, i64>,
) -> Result<Store, InitError> {
    let organization_id = actor.organization_id;
    let (warehouse, stock) = stock::insert_warehouse(
        tx,
        organization_id,
        &WarehouseInput {
            code: "MRS".into(),
            name: "Entrepôt Marseille".into(),
            address: Some("12 boulevard de Paris, 13002 Marseille".into()),
            active: true,
        },
    )
    .await?;
    created(tx, actor, "warehouse", warehouse.id, &warehouse).await?;
    created(tx, actor, "location", stock.id, &stock).await?;
    let goods: Vec<&Product> = products
        .iter()
        .filter(|p| p.kind == ProductKind::Goods)
        .collect();
    for (i, product) in goods.iter().enumerate() {
        let needed = history_needs.get(&product.id).copied().unwrap_or(0);
        let received = Quantity::from_units(((i * 7 % 40) as i64 + 4 + needed) * 10_000);
        let cost = product.purchase_price.map(|p| p.0).unwrap_or_default();
        purchasing::update_average_cost(
            tx,
            organization_id,
            product.id,
            UnitPrice::ZERO,
            received,
            cost,
        )
        .await?;
        let plan = MovementPlan::new(MovementType::Receipt, received, None, Some(stock.id))
            .map_err(|_| InitError::Invalid("demo receipt".into()))?;
        let note = MovementNote {
            user_id: actor.user_id,
            reason: Some("stock initial"),
            reference: Some("DEMO"),
            reservation_id: None,
            inventory_id: None,
        };
        let item = Item {
            product_id: product.id,
            variant_id: None,
        };
        let movement = stock::record_movement(tx, organization_id, item, &plan, &note)
            .await
            .map_err(|e| InitError::Invalid(e.to_string()))?;
        created(tx, actor, "stock_movement", movement.id, &movement).await?;
    }
    for product in goods.iter().take(4) {
        let rule = purchasing::insert_rule(
            tx,
            organization_id,
            &ReorderRuleInput {
                item: Item {
                    product_id: product.id,
                    variant_id: None,
                },
                warehouse_id: warehouse.id,
                min_quantity: Quantity::from_units(20 * 10_000),
                max_quantity: Quantity::from_units(60 * 10_000),
                supplier_id: None,
            },
        )
        .await?;
        created(tx, actor, "reorder_rule", rule.id, &rule).await?;
    }
    let lines = goods
        .iter()
        .take(2)
        .map(|product| PurchaseLineInput {
            item: Item {
                product_id: product.id,
                variant_id: None,
            },
            description: product.name.clone(),
            amounts: LineAmounts {
                quantity: Quantity::from_units(24 * 10_000),
                unit_price: product.purchase_price.map(|p| p.0).unwrap_or_default(),
                discount_percent: Percent::ZERO,
                vat_category: product.vat_category,
                vat_rate: product.vat_rate.0,
            },
        })
        .collect();
    let order = purchasing::insert_order(
        tx,
        organization_id,
        &PurchaseOrderInput {
            supplier_id: furniture_supplier,
            warehouse_id: Some(warehouse.id),
            currency: "EUR".into(),
            issue_date: chrono::Utc::now().date_naive(),
            expected_date: None,
            notes: Some("Réassort chaises".into()),
            lines,
        },
    )
    .await?;
    let sent = purchasing::set_status(
        tx,
        organization_id,
        order.id,
        PurchaseStatus::Draft,
        PurchaseStatus::Sent,
    )
    .await?;
    created(tx, actor, "purchase_order", order.id, &sent).await?;
    Ok(Store {
        warehouse_id: warehouse.id,
        location_id: stock.id,
    })
}
