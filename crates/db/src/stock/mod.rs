//! Warehouses, locations, stock levels, the movement ledger and
//! reservations.
//!
//! Every level change is one conditional statement checked by the rows it
//! affects: a decrease only happens if the available quantity covers it,
//! so two clerks taking the last unit at once cannot both succeed, on one
//! instance or several. The CHECK constraints of `stock_levels` are the
//! last line of defence (`physical >= 0`, `reserved >= 0`,
//! `reserved <= physical`), and triggers on both backends refuse any
//! update or deletion of `stock_movements`: the ledger is append-only, so
//! `verify` can rebuild every level from it.

mod levels;
mod movements;
mod quick;
mod reservations;
mod warehouses;

pub use levels::{
    Item, LevelDifference, Shortage, StockError, StockLevel, below_minimum, touching_location,
    touching_warehouse, verify,
};
pub(crate) use movements::inventory_lock_key;
pub use movements::{
    LevelSet, Movement, MovementNote, apply_movement, open_covering, prepare_movement,
    record_movement, set_physical,
};
pub use quick::{QuickWrite, quick_issue, quick_reservation};
pub use reservations::{
    Reservation, ReservationRequest, consume, consume_part, hold, insert_reservations, release,
};
pub(crate) use warehouses::default_location_sql;
pub use warehouses::{
    Location, LocationInput, Warehouse, WarehouseInput, default_location, default_stock_location,
    default_warehouse, insert_location, insert_warehouse, location_ancestors,
    make_default_warehouse, returns_location, update_location, update_warehouse,
};
