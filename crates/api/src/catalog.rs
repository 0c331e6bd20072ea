//! Catalog routes: categories (a tree) and products.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch};
use crate::validate::{MAX_NAME, MAX_TEXT, optional, required};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::{self as store, Category, CategoryInput, Product, ProductInput};
use comptoir_db::resource::{self, Table};
use comptoir_db::{Filter, Tx, audit};
use comptoir_domain::FieldErrors;
use comptoir_services::catalog::{ProductFilters, ProductRequest, product_filter};
pub(crate) use comptoir_services::validate::check_reference;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_categories, create_category))
        .routes(routes!(get_category, update_category, delete_category))
        .routes(routes!(list_products, create_product))
        .routes(routes!(get_product, update_product, delete_product))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Option<Value> {
    serde_json::to_value(value).ok()
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CategoryRequest {
    pub parent_id: Option<Uuid>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub description: Option<String>,
}

impl CategoryRequest {
    fn validate(self) -> Result<CategoryInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let description = optional(&mut errors, "description", self.description, MAX_TEXT);
        errors.finish(|| CategoryInput {
            parent_id: self.parent_id,
            name: name.unwrap_or_default(),
            description,
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryFilters {
    /// Only the children of this category.
    pub parent_id: Option<Uuid>,
    /// `true`: only top-level categories.
    pub root: Option<bool>,
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
    let mut filter = Filter::organization(auth.organization_id)
        .eq("parent_id", filters.parent_id)
        .search(Category::SEARCHABLE, params.q.as_deref());
    if filters.root == Some(true) {
        filter = filter.is_null("parent_id");
    }
    let listing = resource::list(&ctx.db, filter, params.sort::<Category>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Refuses a parent that does not exist or that would make a cycle.
async fn check_parent(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Option<Uuid>,
    parent_id: Option<Uuid>,
) -> ApiResult<()> {
    let Some(parent_id) = parent_id else {
        return Ok(());
    };
    let mut errors = FieldErrors::new();
    check_reference::<Category>(
        tx,
        &mut errors,
        organization_id,
        "parent_id",
        Some(parent_id),
    )
    .await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    if let Some(id) = id {
        let ancestors = store::category_ancestors(tx, organization_id, parent_id).await?;
        if parent_id == id || ancestors.contains(&id) {
            return Err(ApiError::field(
                "parent_id",
                "a category cannot be moved under itself or its descendants",
            ));
        }
    }
    Ok(())
}

/// Create a category.
#[utoipa::path(post, path = "/categories", tag = "catalog", security(("bearer" = ["catalog.write"])),
    request_body = CategoryRequest, responses((status = 201, body = Category), (status = 422, body = crate::error::ErrorBody)))]
async fn create_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<CategoryRequest>,
) -> ApiResult<(StatusCode, axum::Json<Category>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    check_parent(&mut tx, auth.organization_id, None, input.parent_id).await?;
    let category = store::insert_category(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "category",
        Some(category.id),
        None,
        to_json(&category),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(category)))
}

/// Get a category.
#[utoipa::path(get, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Category), (status = 404, body = crate::error::ErrorBody)))]
async fn get_category(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Category>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a category (JSON merge patch); moving it under one of its own
/// descendants is refused.
#[utoipa::path(patch, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    request_body = CategoryRequest, responses((status = 200, body = Category), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Category>> {
    let mut tx = ctx.db.begin().await?;
    let current: Category = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, CategoryRequest>(&current, patch)?.validate()?;
    check_parent(&mut tx, auth.organization_id, Some(id), input.parent_id).await?;
    let updated =
        store::update_category(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "category",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Delete a category that has no products and no sub-categories.
#[utoipa::path(delete, path = "/categories/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_category(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Category = resource::get_in(&mut tx, auth.organization_id, id).await?;
    let products =
        resource::count_where(&mut tx, "products", auth.organization_id, "category_id", id).await?;
    let children =
        resource::count_where(&mut tx, "categories", auth.organization_id, "parent_id", id).await?;
    if products > 0 || children > 0 {
        return Err(ApiError::Conflict {
            message: format!(
                "the category is still used by {products} product(s) and {children} sub-categor(ies)"
            ),
            details: json!({ "products": products, "categories": children }),
        });
    }
    resource::delete::<Category>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "category",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
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
    let filter = product_filter(auth.organization_id, filters, params.q.as_deref())?;
    let listing = resource::list(&ctx.db, filter, params.sort::<Product>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

pub(crate) async fn check_product_references(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ProductInput,
) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Category>(
        tx,
        &mut errors,
        organization_id,
        "category_id",
        input.category_id,
    )
    .await?;
    errors.finish(|| ()).map_err(ApiError::from)
}

/// Create a product or service.
#[utoipa::path(post, path = "/products", tag = "catalog", security(("bearer" = ["catalog.write"])),
    request_body = ProductRequest, responses((status = 201, body = Product), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ProductRequest>,
) -> ApiResult<(StatusCode, axum::Json<Product>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    check_product_references(&mut tx, auth.organization_id, &input).await?;
    let product = store::insert_product(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "product",
        Some(product.id),
        None,
        to_json(&product),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(product)))
}

/// Get a product.
#[utoipa::path(get, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Product), (status = 404, body = crate::error::ErrorBody)))]
async fn get_product(
    auth: Authorized<require::CatalogRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Product>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a product (JSON merge patch).
#[utoipa::path(patch, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    request_body = ProductRequest, responses((status = 200, body = Product), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Product>> {
    let mut tx = ctx.db.begin().await?;
    let current: Product = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, ProductRequest>(&current, patch)?.validate()?;
    check_product_references(&mut tx, auth.organization_id, &input).await?;
    let updated =
        store::update_product(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "product",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Where a product may be referred to; deleting it is refused while any of
/// these rows exist. Its variants and supplier entries go with it.
const PRODUCT_REFERRERS: &[(&str, &str)] = &[
    ("price_rules", "product_id"),
    ("stock_movements", "product_id"),
    ("stock_reservations", "product_id"),
];

/// Delete a product that nothing refers to, with its variants.
#[utoipa::path(delete, path = "/products/{id}", tag = "catalog", security(("bearer" = ["catalog.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_product(
    auth: Authorized<require::CatalogWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Product = resource::get_in(&mut tx, auth.organization_id, id).await?;
    let mut references =
        resource::references(&mut tx, auth.organization_id, id, PRODUCT_REFERRERS).await?;
    references.extend(
        resource::references_through(
            &mut tx,
            auth.organization_id,
            id,
            ("product_variants", "product_id"),
            crate::variants::VARIANT_REFERRERS,
        )
        .await?,
    );
    if !references.is_empty() {
        return Err(ApiError::still_referenced(&references));
    }
    resource::delete::<Product>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "product",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
