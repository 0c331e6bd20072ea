//! Exports of quotes, orders, invoices and credit notes, delivery notes,
//! payments and returns.

use super::{ExportParams, download};
use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ListParams, Query};
use axum::extract::State;
use axum::response::Response;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::sales::{
    DeliveryFilters, DocumentFilters, InvoiceFilters, PaymentFilters, ReturnFilters,
    delivery_filter, document_filter, payment_filter, return_filter,
};
use comptoir_services::transfer::exports::Listing;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(export_quotes))
        .routes(routes!(export_orders))
        .routes(routes!(export_invoices))
        .routes(routes!(export_credit_notes))
        .routes(routes!(export_deliveries))
        .routes(routes!(export_payments))
        .routes(routes!(export_returns))
}

/// The export route of one kind of sales document, authorized as its
/// list. Every kind reads `overdue`, but only the invoices' route
/// documents it: the contract refuses it on the others.
macro_rules! documents_export {
    ($doc:tt, $name:ident, $path:tt, $tag:tt, $read:ident, $scope:tt, $kind:expr, $params:tt) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, tag = $tag, security(("bearer" = [$scope, "data.export"])),
            params $params,
            responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
        async fn $name(
            auth: Authorized<require::$read>,
            _export: Authorized<require::DataExport>,
            State(ctx): State<ApiContext>,
            Query(params): Query<ListParams>,
            Query(filters): Query<DocumentFilters>,
            Query(invoice_filters): Query<InvoiceFilters>,
            Query(export): Query<ExportParams>,
        ) -> ApiResult<Response> {
            let organization_id = auth.organization_id;
            let q = params.q.as_deref();
            let filter = document_filter(&auth.caller(), $kind, filters, invoice_filters, q)?;
            let listing = Listing::Documents($kind);
            download(&ctx, organization_id, listing, filter, export).await
        }
    };
}

documents_export!(
    "Export quotes (the list's filters apply).",
    export_quotes,
    "/quotes/export",
    "sales",
    SalesRead,
    "sales.read",
    DocumentKind::Quote,
    (ListParams, DocumentFilters, ExportParams)
);
documents_export!(
    "Export orders (the list's filters apply).",
    export_orders,
    "/orders/export",
    "sales",
    SalesRead,
    "sales.read",
    DocumentKind::Order,
    (ListParams, DocumentFilters, ExportParams)
);
documents_export!(
    "Export invoices with what was paid and what is due (the list's filters apply).",
    export_invoices,
    "/invoices/export",
    "invoicing",
    InvoicesRead,
    "invoices.read",
    DocumentKind::Invoice,
    (ListParams, DocumentFilters, InvoiceFilters, ExportParams)
);
documents_export!(
    "Export credit notes (the list's filters apply).",
    export_credit_notes,
    "/credit-notes/export",
    "invoicing",
    InvoicesRead,
    "invoices.read",
    DocumentKind::CreditNote,
    (ListParams, DocumentFilters, ExportParams)
);

/// Export delivery notes with their order and client (the list's filters
/// apply).
#[utoipa::path(get, path = "/deliveries/export", tag = "sales", security(("bearer" = ["sales.read", "data.export"])),
    params(ListParams, DeliveryFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_deliveries(
    auth: Authorized<require::SalesRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<DeliveryFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = delivery_filter(auth.organization_id, filters, params.q.as_deref());
    download(
        &ctx,
        auth.organization_id,
        Listing::Deliveries,
        filter,
        export,
    )
    .await
}

/// Export payments and refunds with their invoice and client (the list's
/// filters apply).
#[utoipa::path(get, path = "/payments/export", tag = "invoicing", security(("bearer" = ["invoices.read", "data.export"])),
    params(ListParams, PaymentFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_payments(
    auth: Authorized<require::InvoicesRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<PaymentFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = payment_filter(auth.organization_id, filters, params.q.as_deref())?;
    download(
        &ctx,
        auth.organization_id,
        Listing::Payments,
        filter,
        export,
    )
    .await
}

/// Export returns with their order and client (the list's filters apply).
#[utoipa::path(get, path = "/returns/export", tag = "sales", security(("bearer" = ["sales.read", "data.export"])),
    params(ListParams, ReturnFilters, ExportParams),
    responses((status = 200, description = "The rows: CSV, or a workbook with format=xlsx", content((String = "text/csv"), (crate::download::FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = ErrorBody)))]
async fn export_returns(
    auth: Authorized<require::SalesRead>,
    _export: Authorized<require::DataExport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ReturnFilters>,
    Query(export): Query<ExportParams>,
) -> ApiResult<Response> {
    let filter = return_filter(&auth.caller(), filters, params.q.as_deref());
    download(&ctx, auth.organization_id, Listing::Returns, filter, export).await
}
