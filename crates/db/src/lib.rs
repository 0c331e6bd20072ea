//! Comptoir's storage layer. All SQL lives here, written once for both
//! databases (see `pool`), with one migration folder per backend kept in
//! lockstep. Other crates call the functions of the per-resource modules.

pub mod audit;
pub mod auth;
pub mod backup;
pub mod catalog;
pub mod compliance;
pub mod error;
pub mod idempotency;
pub mod imports;
pub mod inventories;
pub mod numbering;
pub mod parties;
pub mod pool;
pub mod price_lists;
pub mod purchasing;
pub mod resource;
pub mod sales;
pub mod stock;

pub use error::DbError;
pub use pool::{Arg, Backend, Db, Record, Sql, Tx, now};
pub use resource::{Filter, Fixed, Listing, Page, Sort};
