//! The catalog's pages: the products list, a product's page and its form,
//! and the category tree with its small form.

mod categories;
mod form;
mod products;

use crate::WebContext;
use axum::Router;
use axum::routing::get;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/products", get(products::list).post(form::create))
        .route("/products/new", get(form::new_form))
        .route(
            "/products/{id}",
            get(products::product_page).post(form::update),
        )
        .route("/products/{id}/edit", get(form::edit_form))
        .route(
            "/categories",
            get(categories::tree).post(categories::create),
        )
}

/// A choice the reader may leave empty, read leniently: a value the page
/// does not know (edited by hand in the URL) means no choice.
fn chosen<T>(text: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    super::typed(text).and_then(|t| parse(&t))
}
