//! Catalog routes: categories (a tree) and products.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::{Category, Product};
use comptoir_services::catalog::{
    CategoryFilters, CategoryRequest, ProductFilters, ProductRequest, categories, products,
};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(get_category, update_category, delete_category))
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product, delete_product))
}

/// List categories.
#[utoipa::path(get, path = "/categories", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(ListParams, CategoryFilters), responses((status = 200, body = PageOf<Category>)))]
async fn list_categories(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<CategoryFilters>,
) -> ApiResult<axum::Json<PageOf<Category>>> {
    let page = params.page()?;
    let sort = params.sort::<Category>()?;
    let listing = categories::list(
        &ctx.db,
        &auth.caller(),
        filters,
        params.q.as_deref(),
        sort,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a category.
#[utoipa::path(post, path = "/categories", tag = "catalog", security(("bearer" = ["catalog.write"])),
    request_body = CategoryRequest, responses((status = 201, body = Category), (status = 422, body = ErrorBody)))]
async fn create_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<CategoryRequest>,
) -> ApiResult<(StatusCode, axum::Json<Category>)> {
    let category = categories::create(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(category)))
}

/// Get a category.
#[utoipa::path(get, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Category), (status = 404, body = ErrorBody)))]
async fn get_category(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Category>> {
    let category = comptoir_services::records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(category))
}

/// Change a category (JSON merge patch); moving it under one of its own
/// descendants is refused.
#[utoipa::path(patch, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    request_body = CategoryRequest, responses((status = 200, body = Category), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Category>> {
    let updated = categories::update(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a category that has no products and no sub-categories.
#[utoipa::path(delete, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    categories::delete(&ctx.db, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List products.
#[utoipa::path(get, path = "/products", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(ListParams, ProductFilters), responses((status = 200, body = PageOf<Product>)))]
async fn list_products(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ProductFilters>,
) -> ApiResult<axum::Json<PageOf<Product>>> {
    let page = params.page()?;
    let sort = params.sort::<Product>()?;
    let listing = products::list(
        &ctx.db,
        &auth.caller(),
        filters,
        params.q.as_deref(),
        sort,
        page,
    )
    .await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a product or service.
#[utoipa::path(post, path = "/products", tag = "catalog", security(("bearer" = ["catalog.write"])),
    request_body = ProductRequest, responses((status = 201, body = Product), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ProductRequest>,
) -> ApiResult<(StatusCode, axum::Json<Product>)> {
    let product = products::create(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(product)))
}

/// Get a product.
#[utoipa::path(get, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Product), (status = 404, body = ErrorBody)))]
async fn get_product(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Product>> {
    let product = comptoir_services::records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(product))
}

/// Change a product (JSON merge patch).
#[utoipa::path(patch, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    request_body = ProductRequest, responses((status = 200, body = Product), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Product>> {
    let updated = products::update(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a product that nothing refers to, with its variants.
#[utoipa::path(delete, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    products::delete(&ctx.db, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
