//! Exports of products, clients, suppliers and the audit log.

use super::{ExportParams, download};
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use axum::extract::State;
use axum::response::Response;
use comptoir_services::audit::{AuditFilters, audit_filter};
use comptoir_services::catalog::{ProductFilters, product_filter};
use comptoir_services::parties::{ClientFilters, SupplierFilters, client_filter, supplier_filter};
use comptoir_services::transfer::exports::Listing;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_products))
        .routes(routes!(export_clients))
        .routes(routes!(export_suppliers))
        .routes(routes!(export_audit))
}

/// Export products (the list's filters apply).
#[utoipa::path(get, path = "/products/export", tag = "catalog", security(("bearer" = ["catalog.read", "data.export"])),
    params(ListParams, ProductFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_products(
    auth: Authorized<require::CatalogRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ProductFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = product_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Products,
        filter,
        export,
    )
    .await
}

/// Export clients (the list's filters apply).
#[utoipa::path(get, path = "/clients/export", tag = "clients", security(("bearer" = ["clients.read", "data.export"])),
    params(ListParams, ClientFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_clients(
    auth: Authorized<require::ClientsRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ClientFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = client_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(&ctx, auth.organization_id, Listing::Clients, filter, export).await
}

/// Export suppliers (the list's filters apply).
#[utoipa::path(get, path = "/suppliers/export", tag = "suppliers", security(("bearer" = ["suppliers.read", "data.export"])),
    params(ListParams, SupplierFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_suppliers(
    auth: Authorized<require::SuppliersRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<SupplierFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = supplier_filter(auth.organization_id, filters, params.q.as_deref());
    download(
        &ctx,
        auth.organization_id,
        Listing::Suppliers,
        filter,
        export,
    )
    .await
}

/// Export the audit log, oldest first (the log's filters apply): who, what,
/// on which record, the states before and after, and each entry's hash.
#[utoipa::path(get, path = "/audit/export", tag = "audit", security(("bearer" = ["audit.read", "data.export"])),
    params(AuditFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_audit(
    auth: Authorized<require::AuditRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(filters): Query<AuditFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = audit_filter(auth.organization_id, filters)?;
    download(&ctx, auth.organization_id, Listing::Audit, filter, export).await
}
