//! The workflows of each business area, as plain functions taking the
//! database (or a transaction), the [`Actor`] who acts and a request, and
//! answering a result or a [`ServiceError`]. The API's handlers, the web
//! pages, the command line and the background jobs all call these: a rule
//! (checks, state machine, storage calls, audit entry, business event)
//! lives here once. Nothing here knows HTTP.

pub mod actor;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod compliance;
pub mod dashboard;
pub mod documents;
pub mod error;
pub mod numbering;
pub mod organization;
pub mod parties;
pub mod patch;
pub mod payables;
pub mod pricing;
pub mod purchasing;
pub mod records;
pub mod require;
pub mod sales;
pub mod sessions;
pub mod stock;
pub mod template_list;
pub mod transfer;
pub mod users;
pub mod validate;

pub use actor::Actor;
pub use error::{ServiceError, ServiceResult};
