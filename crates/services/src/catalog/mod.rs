//! The catalog: categories (a tree) and products, their requests as the
//! API receives them and the import reads its rows, and their writes
//! through the one audited path (`records`).

pub mod categories;
pub mod images;
mod nested;
pub mod price_lists;
pub mod products;
pub mod sellables;
pub mod suppliers;
pub mod variants;
pub mod views;

pub use categories::{CategoryFilters, CategoryRequest};
pub use products::{ProductFilters, ProductRequest, product_filter};
