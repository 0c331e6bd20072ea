//! Stock: warehouses and their locations, the movement ledger and the
//! levels it keeps, reservations and physical inventories. What a movement
//! does is decided in `comptoir_domain::stock` and applied by the
//! conditional level updates of `comptoir_db::stock`; each workflow here
//! runs its checks, storage calls and audit entries in one transaction, so
//! a level never moves without its movement and its audit entry.

mod filters;
pub mod inventories;
pub mod movements;
pub mod places;
pub mod reservations;

pub use filters::{LevelFilters, MovementFilters, level_filter, movement_filter};
pub use inventories::{
    CountRequest, InventoryDetail, InventoryFilters, OpenInventoryRequest, inventory_filter,
};
pub use movements::MovementRequest;
pub use places::{CreatedWarehouse, LocationFilters, LocationRequest, WarehouseRequest};
pub use reservations::{Consumed, ReservationFilters, ReservationLine, ReservationsRequest};

use crate::ServiceResult;
use comptoir_db::catalog::{Product, Variant};
use comptoir_db::resource;
use comptoir_db::stock::Item;
use comptoir_db::{DbError, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::ProductKind;
use uuid::Uuid;

/// Checks that the item is a stocked product (or one of its variants) of
/// the organization; what is wrong is recorded under `field` followed by
/// `product_id` or `variant_id`. Movements, reservations, receipts,
/// inventories and reorder rules share it.
pub async fn check_item(
    tx: &mut Tx,
    organization_id: Uuid,
    errors: &mut FieldErrors,
    field: &str,
    item: Item,
) -> ServiceResult<()> {
    match resource::read_in::<Product>(tx, organization_id, item.product_id).await {
        Ok(product) if product.kind == ProductKind::Service => {
            errors.add(format!("{field}product_id"), "services have no stock")
        }
        Ok(_) => {}
        Err(DbError::NotFound) => errors.add(format!("{field}product_id"), "no such record"),
        Err(other) => return Err(other.into()),
    }
    if let Some(variant_id) = item.variant_id {
        match resource::read_in::<Variant>(tx, organization_id, variant_id).await {
            Ok(variant) if variant.product_id == item.product_id => {}
            Ok(_) => errors.add(
                format!("{field}variant_id"),
                "is not a variant of this product",
            ),
            Err(DbError::NotFound) => errors.add(format!("{field}variant_id"), "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}
