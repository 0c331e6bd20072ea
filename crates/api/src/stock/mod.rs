//! Stock routes: warehouses, locations, levels, the movement ledger,
//! reservations and inventories. The workflows are in
//! `comptoir_services::stock`.

mod inventories;
mod movements;
mod places;
mod reservations;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(places::router())
        .merge(movements::router())
        .merge(reservations::router())
        .merge(inventories::router())
}
