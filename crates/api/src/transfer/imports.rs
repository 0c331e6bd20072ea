//! Spreadsheet imports over HTTP: `POST /imports` receives the upload and
//! answers 202 while the import service runs it in the background;
//! `GET /imports/{id}` follows it, `errors.csv` reports its rows'
//! problems, `templates/{entity}.csv` gives the columns to fill in.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, Multipart, PageOf, Path, Query, multipart_error};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use comptoir_db::imports::Import;
use comptoir_services::transfer::imports::{self as service, Upload};
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub(super) fn router(upload_limit_bytes: usize) -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_imports, start_import))
        .routes(routes!(get_import))
        .routes(routes!(import_errors))
        .routes(routes!(template))
        .layer(DefaultBodyLimit::max(upload_limit_bytes))
}

/// The form of `POST /imports`, as the OpenAPI document describes it (the
/// handler reads the parts as they stream in).
#[derive(utoipa::ToSchema)]
pub struct ImportForm {
    /// The CSV or XLSX file.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// `products`, `clients`, `suppliers`, `price_list_rules` or `stock_levels`.
    pub entity: String,
    /// `dry_run` (default: check every row, write nothing) or `commit`.
    pub mode: Option<String>,
    /// `abort` (default: a bad row means nothing is written) or `skip`.
    pub on_error: Option<String>,
    /// XLSX: the sheet to read, the first one by default.
    pub sheet: Option<String>,
}

/// Start an import (multipart: `file` (CSV or XLSX), `entity` = `products`
/// | `clients` | `suppliers` | `price_list_rules` | `stock_levels`, `mode` = `dry_run` | `commit`, `on_error` =
/// `abort` | `skip`, and for XLSX an optional `sheet`). Answers 202 at
/// once; follow it at `/imports/{id}`.
#[utoipa::path(post, path = "/imports", tag = "imports", security(("bearer" = ["data.import"])),
    request_body(content_type = "multipart/form-data", content = ImportForm),
    responses((status = 202, body = Import), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_import(
    auth: Authorized<require::DataImport>,
    State(ctx): State<ApiContext>,
    Multipart(mut multipart): Multipart,
) -> ApiResult<(StatusCode, axum::Json<Import>)> {
    let staging = service::staging_path();
    let (fields, file_name) = match receive(&mut multipart, &staging).await {
        Ok(received) => received,
        Err(error) => {
            let _ = tokio::fs::remove_file(&staging).await;
            return Err(error);
        }
    };
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let upload = Upload {
        entity: field("entity"),
        mode: field("mode"),
        on_error: field("on_error"),
        sheet: field("sheet"),
        file_name,
        staged: staging,
    };
    let import = service::start_import(&ctx.db, ctx.imports.clone(), auth.caller(), upload).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(import)))
}

/// Reads the multipart body: text fields in memory, the file streamed to
/// `staging`.
async fn receive(
    multipart: &mut axum::extract::Multipart,
    staging: &PathBuf,
) -> ApiResult<(Vec<(String, String)>, Option<String>)> {
    if let Some(parent) = staging.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(ApiError::internal)?;
    }
    let mut fields = Vec::new();
    let mut file_name = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file_name = Some(field.file_name().unwrap_or("upload").to_owned());
            let mut file = tokio::fs::File::create(staging)
                .await
                .map_err(ApiError::internal)?;
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                file.write_all(&chunk).await.map_err(ApiError::internal)?;
            }
            file.flush().await.map_err(ApiError::internal)?;
        } else {
            fields.push((name, field.text().await.map_err(multipart_error)?));
        }
    }
    Ok((fields, file_name))
}

/// List imports, newest first.
#[utoipa::path(get, path = "/imports", tag = "imports", security(("bearer" = ["data.import"])),
    params(ListParams), responses((status = 200, body = PageOf<Import>)))]
async fn list_imports(
    auth: Authorized<require::DataImport>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<Import>>> {
    let page = params.page()?;
    let sort = params.sort::<Import>()?;
    let q = params.q.as_deref();
    let listing = service::list_imports(&ctx.db, &auth.caller(), q, sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// An import's status and progress.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", security(("bearer" = ["data.import"])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Import), (status = 404, body = ErrorBody)))]
async fn get_import(
    auth: Authorized<require::DataImport>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Import>> {
    let import = service::get_import(&ctx.db, &ctx.imports, auth.organization_id, id).await?;
    Ok(axum::Json(import))
}

/// Every problem of every row: row number, column, value, message.
#[utoipa::path(get, path = "/imports/{id}/errors.csv", tag = "imports", security(("bearer" = ["data.import"])),
    params(("id" = Uuid, Path)), responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn import_errors(
    auth: Authorized<require::DataImport>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<impl IntoResponse> {
    let report = service::import_problems(&ctx.db, auth.organization_id, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], report))
}

/// An empty file with the entity's columns, to fill in.
#[utoipa::path(get, path = "/imports/templates/{entity}", tag = "imports", security(("bearer" = ["data.import"])),
    params(("entity" = String, Path, description = "`products.csv`, `clients.csv`, `suppliers.csv`, `price_list_rules.csv` or `stock_levels.csv`")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn template(
    _auth: Authorized<require::DataImport>,
    Path(file): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let template = file
        .strip_suffix(".csv")
        .and_then(service::template)
        .ok_or(ApiError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        template,
    ))
}
