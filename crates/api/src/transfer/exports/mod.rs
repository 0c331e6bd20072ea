//! Exports of the lists over HTTP: `{list}/export` reads the list's own
//! filters and the format parameters, is authorized as the list plus
//! `data.export`, and answers the export service's rows
//! (`comptoir_services::transfer::exports`): CSV streamed as it is read,
//! or an XLSX workbook. `records`: products, clients, suppliers and the
//! audit log; `sales`: quotes, orders, invoices, deliveries, payments and
//! returns; `stock`: levels, movements, inventories and purchase orders;
//! `setup`: price lists, reorder rules, warehouses, locations and users.

mod records;
mod sales;
mod setup;
mod stock;

use crate::context::ApiContext;
use crate::error::ApiResult;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use comptoir_db::Filter;
use comptoir_services::transfer::exports::{self as service, Format, Listing};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use uuid::Uuid;

pub(super) fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .merge(records::router())
        .merge(sales::router())
        .merge(setup::router())
        .merge(stock::router())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default) or `xlsx`.
    pub format: Option<String>,
    /// `true`: `;` separators, decimal commas and a BOM, for French Excel.
    pub excel: Option<bool>,
}

/// The rows `filter` selects from `listing`, as a download in the format
/// `export` asks.
async fn download(
    ctx: &ApiContext,
    organization_id: Uuid,
    listing: Listing,
    filter: Filter,
    export: ExportParams,
) -> ApiResult<Response> {
    let format = Format::parse(export.format.as_deref(), export.excel)?;
    let file = service::export(&ctx.db, organization_id, listing, filter, format).await?;
    Ok((file.headers(), Body::from_stream(file.into_bytes())).into_response())
}
