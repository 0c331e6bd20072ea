//! Purchasing routes: purchase orders and receipts, reorder rules,
//! alerts, suggestions and the stock valuation. The workflows are in
//! `comptoir_services::purchasing`.

mod orders;
mod replenishment;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(orders::router())
        .merge(replenishment::router())
}
