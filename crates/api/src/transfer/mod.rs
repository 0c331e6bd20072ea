//! Spreadsheet imports and exports over HTTP. The workflows are in
//! `comptoir_services::transfer`.

mod exports;
pub mod imports;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

/// `upload_limit_bytes` bounds an import's upload.
pub fn router(upload_limit_bytes: usize) -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(imports::router(upload_limit_bytes))
        .merge(exports::router())
}
