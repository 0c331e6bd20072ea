//! What `ApiContext` holds besides the database, the configuration and the
//! metrics handle: the token signing keys, the session cache and the live
//! progress of imports. These modules sit below `context`: they depend on
//! nothing of this crate, and `context` depends on them.

pub mod keys;
pub mod progress;
pub mod sessions;
