//! Stock routes: warehouses, locations, levels, the movement ledger and
//! reservations. The rules of what a movement does are in
//! `comptoir_domain::stock`; the conditional level updates in
//! `comptoir_db::stock`.

mod movements;
mod places;
mod reservations;

use crate::context::ApiContext;
pub(crate) use movements::check_item;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(places::router())
        .merge(movements::router())
        .merge(reservations::router())
}
