//! Product variants: `/products/{id}/variants`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::Variant;
use comptoir_services::catalog::variants::{self, VariantRequest};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_variants, create_variant))
        .routes(routes!(get_variant, update_variant, delete_variant))
}

/// List a product's variants.
#[utoipa::path(get, path = "/products/{id}/variants", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ListParams), responses((status = 200, body = PageOf<Variant>), (status = 404, body = ErrorBody)))]
async fn list_variants(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<Variant>>> {
    let page = params.page()?;
    let sort = params.sort::<Variant>()?;
    let q = params.q.as_deref();
    let listing = variants::list(&ctx.db, &auth.caller(), product_id, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Add a variant to a product.
#[utoipa::path(post, path = "/products/{id}/variants", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)), request_body = VariantRequest,
    responses((status = 201, body = Variant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_variant(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Json(request): Json<VariantRequest>,
) -> ApiResult<(StatusCode, axum::Json<Variant>)> {
    let variant = variants::create(&ctx.db, &auth.caller(), product_id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(variant)))
}

/// Get a variant.
#[utoipa::path(get, path = "/products/{id}/variants/{variant_id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ("variant_id" = Uuid, Path)),
    responses((status = 200, body = Variant), (status = 404, body = ErrorBody)))]
async fn get_variant(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<Variant>> {
    let variant = variants::get(&ctx.db, &auth.caller(), product_id, id).await?;
    Ok(axum::Json(variant))
}

/// Change a variant (JSON merge patch).
#[utoipa::path(patch, path = "/products/{id}/variants/{variant_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("variant_id" = Uuid, Path)), request_body = VariantRequest,
    responses((status = 200, body = Variant), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_variant(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Variant>> {
    let updated =
        variants::update(&ctx.db, &auth.caller(), product_id, id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a variant no price rule refers to.
#[utoipa::path(delete, path = "/products/{id}/variants/{variant_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("variant_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_variant(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    variants::delete(&ctx.db, &auth.caller(), product_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
