//! The catalog's pages: the products list, a product's page (with its
//! images) and its form,
//! the category tree with its small form, and the price lists with their
//! rules.

mod categories;
mod form;
mod images;
pub(crate) mod price_lists;
mod price_rules;
mod products;

use crate::WebContext;
use crate::error::{PageError, PageResult};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use comptoir_domain::images::MAX_IMAGE_BYTES;

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
            "/products/{id}/images",
            post(images::upload).layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES + 64 * 1024)),
        )
        .route("/products/{id}/images/{image}", get(images::image))
        .route("/products/{id}/images/{image}/delete", post(images::remove))
        .route(
            "/categories",
            get(categories::tree).post(categories::create),
        )
        .route(
            "/price-lists",
            get(price_lists::list).post(price_lists::create),
        )
        .route("/price-lists/new", get(price_lists::new_form))
        .route(
            "/price-lists/{id}",
            get(price_lists::price_list_page).post(price_lists::update),
        )
        .route("/price-lists/{id}/edit", get(price_lists::edit_form))
        .route("/price-lists/{id}/delete", post(price_lists::delete))
        .route("/price-lists/{id}/rules", post(price_rules::create))
        .route("/price-lists/{id}/rules/new", get(price_rules::new_form))
        .route("/price-lists/{id}/rules/{rule}", post(price_rules::update))
        .route(
            "/price-lists/{id}/rules/{rule}/edit",
            get(price_rules::edit_form),
        )
        .route(
            "/price-lists/{id}/rules/{rule}/delete",
            post(price_rules::delete),
        )
}

/// The version a form was read at; a form without it was not ours.
fn read_version(version: &Option<String>) -> PageResult<i64> {
    super::typed(version.clone())
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or(PageError::BadRequest(
            "the form lacks the version it was read at",
        ))
}

/// A choice the reader may leave empty, read leniently: a value the page
/// does not know (edited by hand in the URL) means no choice.
fn chosen<T>(text: Option<String>, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    super::typed(text).and_then(|t| parse(&t))
}
