//! Client and supplier routes.

use crate::auth::{Authorized, require};
use crate::catalog::to_json;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::audit;
use comptoir_db::parties::{self as store, Client, Supplier};
use comptoir_db::resource;
use comptoir_services::parties::{
    ClientFilters, ClientRequest, SupplierFilters, SupplierRequest, check_client_references,
    client_filter, supplier_filter,
};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_clients, create_client))
        .routes(routes!(get_client, update_client, delete_client))
        .routes(routes!(list_suppliers, create_supplier))
        .routes(routes!(get_supplier, update_supplier, delete_supplier))
}

/// List clients.
#[utoipa::path(get, path = "/clients", tag = "clients", security(("bearer" = ["clients.read"])),
    params(ListParams, ClientFilters), responses((status = 200, body = PageOf<Client>)))]
async fn list_clients(
    auth: Authorized<require::ClientsRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ClientFilters>,
) -> ApiResult<axum::Json<PageOf<Client>>> {
    let page = params.page()?;
    let filter = client_filter(auth.organization_id, filters, params.q.as_deref())?;
    let listing = resource::list(&ctx.db, filter, params.sort::<Client>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a client.
#[utoipa::path(post, path = "/clients", tag = "clients", security(("bearer" = ["clients.write"])),
    request_body = ClientRequest, responses((status = 201, body = Client), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ClientRequest>,
) -> ApiResult<(StatusCode, axum::Json<Client>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    check_client_references(&mut tx, auth.organization_id, &input).await?;
    let client = store::insert_client(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "client",
        Some(client.id),
        None,
        to_json(&client),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(client)))
}

/// Get a client.
#[utoipa::path(get, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Client), (status = 404, body = crate::error::ErrorBody)))]
async fn get_client(
    auth: Authorized<require::ClientsRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Client>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a client (JSON merge patch).
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    request_body = ClientRequest, responses((status = 200, body = Client), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Client>> {
    let mut tx = ctx.db.begin().await?;
    let current: Client = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, ClientRequest>(&current, patch)?.validate()?;
    check_client_references(&mut tx, auth.organization_id, &input).await?;
    let updated =
        store::update_client(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "client",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Delete a client.
#[utoipa::path(delete, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Client = resource::get_in(&mut tx, auth.organization_id, id).await?;
    resource::delete::<Client>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "client",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List suppliers.
#[utoipa::path(get, path = "/suppliers", tag = "suppliers", security(("bearer" = ["suppliers.read"])),
    params(ListParams, SupplierFilters), responses((status = 200, body = PageOf<Supplier>)))]
async fn list_suppliers(
    auth: Authorized<require::SuppliersRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<SupplierFilters>,
) -> ApiResult<axum::Json<PageOf<Supplier>>> {
    let page = params.page()?;
    let filter = supplier_filter(auth.organization_id, filters, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Supplier>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a supplier.
#[utoipa::path(post, path = "/suppliers", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    request_body = SupplierRequest, responses((status = 201, body = Supplier), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<SupplierRequest>,
) -> ApiResult<(StatusCode, axum::Json<Supplier>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    let supplier = store::insert_supplier(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "supplier",
        Some(supplier.id),
        None,
        to_json(&supplier),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(supplier)))
}

/// Get a supplier.
#[utoipa::path(get, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Supplier), (status = 404, body = crate::error::ErrorBody)))]
async fn get_supplier(
    auth: Authorized<require::SuppliersRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Supplier>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a supplier (JSON merge patch).
#[utoipa::path(patch, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    request_body = SupplierRequest, responses((status = 200, body = Supplier), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Supplier>> {
    let mut tx = ctx.db.begin().await?;
    let current: Supplier = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, SupplierRequest>(&current, patch)?.validate()?;
    let updated =
        store::update_supplier(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "supplier",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Delete a supplier no product lists; deactivate it instead to keep its
/// history.
#[utoipa::path(delete, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Supplier = resource::get_in(&mut tx, auth.organization_id, id).await?;
    let references = resource::references(
        &mut tx,
        auth.organization_id,
        id,
        &[("product_suppliers", "supplier_id")],
    )
    .await?;
    if !references.is_empty() {
        return Err(ApiError::still_referenced(&references));
    }
    resource::delete::<Supplier>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "supplier",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
