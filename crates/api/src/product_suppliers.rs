//! Who supplies a product, at what price and delay:
//! `/products/{id}/suppliers`.

use crate::audit::log;
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch};
use crate::nested;
use crate::validate::{MAX_NAME, days, optional, parsed, required_parsed};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::catalog::{self as store, Product, ProductSupplier, ProductSupplierInput};
use comptoir_db::parties::Supplier;
use comptoir_db::resource::{self, Table};
use comptoir_db::{Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::numbers::{Quantity, UnitPrice};
use comptoir_services::validate::check_reference;
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_product_suppliers, create_product_supplier))
        .routes(routes!(
            get_product_supplier,
            update_product_supplier,
            delete_product_supplier
        ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ProductSupplierRequest {
    #[schema(required = true, nullable = false)]
    pub supplier_id: Option<Uuid>,
    /// The supplier's own reference for the product.
    pub supplier_reference: Option<String>,
    /// Excluding VAT, up to 4 decimals.
    #[schema(required = true, nullable = false)]
    pub purchase_price: Option<String>,
    /// Days between ordering and receiving; default 0.
    pub lead_time_days: Option<i64>,
    /// Smallest quantity the supplier accepts; default 0.
    pub min_order_quantity: Option<String>,
}

impl ProductSupplierRequest {
    fn validate(self) -> Result<ProductSupplierInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.supplier_id.is_none() {
            errors.add("supplier_id", "is required");
        }
        let supplier_reference = optional(
            &mut errors,
            "supplier_reference",
            self.supplier_reference,
            MAX_NAME,
        );
        let purchase_price = required_parsed(
            &mut errors,
            "purchase_price",
            self.purchase_price,
            UnitPrice::parse_non_negative,
        );
        let lead_time_days = days(&mut errors, "lead_time_days", self.lead_time_days, 0);
        let min_order_quantity = parsed(
            &mut errors,
            "min_order_quantity",
            self.min_order_quantity,
            Quantity::parse_non_negative,
        )
        .unwrap_or_default();
        errors.finish(|| ProductSupplierInput {
            supplier_id: self.supplier_id.expect("checked"),
            supplier_reference,
            purchase_price: purchase_price.expect("checked"),
            lead_time_days,
            min_order_quantity,
        })
    }
}

async fn check_supplier(tx: &mut Tx, organization_id: Uuid, supplier_id: Uuid) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    check_reference::<Supplier>(
        tx,
        &mut errors,
        organization_id,
        "supplier_id",
        Some(supplier_id),
    )
    .await?;
    errors.finish(|| ()).map_err(ApiError::from)
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
    resource::get::<Product>(&ctx.db, auth.organization_id, product_id).await?;
    let filter = Filter::organization(auth.organization_id)
        .eq("product_id", Some(product_id))
        .search(ProductSupplier::SEARCHABLE, params.q.as_deref());
    let sort = params.sort::<ProductSupplier>()?;
    let listing = resource::list(&ctx.db, filter, sort, page).await?;
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
    let mut tx = ctx.db.begin().await?;
    resource::get_in::<Product>(&mut tx, auth.organization_id, product_id).await?;
    let input = request.validate()?;
    check_supplier(&mut tx, auth.organization_id, input.supplier_id).await?;
    let link = store::insert_product_supplier(&mut tx, auth.organization_id, product_id, &input)
        .await
        .map_err(already_linked)?;
    log(
        &mut tx,
        &auth,
        "create",
        "product_supplier",
        link.id,
        None,
        Some(&link),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(link)))
}

/// A product has one entry per supplier.
fn already_linked(error: comptoir_db::DbError) -> ApiError {
    match error {
        comptoir_db::DbError::Unique(_) => ApiError::Conflict {
            message: "this supplier is already listed for the product".into(),
            details: serde_json::json!({ "field": "supplier_id" }),
        },
        other => other.into(),
    }
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
    Ok(axum::Json(
        nested::get(&ctx.db, auth.organization_id, product_id, id).await?,
    ))
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
    let mut tx = ctx.db.begin().await?;
    let current: ProductSupplier =
        nested::get_in(&mut tx, auth.organization_id, product_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, ProductSupplierRequest>(&current, patch)?.validate()?;
    check_supplier(&mut tx, auth.organization_id, input.supplier_id).await?;
    let updated =
        store::update_product_supplier(&mut tx, auth.organization_id, id, current.version, &input)
            .await
            .map_err(already_linked)?;
    log(
        &mut tx,
        &auth,
        "update",
        "product_supplier",
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
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
    let mut tx = ctx.db.begin().await?;
    let current: ProductSupplier =
        nested::get_in(&mut tx, auth.organization_id, product_id, id).await?;
    resource::delete::<ProductSupplier>(&mut tx, auth.organization_id, id).await?;
    log(
        &mut tx,
        &auth,
        "delete",
        "product_supplier",
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
