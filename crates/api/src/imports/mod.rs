//! Spreadsheet imports: `POST /imports` stores the upload and answers 202;
//! a background task reads it row by row and upserts by `code`, with the
//! same validation (and messages) as the API. The whole import runs in
//! one transaction: a dry run or an `abort` import with a bad row rolls it
//! back, and a crash leaves nothing half-written. A commit-mode import's
//! outcome commits with its rows, so an import a stopped process left
//! `running` wrote nothing: the job sweep ([`fail_abandoned`]) says so.

use crate::auth::{Authorized, require};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, Multipart, PageOf, Path, Query};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use comptoir_db::imports::{self as store, Import, NewImport};
use comptoir_db::resource::{self, Table};
use comptoir_db::{Db, Filter};
use comptoir_domain::FieldErrors;
use comptoir_transfer::columns::entity_names;
use std::path::PathBuf;
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

mod job;
mod parties;
mod price_rules;
mod products;
mod records;
mod rows;
mod spool;
mod stock_levels;

pub use crate::state::progress::RunningImports;
pub use job::{ImportRequest, fail_abandoned, run_import};
use job::{Job, entity, upload_path};

pub fn router(upload_limit_bytes: usize) -> OpenApiRouter<ApiContext> {
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
    let staging = std::env::temp_dir()
        .join("comptoir-imports")
        .join(format!("{}.part", Uuid::new_v4()));
    let result = receive(&mut multipart, &staging).await;
    let (fields, file_name) = match result {
        Ok(received) => received,
        Err(error) => {
            let _ = tokio::fs::remove_file(&staging).await;
            return Err(error);
        }
    };
    let mut errors = FieldErrors::new();
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    };
    let entity_name = field("entity").unwrap_or_default().to_owned();
    if entity(&entity_name).is_none() {
        errors.add("entity", format!("must be one of: {}", entity_names()));
    }
    let mode = field("mode").unwrap_or("dry_run").to_owned();
    if !matches!(mode.as_str(), "dry_run" | "commit") {
        errors.add("mode", "must be dry_run or commit");
    }
    let on_error = field("on_error").unwrap_or("abort").to_owned();
    if !matches!(on_error.as_str(), "abort" | "skip") {
        errors.add("on_error", "must be abort or skip");
    }
    if file_name.is_none() {
        errors.add("file", "is required");
    }
    if let Err(errors) = errors.finish(|| ()) {
        let _ = tokio::fs::remove_file(&staging).await;
        return Err(errors.into());
    }
    let import = store::create(
        &ctx.db,
        &NewImport {
            organization_id: auth.organization_id,
            user_id: auth.user_id,
            entity: &entity_name,
            mode: &mode,
            on_error: &on_error,
            file_name: file_name.as_deref(),
        },
    )
    .await?;
    let path = upload_path(import.id);
    tokio::fs::rename(&staging, &path)
        .await
        .map_err(ApiError::internal)?;
    let job = Job {
        running: ctx.imports.clone(),
        sheet: field("sheet").map(str::to_owned),
        db: ctx.db.clone(),
        actor: auth.actor(),
        import: import.clone(),
        path,
    };
    tokio::spawn(job.run());
    Ok((StatusCode::ACCEPTED, axum::Json(import)))
}

/// Reads the multipart body: text fields in memory, the file streamed to
/// `staging`.
async fn receive(
    multipart: &mut axum::extract::Multipart,
    staging: &PathBuf,
) -> ApiResult<(Vec<(String, String)>, Option<String>)> {
    let too_large = |error: axum::extract::multipart::MultipartError| {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(error.body_text())
        }
    };
    if let Some(parent) = staging.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(ApiError::internal)?;
    }
    let mut fields = Vec::new();
    let mut file_name = None;
    while let Some(mut field) = multipart.next_field().await.map_err(too_large)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            file_name = Some(field.file_name().unwrap_or("upload").to_owned());
            let mut file = tokio::fs::File::create(staging)
                .await
                .map_err(ApiError::internal)?;
            while let Some(chunk) = field.chunk().await.map_err(too_large)? {
                file.write_all(&chunk).await.map_err(ApiError::internal)?;
            }
            file.flush().await.map_err(ApiError::internal)?;
        } else {
            fields.push((name, field.text().await.map_err(too_large)?));
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
    let filter =
        Filter::organization(auth.organization_id).search(Import::SEARCHABLE, params.q.as_deref());
    let sort = params.sort::<Import>()?.or(Some(comptoir_db::Sort {
        column: "created_at",
        descending: true,
    }));
    let listing = resource::list(&ctx.db, filter, sort, page).await?;
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
    let mut import: Import = resource::get(&ctx.db, auth.organization_id, id).await?;
    let live = ctx
        .imports
        .lock()
        .ok()
        .and_then(|running| running.get(&id).copied());
    if let (Some(progress), "running") = (live, import.status.as_str()) {
        import.total_rows = progress.total_rows;
        import.processed_rows = progress.processed_rows;
        import.created_count = progress.created;
        import.updated_count = progress.updated;
        import.failed_count = progress.failed;
    }
    Ok(axum::Json(import))
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Every problem of every row: row number, column, value, message.
#[utoipa::path(get, path = "/imports/{id}/errors.csv", tag = "imports", security(("bearer" = ["data.import"])),
    params(("id" = Uuid, Path)), responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn import_errors(
    auth: Authorized<require::DataImport>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<impl IntoResponse> {
    resource::get::<Import>(&ctx.db, auth.organization_id, id).await?;
    let report = problems_csv(&ctx.db, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], report))
}

/// The problem report of an import, as CSV: row, column, value, message.
pub async fn problems_csv(db: &Db, import_id: Uuid) -> ApiResult<String> {
    let mut out = String::from("row,column,value,message\n");
    for problem in store::problems(db, import_id).await? {
        out.push_str(&format!(
            "{},{},{},{}\n",
            problem.row_number,
            csv_field(&problem.column_name),
            csv_field(problem.value.as_deref().unwrap_or_default()),
            csv_field(&problem.message)
        ));
    }
    Ok(out)
}

/// An empty file with the entity's columns, to fill in.
#[utoipa::path(get, path = "/imports/templates/{entity}", tag = "imports", security(("bearer" = ["data.import"])),
    params(("entity" = String, Path, description = "`products.csv`, `clients.csv`, `suppliers.csv`, `price_list_rules.csv` or `stock_levels.csv`")),
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = ErrorBody)))]
async fn template(
    _auth: Authorized<require::DataImport>,
    Path(file): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let entity = file
        .strip_suffix(".csv")
        .and_then(entity)
        .ok_or(ApiError::NotFound)?;
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        format!("{}\n", entity.template_header()),
    ))
}
