//! Product variants: `/products/{id}/variants`.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch};
use crate::nested;
use crate::validate::{MAX_NAME, parsed, required, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::Filter;
use comptoir_db::catalog::{self as store, Product, Variant, VariantInput};
use comptoir_db::resource::{self, Table};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::{Barcode, Code};
use comptoir_domain::numbers::UnitPrice;
use comptoir_services::catalog::products::VARIANT_REFERRERS;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_variants, create_variant))
        .routes(routes!(get_variant, update_variant, delete_variant))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct VariantRequest {
    #[schema(required = true, nullable = false)]
    pub code: Option<String>,
    /// Defaults to the option values in option-name order, e.g. "rouge / L".
    pub name: Option<String>,
    /// Option values as text, e.g. `{"size": "L", "color": "red"}`.
    #[schema(required = true, nullable = false, value_type = Object)]
    pub options: Option<Value>,
    /// Added to the product's sale price; may be negative.
    pub price_delta: Option<String>,
    /// EAN-13 or EAN-8, unique among products and variants.
    pub barcode: Option<String>,
    pub active: Option<bool>,
}

impl VariantRequest {
    fn validate(self, product: &Product) -> Result<VariantInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = required_parsed(&mut errors, "code", self.code, Code::parse);
        let options = match self.options {
            Some(Value::Object(options))
                if !options.is_empty() && options.values().all(Value::is_string) =>
            {
                options
            }
            Some(Value::Object(options)) if options.is_empty() => {
                errors.add("options", "a variant needs at least one option value");
                Default::default()
            }
            None => {
                errors.add("options", "is required");
                Default::default()
            }
            Some(_) => {
                errors.add("options", "must be an object of text values");
                Default::default()
            }
        };
        let name = match self.name {
            Some(name) => required(&mut errors, "name", Some(name), MAX_NAME),
            None => Some(
                options
                    .values()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" / "),
            ),
        };
        let price_delta = parsed(
            &mut errors,
            "price_delta",
            self.price_delta,
            UnitPrice::parse,
        )
        .unwrap_or_default();
        if (product.sale_price.0.value() + price_delta.value()).is_sign_negative() {
            errors.add(
                "price_delta",
                "the variant's price (sale price plus delta) cannot be negative",
            );
        }
        let barcode = parsed(&mut errors, "barcode", self.barcode, Barcode::parse);
        errors.finish(|| VariantInput {
            code: code.expect("checked"),
            name: name.unwrap_or_default(),
            options,
            price_delta,
            barcode,
            active: self.active.unwrap_or(true),
        })
    }
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
    resource::get::<Product>(&ctx.db, auth.organization_id, product_id).await?;
    let filter = Filter::organization(auth.organization_id)
        .eq("product_id", Some(product_id))
        .search(Variant::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Variant>()?, page).await?;
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
    let mut tx = ctx.db.begin().await?;
    let product: Product = resource::get_in(&mut tx, auth.organization_id, product_id).await?;
    let input = request.validate(&product)?;
    let variant = store::insert_variant(&mut tx, auth.organization_id, product_id, &input).await?;
    log(
        &mut tx,
        &auth,
        "create",
        "variant",
        variant.id,
        None,
        Some(&variant),
    )
    .await?;
    tx.commit().await?;
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
    Ok(axum::Json(
        nested::get(&ctx.db, auth.organization_id, product_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let product: Product = resource::get_in(&mut tx, auth.organization_id, product_id).await?;
    let current: Variant = nested::get_in(&mut tx, auth.organization_id, product_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, VariantRequest>(&current, patch)?.validate(&product)?;
    let updated =
        store::update_variant(&mut tx, auth.organization_id, id, current.version, &input).await?;
    log(
        &mut tx,
        &auth,
        "update",
        "variant",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = ctx.db.begin().await?;
    let current: Variant = nested::get_in(&mut tx, auth.organization_id, product_id, id).await?;
    let references =
        resource::references(&mut tx, auth.organization_id, id, VARIANT_REFERRERS).await?;
    if !references.is_empty() {
        return Err(ApiError::still_referenced(&references));
    }
    resource::delete::<Variant>(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "delete",
        "variant",
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
