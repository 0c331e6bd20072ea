//! Stock: warehouses and their locations, the movement ledger and the
//! levels it keeps, reservations and physical inventories. What a movement
//! does is decided in `comptoir_domain::stock` and applied by the
//! conditional level updates of `comptoir_db::stock`; each workflow here
//! runs its checks, storage calls and audit entries in one transaction, so
//! a level never moves without its movement and its audit entry.

mod filters;
pub mod places;

pub use filters::{LevelFilters, MovementFilters, level_filter, movement_filter};
pub use places::{CreatedWarehouse, LocationFilters, LocationRequest, WarehouseRequest};
