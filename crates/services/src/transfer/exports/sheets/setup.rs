//! The sheets of how the organization is set up: price lists, reorder
//! rules, warehouses, locations and users. They are exported, never
//! imported; what a row refers to is named by its code (product,
//! variant, warehouse, `WAREHOUSE/LOCATION`, supplier). A user's row
//! never holds the password.

use super::{instant, location_codes, warehouse_codes};
use crate::error::ServiceResult;
use crate::transfer::exports::writing::{Cell, Sheet};
use crate::transfer::names;
use comptoir_db::Db;
use comptoir_db::auth::User;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::parties::Supplier;
use comptoir_db::price_lists::PriceList;
use comptoir_db::purchasing::ReorderRule;
use comptoir_db::stock::{Location, Warehouse};
use uuid::Uuid;

pub(in crate::transfer::exports) fn price_lists_sheet() -> Sheet<PriceList> {
    let columns = &["name", "description", "active"];
    Sheet::new("price-lists", columns, |p: &PriceList| {
        vec![
            Cell::text(&p.name),
            Cell::optional(p.description.clone()),
            Cell::text(p.active.to_string()),
        ]
    })
}

pub(in crate::transfer::exports) async fn reorder_rules_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<ReorderRule>> {
    let products = names::<Product>(db, organization_id, |p| (p.id, p.code.clone())).await?;
    let variants = names::<Variant>(db, organization_id, |v| (v.id, v.code.clone())).await?;
    let warehouses = warehouse_codes(db, organization_id).await?;
    let suppliers = names::<Supplier>(db, organization_id, |s| (s.id, s.code.clone())).await?;
    let columns = &[
        "product",
        "variant",
        "warehouse",
        "min_quantity",
        "max_quantity",
        "supplier",
    ];
    Ok(Sheet::new(
        "reorder-rules",
        columns,
        move |r: &ReorderRule| {
            vec![
                Cell::optional(products.get(&r.product_id).cloned()),
                Cell::optional(r.variant_id.and_then(|id| variants.get(&id).cloned())),
                Cell::optional(warehouses.get(&r.warehouse_id).cloned()),
                Cell::number(r.min_quantity.0),
                Cell::number(r.max_quantity.0),
                Cell::optional(r.supplier_id.and_then(|id| suppliers.get(&id).cloned())),
            ]
        },
    ))
}

pub(in crate::transfer::exports) fn warehouses_sheet() -> Sheet<Warehouse> {
    let columns = &["code", "name", "address", "active", "is_default"];
    Sheet::new("warehouses", columns, |w: &Warehouse| {
        vec![
            Cell::text(&w.code),
            Cell::text(&w.name),
            Cell::optional(w.address.clone()),
            Cell::text(w.active.to_string()),
            Cell::text(w.is_default.to_string()),
        ]
    })
}

/// A location's parent is named `WAREHOUSE/LOCATION`, as in the stock
/// exports.
pub(in crate::transfer::exports) async fn locations_sheet(
    db: &Db,
    organization_id: Uuid,
) -> ServiceResult<Sheet<Location>> {
    let warehouses = warehouse_codes(db, organization_id).await?;
    let codes = location_codes(db, organization_id, &warehouses).await?;
    let columns = &["warehouse", "code", "name", "kind", "parent", "active"];
    Ok(Sheet::new("locations", columns, move |l: &Location| {
        vec![
            Cell::optional(warehouses.get(&l.warehouse_id).cloned()),
            Cell::text(&l.code),
            Cell::text(&l.name),
            Cell::text(l.kind.as_str()),
            Cell::optional(l.parent_id.and_then(|id| codes.get(&id).cloned())),
            Cell::text(l.active.to_string()),
        ]
    }))
}

pub(in crate::transfer::exports) fn users_sheet() -> Sheet<User> {
    let columns = &["email", "name", "role", "active", "language", "created_at"];
    Sheet::new("users", columns, |u: &User| {
        vec![
            Cell::text(&u.email),
            Cell::text(&u.name),
            Cell::text(u.role.as_str()),
            Cell::text(u.active.to_string()),
            Cell::text(u.language.as_str()),
            instant(u.created_at),
        ]
    })
}
