//! Client and supplier routes, with their addresses and contacts. The
//! workflows are in `comptoir_services::parties`.

mod clients;
mod details;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(clients::router())
        .merge(details::router())
}
