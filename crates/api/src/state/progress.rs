//! The live progress of the imports running in this process: `ApiContext`
//! holds it, the import job writes it and `GET /imports/{id}` reads it
//! (SQLite cannot record it in the database while the import's
//! transaction is open).

use comptoir_db::imports::Progress;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Progress of the imports running in this process, by import id.
pub type RunningImports = Arc<Mutex<HashMap<Uuid, Progress>>>;
