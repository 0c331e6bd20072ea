//! A product's images: `/products/{id}/images`, uploaded as multipart
//! (`file`: JPEG, PNG or WebP up to 5 MiB), read as bytes or thumbnails.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, Multipart, PageOf, Path, Query};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use comptoir_db::catalog::ProductImage;
use comptoir_domain::images::MAX_IMAGE_BYTES;
use comptoir_services::catalog::images::{self, ImageSize};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

/// Room for the multipart framing around the largest accepted image, so
/// that an image just over the limit is refused by the service's rule and
/// a much larger body before it is read.
const FRAMING_BYTES: usize = 64 * 1024;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_product_images, add_product_image))
        .routes(routes!(get_product_image, delete_product_image))
        .layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES + FRAMING_BYTES))
}

/// The form of `POST /products/{id}/images`, as the OpenAPI document
/// describes it (the handler reads the parts as they come).
#[derive(utoipa::ToSchema)]
#[expect(
    dead_code,
    reason = "it only describes the form to the OpenAPI document"
)]
pub struct ImageForm {
    /// A JPEG, PNG or WebP image, at most 5 MiB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImageParams {
    /// `original` (default) or `thumbnail` (a PNG within 256 × 256 pixels).
    #[param(inline)]
    size: Option<ImageSize>,
}

/// List a product's images, in their order (the first is the main one).
#[utoipa::path(get, path = "/products/{id}/images", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ListParams),
    responses((status = 200, body = PageOf<ProductImage>), (status = 404, body = ErrorBody)))]
async fn list_product_images(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<ProductImage>>> {
    let page = params.page()?;
    let sort = params.sort::<ProductImage>()?;
    let listing = images::list(&ctx.db, &auth.caller(), product_id, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Add an image to a product (multipart: `file`, a JPEG, PNG or WebP
/// image of at most 5 MiB); its thumbnail is made at once.
#[utoipa::path(post, path = "/products/{id}/images", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", content = ImageForm),
    responses((status = 201, body = ProductImage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_product_image(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Multipart(mut multipart): Multipart,
) -> ApiResult<(StatusCode, axum::Json<ProductImage>)> {
    let refused = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(error.body_text())
        }
    };
    let mut file = None;
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() == Some("file") {
            file = Some(field.bytes().await.map_err(refused)?.to_vec());
        }
    }
    let image = images::add(&ctx.db, &auth.caller(), product_id, file).await?;
    Ok((StatusCode::CREATED, axum::Json(image)))
}

/// An image's bytes, as uploaded or (`?size=thumbnail`) its thumbnail.
#[utoipa::path(get, path = "/products/{id}/images/{image_id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ("image_id" = Uuid, Path), ImageParams),
    responses((status = 200, description = "The image's bytes", content(
        (crate::download::FileBytes = "image/jpeg"), (crate::download::FileBytes = "image/png"), (crate::download::FileBytes = "image/webp"))),
        (status = 404, body = ErrorBody)))]
async fn get_product_image(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
    Query(params): Query<ImageParams>,
) -> ApiResult<impl IntoResponse> {
    let size = params.size.unwrap_or_default();
    let file = images::read(&ctx.db, &auth.caller(), product_id, id, size).await?;
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
    ))
}

/// Remove an image from a product.
#[utoipa::path(delete, path = "/products/{id}/images/{image_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("image_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_product_image(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    images::delete(&ctx.db, &auth.caller(), product_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
