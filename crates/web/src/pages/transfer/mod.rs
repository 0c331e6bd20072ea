//! Imports and exports in the browser: an upload checked by a dry run
//! before it is run for real, its live progress and problem report
//! (`imports`), and the download of every list as CSV, Excel CSV or XLSX
//! with the list's own filters (`exports`).

pub mod exports;
pub mod imports;

use crate::WebContext;
use axum::Router;

/// `upload_limit_bytes` bounds an import's upload, as the API's.
pub fn router(upload_limit_bytes: usize) -> Router<WebContext> {
    Router::new()
        .merge(imports::router(upload_limit_bytes))
        .merge(exports::router())
}
