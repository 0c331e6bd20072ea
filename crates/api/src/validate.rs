//! The request parsers of `comptoir_services::validate`, used by the
//! handlers that still validate their own bodies.

pub use comptoir_services::validate::{
    MAX_NAME, MAX_TEXT, days, optional, parsed, required, required_parsed,
};
