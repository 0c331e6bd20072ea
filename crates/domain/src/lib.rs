//! Comptoir's business rules, with no I/O: exact numbers, identifiers with
//! check digits, catalog vocabularies, price resolution, roles and
//! permissions, and the audit hash chain. Every value type here can only
//! hold a valid value: build it with `parse`, then trust it.

pub mod audit;
pub mod balance;
pub mod catalog;
pub mod compliance;
pub mod currency;
pub mod dashboard;
pub mod documents;
pub mod einvoice;
pub mod errors;
pub mod identifiers;
pub mod images;
pub mod language;
pub mod numbering;
pub mod numbers;
pub mod payables;
pub mod permissions;
pub mod pricing;
pub mod purchasing;
pub mod sales;
pub mod stock;
pub mod time_zone;
pub mod transfer;

pub use errors::{FieldError, FieldErrors};
