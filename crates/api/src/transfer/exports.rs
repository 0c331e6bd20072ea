//! Exports of the lists over HTTP: each route reads the list's own
//! filters and format parameters, and answers the export service's rows
//! (`comptoir_services::transfer::exports`): CSV streamed as it is read,
//! or an XLSX workbook.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use comptoir_db::Filter;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::Actor;
use comptoir_services::catalog::{ProductFilters, product_filter};
use comptoir_services::parties::{ClientFilters, SupplierFilters, client_filter, supplier_filter};
use comptoir_services::sales::{DocumentFilters, InvoiceFilters, document_filter};
use comptoir_services::stock::{LevelFilters, MovementFilters, level_filter, movement_filter};
use comptoir_services::transfer::exports::{self as service, Content, Export, Format, Listing};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_products))
        .routes(routes!(export_clients))
        .routes(routes!(export_suppliers))
        .routes(routes!(export_levels))
        .routes(routes!(export_movements))
        .routes(routes!(export_quotes))
        .routes(routes!(export_orders))
        .routes(routes!(export_invoices))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// `true`: `;` separators, decimal commas and a BOM, for French Excel.
    pub excel: Option<bool>,
}

impl ExportParams {
    fn format(&self) -> ApiResult<Format> {
        Ok(Format::parse(self.format.as_deref(), self.excel)?)
    }
}

/// The rows `filter` selects from `listing`, as a download.
async fn download(
    ctx: &ApiContext,
    organization_id: Uuid,
    listing: Listing,
    filter: Filter,
    format: Format,
) -> ApiResult<Response> {
    let Export { stem, content } =
        service::export(&ctx.db, organization_id, listing, filter, format).await?;
    let (content_type, extension, body) = match content {
        Content::Csv(text) => ("text/csv; charset=utf-8", "csv", Body::from_stream(text)),
        Content::Xlsx(bytes) => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
            Body::from(bytes),
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{extension}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// Export products (the list's filters apply).
#[utoipa::path(get, path = "/products/export", tag = "catalog", security(("bearer" = ["data.export"])),
    params(ListParams, ProductFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_products(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ProductFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = product_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Products,
        filter,
        format,
    )
    .await
}

/// Export stock levels (the list's filters apply).
#[utoipa::path(get, path = "/stock/export", tag = "stock", security(("bearer" = ["data.export"])),
    params(LevelFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_levels(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(filters): Query<LevelFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = level_filter(auth.organization_id, filters);
    download(&ctx, auth.organization_id, Listing::Stock, filter, format).await
}

/// Export stock movements (the list's filters apply), oldest first.
#[utoipa::path(get, path = "/stock/movements/export", tag = "stock", security(("bearer" = ["data.export"])),
    params(ListParams, MovementFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_movements(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<MovementFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = movement_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Movements,
        filter,
        format,
    )
    .await
}

/// Export clients (the list's filters apply).
#[utoipa::path(get, path = "/clients/export", tag = "clients", security(("bearer" = ["data.export"])),
    params(ListParams, ClientFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_clients(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ClientFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = client_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(&ctx, auth.organization_id, Listing::Clients, filter, format).await
}

/// Export suppliers (the list's filters apply).
#[utoipa::path(get, path = "/suppliers/export", tag = "suppliers", security(("bearer" = ["data.export"])),
    params(ListParams, SupplierFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_suppliers(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<SupplierFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = supplier_filter(auth.organization_id, filters, params.q.as_deref());
    download(
        &ctx,
        auth.organization_id,
        Listing::Suppliers,
        filter,
        format,
    )
    .await
}

async fn export_documents(
    ctx: ApiContext,
    actor: Actor,
    kind: DocumentKind,
    params: ListParams,
    filters: DocumentFilters,
    invoice_filters: InvoiceFilters,
    export: ExportParams,
) -> ApiResult<Response> {
    let format = export.format()?;
    let filter = document_filter(&actor, kind, filters, invoice_filters, params.q.as_deref())?;
    download(
        &ctx,
        actor.organization_id,
        Listing::Documents(kind),
        filter,
        format,
    )
    .await
}

/// Export quotes (the list's filters apply).
#[utoipa::path(get, path = "/quotes/export", tag = "sales", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_quotes(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.caller(),
        DocumentKind::Quote,
        params,
        filters,
        InvoiceFilters::default(),
        export,
    )
    .await
}

/// Export orders (the list's filters apply).
#[utoipa::path(get, path = "/orders/export", tag = "sales", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_orders(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.caller(),
        DocumentKind::Order,
        params,
        filters,
        InvoiceFilters::default(),
        export,
    )
    .await
}

/// Export invoices with what was paid and what is due (the list's filters
/// apply).
#[utoipa::path(get, path = "/invoices/export", tag = "invoicing", security(("bearer" = ["data.export"])),
    params(ListParams, DocumentFilters, InvoiceFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_invoices(
    auth: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DocumentFilters>,
    Query(invoice_filters): Query<InvoiceFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    export_documents(
        ctx,
        auth.caller(),
        DocumentKind::Invoice,
        params,
        filters,
        invoice_filters,
        export,
    )
    .await
}
