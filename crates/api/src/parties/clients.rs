//! Client and supplier routes.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::parties::{Client, Supplier};
use comptoir_services::parties::{
    self as service, ClientFilters, ClientRequest, SupplierFilters, SupplierRequest,
};
use comptoir_services::records;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
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
    let sort = params.sort::<Client>()?;
    let q = params.q.as_deref();
    let listing = service::list_clients(&ctx.db, &auth.caller(), filters, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a client.
#[utoipa::path(post, path = "/clients", tag = "clients", security(("bearer" = ["clients.write"])),
    request_body = ClientRequest, responses((status = 201, body = Client), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ClientRequest>,
) -> ApiResult<(StatusCode, axum::Json<Client>)> {
    let client = service::create_client(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(client)))
}

/// Get a client.
#[utoipa::path(get, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Client), (status = 404, body = ErrorBody)))]
async fn get_client(
    auth: Authorized<require::ClientsRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Client>> {
    let client = records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(client))
}

/// Change a client (JSON merge patch).
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    request_body = ClientRequest, responses((status = 200, body = Client), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Client>> {
    let updated = service::update_client(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a client.
#[utoipa::path(delete, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::delete_client(&ctx.db, &auth.caller(), id).await?;
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
    let sort = params.sort::<Supplier>()?;
    let q = params.q.as_deref();
    let listing = service::list_suppliers(&ctx.db, &auth.caller(), filters, q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a supplier.
#[utoipa::path(post, path = "/suppliers", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    request_body = SupplierRequest, responses((status = 201, body = Supplier), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<SupplierRequest>,
) -> ApiResult<(StatusCode, axum::Json<Supplier>)> {
    let supplier = service::create_supplier(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(supplier)))
}

/// Get a supplier.
#[utoipa::path(get, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Supplier), (status = 404, body = ErrorBody)))]
async fn get_supplier(
    auth: Authorized<require::SuppliersRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Supplier>> {
    let supplier = records::get(&ctx.db, &auth.caller(), id).await?;
    Ok(axum::Json(supplier))
}

/// Change a supplier (JSON merge patch).
#[utoipa::path(patch, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    request_body = SupplierRequest, responses((status = 200, body = Supplier), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Supplier>> {
    let updated = service::update_supplier(&ctx.db, &auth.caller(), id, if_match.0, patch).await?;
    Ok(axum::Json(updated))
}

/// Delete a supplier no product lists; deactivate it instead to keep its
/// history.
#[utoipa::path(delete, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    service::delete_supplier(&ctx.db, &auth.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
