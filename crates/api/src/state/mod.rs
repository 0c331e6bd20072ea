//! What `ApiContext` holds besides the database, the configuration, the
//! metrics handle and the live progress of imports (the import service's
//! `RunningImports`): the token signing keys and the session cache. These
//! modules sit below `context`: they depend on nothing of this crate, and
//! `context` depends on them.

pub mod keys;
pub mod sessions;
