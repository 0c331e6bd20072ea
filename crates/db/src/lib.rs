//! Comptoir's storage layer. All SQL lives here, written once for both
//! databases (see `pool`), with one migration folder per backend kept in
//! lockstep. Other crates call the functions of the per-resource modules.
//!
//! `migrations/sqlite` and `migrations/postgres` create the same tables and
//! columns (a test compares them); money and quantities are whole
//! ten-thousandths (`BIGINT` on PostgreSQL, `INTEGER` on SQLite), so both
//! store and sum them exactly. What differs is a named branch in the code
//! (`FOR UPDATE`, writing CTEs, advisory locks) or in the migrations (the
//! immutability triggers of `audit_log`, `stock_movements`, issued
//! invoices and credit notes, `payments`, `sales_chain`, `sales_closings`).

pub mod audit;
pub mod auth;
pub mod backup;
pub mod catalog;
pub mod compliance;
pub mod dashboard;
pub mod error;
pub mod files;
pub mod idempotency;
pub mod imports;
pub mod inventories;
pub mod numbering;
pub mod organization;
pub mod parties;
pub mod payables;
pub mod pool;
pub mod price_lists;
pub mod printing;
pub mod purchasing;
pub mod resource;
pub mod sales;
mod sql;
pub mod stock;
pub mod templates;

pub use error::DbError;
pub use pool::{Arg, Backend, Db, Record, Sql, Tx, now};
pub use resource::{Count, Filter, Fixed, Listing, Page, Sort};
