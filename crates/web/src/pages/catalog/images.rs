//! A product's images on its page: the thumbnails, each opening the
//! image, an upload form and a remove button for who may change the
//! catalog. The same service as the API's `/products/{id}/images`.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::session::Allowed;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use comptoir_services::catalog::images::{self, ImageSize};
use comptoir_services::require;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Deserialize)]
pub(super) struct ImageQuery {
    size: Option<ImageSize>,
}

/// An image's bytes, or its thumbnail.
pub(super) async fn image(
    viewer: Allowed<require::CatalogRead>,
    State(ctx): State<WebContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
    Query(query): Query<ImageQuery>,
) -> PageResult<Response> {
    let size = query.size.unwrap_or_default();
    let file = images::read(&ctx.db, &viewer.actor, product_id, id, size).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            // An image's id names bytes that never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

/// Receives the upload form (`_csrf` first, then `file`) and adds the
/// image; back to the product's page.
pub(super) async fn upload(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path(product_id): Path<Uuid>,
    mut multipart: Multipart,
) -> PageResult<Response> {
    let refused = |error: MultipartError| PageError::Refused {
        status: error.status(),
        message: error.body_text(),
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(refused)?;
            // An empty file input sends an empty part: no file chosen.
            file = (!bytes.is_empty()).then(|| bytes.to_vec());
        }
    }
    images::add(&ctx.db, &viewer.actor, product_id, file).await?;
    Ok(Redirect::to(&format!("/products/{product_id}#images-title")).into_response())
}

/// Removes an image; back to the product's page.
pub(super) async fn remove(
    viewer: Allowed<require::CatalogWrite>,
    State(ctx): State<WebContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> PageResult<Response> {
    images::delete(&ctx.db, &viewer.actor, product_id, id).await?;
    Ok(Redirect::to(&format!("/products/{product_id}#images-title")).into_response())
}
