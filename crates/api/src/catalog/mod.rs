//! Catalog routes: categories and products, a product's variants,
//! suppliers and images, price lists and their rules. The workflows are in
//! `comptoir_services::catalog` and `comptoir_services::pricing`.

mod images;
mod price_lists;
mod products;
mod suppliers;
mod variants;

use crate::context::ApiContext;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(products::router())
        .merge(variants::router())
        .merge(price_lists::router())
        .merge(suppliers::router())
        .merge(images::router())
}
