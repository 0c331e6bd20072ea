//! The home page.

use super::show;
use crate::WebContext;
use crate::error::PageResult;
use crate::session::Viewer;
use axum::Router;
use axum::response::Html;
use axum::routing::get;

pub fn router() -> Router<WebContext> {
    Router::new().route("/", get(home))
}

async fn home(viewer: Viewer) -> PageResult<Html<String>> {
    show(&viewer, "home.html", "nav.dashboard", serde_json::json!({}))
}
