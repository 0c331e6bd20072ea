//! Imports: the list of past imports, the upload form (entity, template,
//! file, dry run or for real), and an import's page: its counts, its
//! progress while it runs (the `progress` fragment htmx polls until the
//! import ends) and the table of its rows' problems, with the whole
//! report as `errors.csv`.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{ListQuery, ListView, by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::Router;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use comptoir_db::imports::Import;
use comptoir_domain::FieldErrors;
use comptoir_services::transfer::imports::{self as service, Upload};
use comptoir_services::{ServiceError, require};
use serde::Deserialize;
use serde_json::json;
use std::path::Path as FilePath;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

pub fn router(upload_limit_bytes: usize) -> Router<WebContext> {
    Router::new()
        .route(
            "/imports",
            get(list)
                .post(start)
                .layer(DefaultBodyLimit::max(upload_limit_bytes)),
        )
        .route("/imports/new", get(new_form))
        .route("/imports/templates/{file}", get(template))
        .route("/imports/{id}", get(import_page))
        .route("/imports/{id}/progress", get(progress))
        .route("/imports/{id}/errors.csv", get(errors_csv))
}

/// How many row problems an import's page lists; `errors.csv` has them all.
const PROBLEMS_SHOWN: i64 = 200;

async fn list(
    viewer: Allowed<require::DataImport>,
    State(ctx): State<WebContext>,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let listing = service::list_imports_with_authors(
        &ctx.db,
        &viewer.actor,
        query.search(),
        query.sort::<Import>(),
        query.page(),
    )
    .await?;
    let view = ListView::new(listing, &query);
    show(
        &viewer,
        "imports/list.html",
        "imports.title",
        json!({ "list": view }),
    )
    .map(IntoResponse::into_response)
}

/// The upload form as sent: its options, kept to show again.
#[derive(Deserialize, Default)]
struct ImportOptions {
    entity: Option<String>,
    mode: Option<String>,
    on_error: Option<String>,
    sheet: Option<String>,
}

/// The upload form, the entity and options preset from the URL (a dry
/// run's page links here to run the same import for real).
async fn new_form(
    viewer: Allowed<require::DataImport>,
    Query(options): Query<ImportOptions>,
) -> PageResult<Response> {
    form(&viewer, &options, FieldErrors::new(), StatusCode::OK)
}

fn form(
    viewer: &Viewer,
    options: &ImportOptions,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult<Response> {
    let page = show(
        viewer,
        "imports/new.html",
        "imports.new",
        json!({
            "entities": service::importable(),
            "entity": typed(options.entity.clone()).unwrap_or_default(),
            "mode": typed(options.mode.clone()).unwrap_or_else(|| "dry_run".to_owned()),
            "on_error": typed(options.on_error.clone()).unwrap_or_else(|| "abort".to_owned()),
            "sheet": options.sheet.clone().unwrap_or_default(),
            "errors": by_field(errors),
        }),
    )?;
    Ok((status, page).into_response())
}

/// Receives the upload (the file streamed to where the import service
/// reads it) and starts the import; its page follows it.
async fn start(
    viewer: Allowed<require::DataImport>,
    State(ctx): State<WebContext>,
    multipart: Multipart,
) -> PageResult<Response> {
    let staged = service::staging_path();
    let received = receive(multipart, &staged).await;
    let (options, file_name) = match received {
        Ok(received) => received,
        Err(error) => {
            let _ = tokio::fs::remove_file(&staged).await;
            return Err(error);
        }
    };
    let upload = Upload {
        entity: typed(options.entity.clone()),
        mode: typed(options.mode.clone()),
        on_error: typed(options.on_error.clone()),
        sheet: typed(options.sheet.clone()),
        file_name,
        staged,
    };
    let started = service::start_import(
        &ctx.db,
        ctx.config.imports.clone(),
        viewer.actor.clone(),
        upload,
    )
    .await;
    match started {
        Ok(import) => Ok(Redirect::to(&format!("/imports/{}", import.id)).into_response()),
        Err(ServiceError::Validation(errors)) => {
            form(&viewer, &options, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other.into()),
    }
}

/// Reads the form: its options in memory, the file streamed to `staged`.
/// A form sent without a file (an empty file input) names none.
async fn receive(
    mut multipart: Multipart,
    staged: &FilePath,
) -> PageResult<(ImportOptions, Option<String>)> {
    let refused = |error: MultipartError| PageError::Refused {
        status: error.status(),
        message: error.body_text(),
    };
    if let Some(parent) = staged.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(PageError::internal)?;
    }
    let mut options = ImportOptions::default();
    let mut file_name = None;
    while let Some(mut field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let chosen = field.file_name().unwrap_or_default().to_owned();
            let mut file = tokio::fs::File::create(staged)
                .await
                .map_err(PageError::internal)?;
            while let Some(chunk) = field.chunk().await.map_err(refused)? {
                file.write_all(&chunk).await.map_err(PageError::internal)?;
            }
            file.flush().await.map_err(PageError::internal)?;
            file_name = (!chosen.is_empty()).then_some(chosen);
            continue;
        }
        let value = Some(field.text().await.map_err(refused)?);
        match name.as_str() {
            "entity" => options.entity = value,
            "mode" => options.mode = value,
            "on_error" => options.on_error = value,
            "sheet" => options.sheet = value,
            _ => {}
        }
    }
    Ok((options, file_name))
}

/// What an import's page and its progress fragment show.
async fn report(ctx: &WebContext, viewer: &Viewer, id: Uuid) -> PageResult<serde_json::Value> {
    let report = service::import_report(
        &ctx.db,
        &ctx.config.imports,
        viewer.actor.organization_id,
        id,
        PROBLEMS_SHOWN,
    )
    .await?;
    let import = &report.import;
    let finished = matches!(import.status.as_str(), "done" | "failed");
    Ok(json!({
        "report": report,
        "finished": finished,
        "dry_run": import.mode.as_str() == "dry_run",
        "more_problems": report.problem_count - report.problems.len() as i64,
    }))
}

async fn import_page(
    viewer: Allowed<require::DataImport>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let values = report(&ctx, &viewer, id).await?;
    show(&viewer, "imports/show.html", "imports.import", values).map(IntoResponse::into_response)
}

/// The part of an import's page that changes while it runs; polled by
/// htmx every second until the import ends.
async fn progress(
    viewer: Allowed<require::DataImport>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let values = report(&ctx, &viewer, id).await?;
    show(&viewer, "imports/progress.html", "imports.import", values)
        .map(IntoResponse::into_response)
}

/// Every problem of every row, as the API's `errors.csv`.
async fn errors_csv(
    viewer: Allowed<require::DataImport>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let report = service::import_problems(&ctx.db, viewer.actor.organization_id, id).await?;
    Ok(csv_download(&format!("errors-{id}.csv"), report))
}

/// An empty file with the entity's columns (`clients.csv`, …).
async fn template(
    _viewer: Allowed<require::DataImport>,
    Path(file): Path<String>,
) -> PageResult<Response> {
    let template = file
        .strip_suffix(".csv")
        .and_then(service::template)
        .ok_or(PageError::NotFound)?;
    Ok(csv_download(&file, template))
}

fn csv_download(file_name: &str, content: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        content,
    )
        .into_response()
}
