//! Who supplies a product, at what price and delay:
//! `/products/{id}/suppliers`.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::ProductSupplier;
use comptoir_services::catalog::suppliers::{self, ProductSupplierRequest};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_product_suppliers, create_product_supplier))
        .routes(routes!(
            get_product_supplier,
            update_product_supplier,
            delete_product_supplier
        ))
}

/// List the suppliers of a product, cheapest first.
#[utoipa::path(get, path = "/products/{id}/suppliers", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ListParams),
    responses((status = 200, body = PageOf<ProductSupplier>), (status = 404, body = ErrorBody)))]
async fn list_product_suppliers(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<ProductSupplier>>> {
    let page = params.page()?;
    let sort = params.sort::<ProductSupplier>()?;
    let q = params.q.as_deref();
    let listing = suppliers::list(&ctx.db, &auth.caller(), product_id, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Record that a supplier offers this product.
#[utoipa::path(post, path = "/products/{id}/suppliers", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)), request_body = ProductSupplierRequest,
    responses((status = 201, body = ProductSupplier), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_product_supplier(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(product_id): Path<Uuid>,
    Json(request): Json<ProductSupplierRequest>,
) -> ApiResult<(StatusCode, axum::Json<ProductSupplier>)> {
    let link = suppliers::create(&ctx.db, &auth.caller(), product_id, request).await?;
    Ok((StatusCode::CREATED, axum::Json(link)))
}

/// Get one supplier entry of a product.
#[utoipa::path(get, path = "/products/{id}/suppliers/{entry_id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path), ("entry_id" = Uuid, Path)),
    responses((status = 200, body = ProductSupplier), (status = 404, body = ErrorBody)))]
async fn get_product_supplier(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<ProductSupplier>> {
    let link = suppliers::get(&ctx.db, &auth.caller(), product_id, id).await?;
    Ok(axum::Json(link))
}

/// Change a supplier entry (JSON merge patch).
#[utoipa::path(patch, path = "/products/{id}/suppliers/{entry_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("entry_id" = Uuid, Path)), request_body = ProductSupplierRequest,
    responses((status = 200, body = ProductSupplier), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_product_supplier(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<ProductSupplier>> {
    let updated =
        suppliers::update(&ctx.db, &auth.caller(), product_id, id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Remove a supplier from a product.
#[utoipa::path(delete, path = "/products/{id}/suppliers/{entry_id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path), ("entry_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_product_supplier(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path((product_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    suppliers::delete(&ctx.db, &auth.caller(), product_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
