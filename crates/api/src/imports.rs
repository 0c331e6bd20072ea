//! Spreadsheet imports: `POST /imports` stores the upload and answers 202;
//! a background task reads it row by row and upserts by `code`, with the
//! same validation (and messages) as the API. The whole import runs in
//! one transaction: a dry run or an `abort` import with a bad row rolls it
//! back, and a crash leaves nothing half-written. A commit-mode import's
//! outcome commits with its rows, so an import a stopped process left
//! `running` wrote nothing: the job sweep ([`fail_abandoned`]) says so.

use crate::auth::{Authorized, require};
use crate::catalog::ProductRequest;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ListParams, Multipart, PageOf, Path, Query, merge_patch};
use crate::parties::{ClientRequest, SupplierRequest, check_client_references};
use crate::price_lists::PriceRuleRequest;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use comptoir_db::audit::{self as audit_store, Actor, Change};
use comptoir_db::catalog::{self as catalog_store, Product, Variant};
use comptoir_db::imports::{self as store, Import, NewImport, Progress, RowProblem};
use comptoir_db::parties::{self as party_store, Client, Supplier};
use comptoir_db::price_lists::{self as price_list_store, PriceList, PriceRule};
use comptoir_db::resource::{self, Table};
use comptoir_db::stock::{
    self as stock_store, Item, LevelSet, Location, MovementNote, StockError, Warehouse,
};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{PriceScope, ProductKind};
use comptoir_domain::numbers::Quantity;
use comptoir_domain::pricing::RuleScope;
use comptoir_transfer::columns::{ColumnMap, ENTITIES, Entity, entity_names};
use comptoir_transfer::csv_reader::CsvRows;
use comptoir_transfer::numbers::{normalize_date, normalize_decimal};
use comptoir_transfer::xlsx_reader;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router(upload_limit_bytes: usize) -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_imports, start_import))
        .routes(routes!(get_import))
        .routes(routes!(import_errors))
        .routes(routes!(template))
        .layer(DefaultBodyLimit::max(upload_limit_bytes))
}

/// Progress of the imports running in this process, by import id.
pub type RunningImports = Arc<Mutex<HashMap<Uuid, Progress>>>;

fn entity(name: &str) -> Option<&'static Entity> {
    ENTITIES.iter().copied().find(|entity| entity.name == name)
}

fn upload_path(id: Uuid) -> PathBuf {
    std::env::temp_dir()
        .join("comptoir-imports")
        .join(format!("{id}.upload"))
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

/// An import asked for outside HTTP (the command line).
pub struct ImportRequest<'a> {
    pub organization_id: Uuid,
    /// Who the import is recorded as made by.
    pub user_id: Uuid,
    pub entity: &'a str,
    pub file: &'a std::path::Path,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// Write the good rows and report the bad ones, instead of writing
    /// nothing when a row is bad.
    pub skip_bad_rows: bool,
}

/// Runs an import to its end, exactly as `POST /imports` does in the
/// background (the file is copied first, as an upload would be); its
/// progress shows in `running` meanwhile. Returns the finished import.
pub async fn run_import(
    db: &Db,
    running: RunningImports,
    request: ImportRequest<'_>,
) -> ApiResult<Import> {
    if entity(request.entity).is_none() {
        return Err(ApiError::BadRequest(format!(
            "unknown entity {}: {}",
            request.entity,
            entity_names()
        )));
    }
    let import = store::create(
        db,
        &NewImport {
            organization_id: request.organization_id,
            user_id: request.user_id,
            entity: request.entity,
            mode: if request.dry_run { "dry_run" } else { "commit" },
            on_error: if request.skip_bad_rows {
                "skip"
            } else {
                "abort"
            },
            file_name: request.file.file_name().and_then(|name| name.to_str()),
        },
    )
    .await?;
    let path = upload_path(import.id);
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(ApiError::internal)?;
    }
    tokio::fs::copy(request.file, &path).await.map_err(|e| {
        ApiError::BadRequest(format!("cannot read {}: {e}", request.file.display()))
    })?;
    let job = Job {
        running,
        sheet: request.sheet,
        db: db.clone(),
        actor: Actor {
            organization_id: request.organization_id,
            user_id: Some(request.user_id),
            request_id: None,
            ip: None,
        },
        import: import.clone(),
        path,
    };
    job.run().await;
    Ok(resource::get(db, request.organization_id, import.id).await?)
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

/// One import running in the background.
struct Job {
    running: RunningImports,
    /// The XLSX sheet to read; the first one when absent.
    sheet: Option<String>,
    db: Db,
    actor: Actor,
    import: Import,
    path: PathBuf,
}

/// What became of one row.
enum Outcome {
    Created,
    Updated,
}

/// Audit entries of imported rows are written this many at a time, in
/// multi-row statements.
const AUDIT_BATCH: usize = 500;

/// Rows written before the planner's statistics are first refreshed; then
/// each time the rows written double.
const STATISTICS_EVERY: i64 = 2_000;

/// Rows validated and written together.
const CHUNK_ROWS: usize = 500;

/// How many rows the reader may be ahead of the database.
const ROW_BUFFER: usize = 256;

impl Job {
    async fn run(self) {
        let outcome = self.execute().await;
        if let Ok(mut running) = self.running.lock() {
            running.remove(&self.import.id);
        }
        let _ = tokio::fs::remove_file(&self.path).await;
        if let Err((progress, message)) = outcome {
            tracing::warn!(import = %self.import.id, %message, "import failed");
            let _ =
                store::report(&self.db, self.import.id, "failed", progress, Some(&message)).await;
        }
    }

    async fn execute(&self) -> Result<(), (Progress, String)> {
        let mut progress = Progress::default();
        let fail = |progress: Progress, message: String| (progress, message);
        let entity =
            entity(&self.import.entity).ok_or_else(|| fail(progress, "unknown entity".into()))?;
        store::report(&self.db, self.import.id, "running", progress, None)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        let (sender, mut rows) = tokio::sync::mpsc::channel(ROW_BUFFER);
        let (path, sheet) = (self.path.clone(), self.sheet.clone());
        let reader =
            tokio::task::spawn_blocking(move || read_rows(&path, sheet.as_deref(), sender));
        let Some(Ok(header)) = rows.recv().await else {
            let message = match reader.await {
                Ok(Err(message)) => message,
                _ => "the file could not be read".to_owned(),
            };
            return Err(fail(progress, message));
        };
        let map = match entity.map_headers(&header.fields) {
            Ok(map) => map,
            Err(header_problems) => {
                let problems: Vec<RowProblem> = header_problems
                    .into_iter()
                    .map(|(column, message)| RowProblem {
                        row_number: 1,
                        column_name: column,
                        value: None,
                        message,
                    })
                    .collect();
                let stored = async {
                    let mut tx = self.db.begin().await?;
                    store::add_problems(&mut tx, self.import.id, &problems).await?;
                    tx.commit().await
                };
                if let Err(error) = stored.await {
                    return Err(fail(progress, error.to_string()));
                }
                return Err(fail(progress, "the header row has problems".into()));
            }
        };
        let categories = catalog_store::categories_by_name(&self.db, self.actor.organization_id)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        let places = if entity.name == "stock_levels" {
            places(&self.db, self.actor.organization_id)
                .await
                .map_err(|e| fail(progress, e.to_string()))?
        } else {
            HashMap::new()
        };
        let price_lists = if entity.name == "price_list_rules" {
            crate::exports::names::<PriceList>(&self.db, self.actor.organization_id, |list| {
                (list.id, list.name.trim().to_lowercase())
            })
            .await
            .map_err(|e| fail(progress, e.to_string()))?
            .into_iter()
            .map(|(id, name)| (name, id))
            .collect()
        } else {
            HashMap::new()
        };
        let mut tx = self
            .db
            .begin()
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        store::hold(&mut tx, self.import.id)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        // The import links its own audit entries, taking the chain head
        // before any other row lock, as the chainer does.
        let mut chain = audit_store::lock_head(&mut tx, self.actor.organization_id)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        let mut written_at_last_statistics = 0;
        // Problems wait in a file until the rows are written: they are
        // stored with the outcome, and must outlive a rollback.
        let mut spool = Spool::create(&self.path).map_err(|e| fail(progress, e.to_string()))?;
        let mut audit = Vec::new();
        let mut chunk: Vec<Row> = Vec::with_capacity(CHUNK_ROWS);
        let mut chunk_codes = HashSet::new();
        loop {
            let row = match rows.recv().await {
                Some(row) => Some(row.map_err(|message| fail(progress, message))?),
                None => None,
            };
            let code = row.as_ref().and_then(|row| row_code(&map, &row.fields));
            // A code met twice in a chunk: the second row must find the
            // record the first one wrote.
            let repeated = code.as_ref().is_some_and(|code| chunk_codes.contains(code));
            if !chunk.is_empty() && (row.is_none() || chunk.len() >= CHUNK_ROWS || repeated) {
                let rows_read = std::mem::take(&mut chunk);
                chunk_codes.clear();
                let outcomes = self
                    .write_chunk(
                        &mut tx,
                        entity,
                        Lookups {
                            categories: &categories,
                            places: &places,
                            price_lists: &price_lists,
                        },
                        &map,
                        &header.fields,
                        rows_read,
                    )
                    .await
                    .map_err(|message| fail(progress, message))?;
                for outcome in outcomes {
                    match outcome {
                        Ok((outcome, change)) => {
                            match outcome {
                                Outcome::Created => progress.created += 1,
                                Outcome::Updated => progress.updated += 1,
                            }
                            audit.extend(change);
                        }
                        Err(row_problems) => {
                            progress.failed += 1;
                            spool
                                .write(&row_problems)
                                .map_err(|e| fail(progress, e.to_string()))?;
                        }
                    }
                    progress.processed_rows += 1;
                }
                let written = progress.created + progress.updated;
                if written >= STATISTICS_EVERY.max(2 * written_at_last_statistics) {
                    store::refresh_statistics(&mut tx, entity.name)
                        .await
                        .map_err(|e| fail(progress, e.to_string()))?;
                    written_at_last_statistics = written;
                }
                if audit.len() >= AUDIT_BATCH {
                    audit_store::record_chained(
                        &mut tx,
                        &self.actor,
                        &mut chain,
                        std::mem::take(&mut audit),
                    )
                    .await
                    .map_err(|e| fail(progress, e.to_string()))?;
                }
                if let Ok(mut running) = self.running.lock() {
                    running.insert(self.import.id, progress);
                }
            }
            let Some(row) = row else {
                break;
            };
            progress.total_rows += 1;
            chunk_codes.extend(code);
            chunk.push(row);
        }
        if let Ok(Err(message)) = reader.await {
            return Err(fail(progress, message));
        }
        audit_store::record_chained(&mut tx, &self.actor, &mut chain, audit)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        let abort = self.import.on_error == "abort" && progress.failed > 0;
        let message = if self.import.mode == "dry_run" {
            Some("dry run: nothing was written")
        } else if abort {
            Some("some rows have problems: nothing was written (on_error=abort)")
        } else {
            None
        };
        // What is kept commits with the import's outcome, in its
        // transaction; what is undone leaves only the outcome and problems.
        let mut tx = if message.is_some() {
            tx.rollback()
                .await
                .map_err(|e| fail(progress, e.to_string()))?;
            self.db
                .begin()
                .await
                .map_err(|e| fail(progress, e.to_string()))?
        } else {
            tx
        };
        spool
            .drain_into(&mut tx, self.import.id)
            .await
            .map_err(|e| fail(progress, e))?;
        store::report_in(&mut tx, self.import.id, "done", progress, message)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        tx.commit().await.map_err(|e| fail(progress, e.to_string()))
    }

    /// Validates a chunk of rows like the API would and writes the good
    /// ones, with one lookup of the codes (and barcodes) for the chunk and
    /// multi-row inserts; returns, per row, what was done or its problems.
    /// An error ends the import: rows are checked before any write, so the
    /// database refusing one is unexpected.
    async fn write_chunk(
        &self,
        tx: &mut Tx,
        entity: &Entity,
        lookups: Lookups<'_>,
        map: &ColumnMap,
        headers: &[String],
        rows: Vec<Row>,
    ) -> Result<Vec<RowOutcome>, String> {
        let parsed = rows
            .iter()
            .map(|row| {
                let cells = Cells {
                    map,
                    headers,
                    fields: &row.fields,
                    number: row.number as i64,
                };
                let (object, problems) = row_object(map, &row.fields, &|field, message| {
                    cells.problem(field, message)
                });
                ParsedRow {
                    cells,
                    object,
                    problems,
                }
            })
            .collect();
        let organization_id = self.actor.organization_id;
        let outcomes = match entity.name {
            "products" => write_products(tx, organization_id, lookups.categories, parsed).await,
            "stock_levels" => write_stock_levels(tx, &self.actor, lookups.places, parsed).await,
            "price_list_rules" => write_price_rules(tx, organization_id, lookups, parsed).await,
            "clients" => write_parties::<Client>(tx, organization_id, parsed).await,
            _ => write_parties::<Supplier>(tx, organization_id, parsed).await,
        };
        outcomes.map_err(|error| error.to_string())
    }
}

/// What became of one row: written (with its audit entry, unless nothing
/// changed), or its problems.
type RowOutcome = Result<(Outcome, Option<Change>), Vec<RowProblem>>;

/// What rows name, resolved once per import.
#[derive(Clone, Copy)]
struct Lookups<'a> {
    /// Category ids by lower-case name.
    categories: &'a HashMap<String, Uuid>,
    /// Location ids by `WAREHOUSE/LOCATION`, and by `WAREHOUSE` for its
    /// `STOCK` location (stock levels only).
    places: &'a HashMap<String, Uuid>,
    /// Price list ids by lower-case name (price list rules only).
    price_lists: &'a HashMap<String, Uuid>,
}

/// The organization's locations by `WAREHOUSE/LOCATION` code, and each
/// warehouse's code alone for its default `STOCK` location.
async fn places(db: &Db, organization_id: Uuid) -> ApiResult<HashMap<String, Uuid>> {
    let warehouses =
        crate::exports::names::<Warehouse>(db, organization_id, |w| (w.id, w.code.to_uppercase()))
            .await?;
    let locations = crate::exports::names::<Location>(db, organization_id, |l| {
        let warehouse = warehouses.get(&l.warehouse_id).cloned().unwrap_or_default();
        (l.id, format!("{warehouse}/{}", l.code.to_uppercase()))
    })
    .await?;
    let mut places: HashMap<String, Uuid> = locations
        .into_iter()
        .map(|(id, place)| (place, id))
        .collect();
    for code in warehouses.into_values() {
        if let Some(id) = places.get(&format!("{code}/STOCK")).copied() {
            places.insert(code, id);
        }
    }
    Ok(places)
}

/// A row turned into the API's JSON, with the problems its cells had.
struct ParsedRow<'a> {
    cells: Cells<'a>,
    object: Map<String, Value>,
    problems: Vec<RowProblem>,
}

/// A stored record found by its code.
trait Coded {
    fn code(&self) -> &str;
    fn id(&self) -> Uuid;
}

macro_rules! coded {
    ($($record:ty),+) => {
        $(impl Coded for $record {
            fn code(&self) -> &str {
                &self.code
            }
            fn id(&self) -> Uuid {
                self.id
            }
        })+
    };
}
coded!(Product, Variant, Client, Supplier);

/// The records the rows' codes name, by code.
async fn existing_by_code<T: comptoir_db::Record + Table + Coded>(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: &[ParsedRow<'_>],
) -> Result<HashMap<String, T>, DbError> {
    let codes: Vec<String> = rows
        .iter()
        .filter_map(|row| object_code(&row.object))
        .collect();
    records_by_code(tx, organization_id, &codes).await
}

async fn records_by_code<T: comptoir_db::Record + Table + Coded>(
    tx: &mut Tx,
    organization_id: Uuid,
    codes: &[String],
) -> Result<HashMap<String, T>, DbError> {
    let found: Vec<T> = resource::by_codes(tx, organization_id, codes).await?;
    Ok(found
        .into_iter()
        .map(|record| (record.code().to_owned(), record))
        .collect())
}

async fn write_products(
    tx: &mut Tx,
    organization_id: Uuid,
    categories: &HashMap<String, Uuid>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let mut existing = existing_by_code::<Product>(tx, organization_id, &rows).await?;
    let mut outcomes: Vec<Option<RowOutcome>> = rows.iter().map(|_| None).collect();
    let mut valid = Vec::new();
    for (index, row) in rows.into_iter().enumerate() {
        let ParsedRow {
            cells,
            mut object,
            mut problems,
        } = row;
        // A category is named, and must be one of the organization's.
        if let Some(name) = object.remove("category") {
            let wanted = name.as_str().unwrap_or_default().trim().to_lowercase();
            match categories.get(&wanted) {
                Some(id) => {
                    object.insert("category_id".into(), json!(id));
                }
                None => problems.push(cells.problem("category", "no category of this name".into())),
            }
        }
        let current = object_code(&object).and_then(|code| existing.remove(&code));
        match validated(current, object, problems, ProductRequest::validate, &cells) {
            Ok((current, input)) => valid.push((index, cells, current, input)),
            Err(problems) => outcomes[index] = Some(Err(problems)),
        }
    }
    let barcodes: Vec<&str> = valid
        .iter()
        .filter_map(|(_, _, _, input)| input.barcode.as_ref().map(|b| b.as_str()))
        .collect();
    let owners = catalog_store::barcode_owners(tx, organization_id, &barcodes).await?;
    let mut claimed = HashSet::new();
    let mut created = Vec::new();
    for (index, cells, current, input) in &valid {
        if let Some(barcode) = &input.barcode {
            let mine = current.as_ref().map(|product| product.id);
            let held_elsewhere = owners
                .get(barcode.as_str())
                .is_some_and(|owner| Some(*owner) != mine);
            if held_elsewhere || !claimed.insert(barcode.as_str()) {
                let problem = cells.problem("barcode", "this barcode is already used".into());
                outcomes[*index] = Some(Err(vec![problem]));
                continue;
            }
        }
        match current {
            Some(current) => {
                let after = catalog_store::update_product(
                    tx,
                    organization_id,
                    current.id,
                    current.version,
                    input,
                )
                .await?;
                let change = change("product", after.id, Some(current), &after);
                outcomes[*index] = Some(Ok((Outcome::Updated, Some(change))));
            }
            None => created.push((*index, input)),
        }
    }
    let inputs: Vec<_> = created.iter().map(|(_, input)| *input).collect();
    let products = catalog_store::insert_products(tx, organization_id, &inputs).await?;
    for ((index, _), product) in created.into_iter().zip(products) {
        let change = change("product", product.id, None, &product);
        outcomes[index] = Some(Ok((Outcome::Created, Some(change))));
    }
    Ok(outcomes.into_iter().flatten().collect())
}

/// How rows of one kind of party are checked and written.
trait PartyRows: comptoir_db::Record + Table + Coded + serde::Serialize + Sized {
    type Request: serde::de::DeserializeOwned;
    type Input;
    const RESOURCE: &'static str;
    fn validate(request: Self::Request) -> Result<Self::Input, FieldErrors>;
    /// The field naming a record that does not exist, if any.
    async fn missing_reference(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Option<&'static str>;
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError>;
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError>;
}

impl PartyRows for Client {
    type Request = ClientRequest;
    type Input = party_store::ClientInput;
    const RESOURCE: &'static str = "client";
    fn validate(request: ClientRequest) -> Result<Self::Input, FieldErrors> {
        request.validate()
    }
    async fn missing_reference(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Option<&'static str> {
        let found = check_client_references(tx, organization_id, input).await;
        found.is_err().then_some("price_list_id")
    }
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::insert_client(tx, organization_id, input).await
    }
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::update_client(tx, organization_id, current.id, current.version, input).await
    }
}

impl PartyRows for Supplier {
    type Request = SupplierRequest;
    type Input = party_store::SupplierInput;
    const RESOURCE: &'static str = "supplier";
    fn validate(request: SupplierRequest) -> Result<Self::Input, FieldErrors> {
        request.validate()
    }
    async fn missing_reference(_: &mut Tx, _: Uuid, _: &Self::Input) -> Option<&'static str> {
        None
    }
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::insert_supplier(tx, organization_id, input).await
    }
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::update_supplier(tx, organization_id, current.id, current.version, input).await
    }
}

/// Clients or suppliers: one lookup of the chunk's codes, then a write
/// per row.
async fn write_parties<P: PartyRows>(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let mut existing = existing_by_code::<P>(tx, organization_id, &rows).await?;
    let mut outcomes = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        object,
        problems,
    } in rows
    {
        let current = object_code(&object).and_then(|code| existing.remove(&code));
        let (current, input) = match validated(current, object, problems, P::validate, &cells) {
            Ok(valid) => valid,
            Err(problems) => {
                outcomes.push(Err(problems));
                continue;
            }
        };
        if let Some(field) = P::missing_reference(tx, organization_id, &input).await {
            outcomes.push(Err(vec![cells.problem(field, "no such record".into())]));
            continue;
        }
        outcomes.push(Ok(match current {
            Some(current) => {
                let after = P::update(tx, organization_id, &current, &input).await?;
                let change = change(P::RESOURCE, after.id(), Some(&current), &after);
                (Outcome::Updated, Some(change))
            }
            None => {
                let after = P::insert(tx, organization_id, &input).await?;
                (
                    Outcome::Created,
                    Some(change(P::RESOURCE, after.id(), None, &after)),
                )
            }
        }));
    }
    Ok(outcomes)
}

/// Stock levels: each row sets the physical stock of an item at a place
/// through one adjustment movement for the difference (none when equal),
/// checked as a movement would be: never below what is reserved, never
/// while an inventory counts that stock. A row for a level that did not
/// exist counts as created.
async fn write_stock_levels(
    tx: &mut Tx,
    actor: &Actor,
    places: &HashMap<String, Uuid>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let organization_id = actor.organization_id;
    let (products, variants) = named_items(tx, organization_id, &rows).await?;
    let note = MovementNote {
        user_id: actor.user_id,
        reason: Some("import"),
        reference: None,
        reservation_id: None,
        inventory_id: None,
    };
    let mut outcomes = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        object,
        mut problems,
    } in rows
    {
        let mut problem =
            |field: &str, message: String| problems.push(cells.problem(field, message));
        let product = match upper_text(&object, "product").map(|code| products.get(&code)) {
            None => {
                problem("product", "is required".into());
                None
            }
            Some(None) => {
                problem("product", "no product with this code".into());
                None
            }
            Some(Some(product)) if product.kind != ProductKind::Goods => {
                problem("product", "a service has no stock".into());
                None
            }
            Some(found) => found,
        };
        let variant_id = match upper_text(&object, "variant").map(|code| variants.get(&code)) {
            None => None,
            Some(None) => {
                problem("variant", "no variant with this code".into());
                None
            }
            Some(Some(variant)) if product.is_some_and(|p| p.id != variant.product_id) => {
                problem("variant", "is a variant of another product".into());
                None
            }
            Some(Some(variant)) => Some(variant.id),
        };
        let (warehouse, location) = (
            upper_text(&object, "warehouse"),
            upper_text(&object, "location"),
        );
        let (field, place) = match (warehouse, location) {
            (_, Some(location)) if location.contains('/') => ("location", Some(location)),
            (Some(warehouse), Some(location)) => {
                ("location", Some(format!("{warehouse}/{location}")))
            }
            (Some(warehouse), None) => ("warehouse", Some(warehouse)),
            (None, Some(_)) => {
                problem(
                    "location",
                    "name its warehouse too: WAREHOUSE/LOCATION, or a warehouse column".into(),
                );
                ("location", None)
            }
            (None, None) => {
                problem("warehouse", "a warehouse or a location is required".into());
                ("warehouse", None)
            }
        };
        let location_id = place.and_then(|place| {
            let found = places.get(&place).copied();
            if found.is_none() {
                problem(field, format!("no location {place}"));
            }
            found
        });
        let quantity = match object.get("physical").and_then(Value::as_str) {
            None => {
                problem("physical", "is required".into());
                None
            }
            Some(text) => Quantity::parse_non_negative(text)
                .map_err(|e| problem("physical", e.to_string()))
                .ok(),
        };
        let (Some(product), Some(location_id), Some(quantity), true) =
            (product, location_id, quantity, problems.is_empty())
        else {
            outcomes.push(Err(problems));
            continue;
        };
        let item = Item {
            product_id: product.id,
            variant_id,
        };
        let set =
            stock_store::set_physical(tx, organization_id, item, location_id, quantity, &note);
        outcomes.push(match set.await {
            Ok(LevelSet::Unchanged) => Ok((Outcome::Updated, None)),
            Ok(LevelSet::Changed(movement)) => Ok((
                Outcome::Updated,
                Some(change("stock_movement", movement.id, None, &movement)),
            )),
            Ok(LevelSet::Created(movement)) => Ok((
                Outcome::Created,
                Some(change("stock_movement", movement.id, None, &movement)),
            )),
            Err(StockError::Insufficient(shortages)) => {
                let free = shortages.first().map(|s| s.available).unwrap_or_default();
                Err(vec![cells.problem(
                    "physical",
                    format!(
                        "reservations hold part of this stock: it can go down by {free} at most"
                    ),
                )])
            }
            Err(StockError::Blocked(number)) => Err(vec![cells.problem(
                "physical",
                format!("inventory {number} is in progress on this stock"),
            )]),
            Err(StockError::InvalidTransition(message)) => {
                Err(vec![cells.problem("physical", message)])
            }
            Err(StockError::Db(error)) => return Err(error),
        });
    }
    Ok(outcomes)
}

/// What names a price list rule: an imported row with the same key
/// updates that rule.
#[derive(PartialEq, Eq, Hash)]
struct RuleKey {
    price_list_id: Uuid,
    scope: RuleScope,
    min_quantity_units: i64,
    valid_from: Option<NaiveDate>,
}

impl RuleKey {
    /// The key a row names, when its key fields are valid (validation
    /// reports them otherwise): no minimum quantity means 0, no start date
    /// means none.
    fn named_by(price_list_id: Uuid, object: &Map<String, Value>) -> Option<Self> {
        let id = |field: &str| {
            object
                .get(field)
                .and_then(|id| serde_json::from_value::<Uuid>(id.clone()).ok())
        };
        let scope = match PriceScope::parse(object.get("scope")?.as_str()?).ok()? {
            PriceScope::All => RuleScope::All,
            PriceScope::Category => RuleScope::Category(id("category_id")?),
            PriceScope::Product => RuleScope::Product(id("product_id")?),
            PriceScope::Variant => RuleScope::Variant(id("variant_id")?),
        };
        let min_quantity = match object.get("min_quantity") {
            Some(text) => Quantity::parse_non_negative(text.as_str()?).ok()?,
            None => Quantity::default(),
        };
        let valid_from = match object.get("valid_from") {
            Some(date) => Some(serde_json::from_value(date.clone()).ok()?),
            None => None,
        };
        Some(Self {
            price_list_id,
            scope,
            min_quantity_units: min_quantity.units(),
            valid_from,
        })
    }

    fn of(rule: &PriceRule) -> Self {
        let pricing = rule.for_pricing();
        Self {
            price_list_id: rule.price_list_id,
            scope: pricing.scope,
            min_quantity_units: pricing.min_quantity.units(),
            valid_from: rule.valid_from,
        }
    }
}

/// The rule fields a row names by code or name, and what they resolve to.
const RULE_TARGETS: [(&str, &str, PriceScope); 3] = [
    ("variant", "variant_id", PriceScope::Variant),
    ("product", "product_id", PriceScope::Product),
    ("category", "category_id", PriceScope::Category),
];

/// Price list rules: the price list is named, the target is a product or
/// variant code or a category name, and the key (price list, target,
/// minimum quantity, start date) finds the rule a row updates — merged
/// like a PATCH — or else creates one. A row giving a fixed price drops
/// the rule's discount, and the other way round.
async fn write_price_rules(
    tx: &mut Tx,
    organization_id: Uuid,
    lookups: Lookups<'_>,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let (products, variants) = named_items(tx, organization_id, &rows).await?;
    let mut resolved = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        mut object,
        mut problems,
    } in rows
    {
        let mut problem =
            |field: &str, message: &str| problems.push(cells.problem(field, message.to_owned()));
        let list_name = object
            .remove("price_list")
            .and_then(|name| name.as_str().map(|name| name.trim().to_lowercase()));
        let price_list_id = match list_name.map(|name| lookups.price_lists.get(&name)) {
            None => {
                problem("price_list", "is required");
                None
            }
            Some(None) => {
                problem("price_list", "no price list of this name");
                None
            }
            Some(Some(id)) => Some(*id),
        };
        let mut named = None;
        for (field, id_field, scope) in RULE_TARGETS {
            let Some(text) = object.remove(field) else {
                continue;
            };
            let text = text.as_str().unwrap_or_default().trim();
            let id = match scope {
                PriceScope::Variant => variants.get(&text.to_uppercase()).map(|v| v.id),
                PriceScope::Product => products.get(&text.to_uppercase()).map(|p| p.id),
                _ => lookups.categories.get(&text.to_lowercase()).copied(),
            };
            match id {
                Some(id) => {
                    object.insert(id_field.into(), json!(id));
                }
                None if scope == PriceScope::Category => problem(field, "no category of this name"),
                None => problem(field, &format!("no {field} with this code")),
            }
            named.get_or_insert(scope);
        }
        if let (false, Some(scope)) = (object.contains_key("scope"), named) {
            object.insert("scope".into(), json!(scope.as_str()));
        } else if !object.contains_key("scope") {
            object.insert("scope".into(), json!(PriceScope::All.as_str()));
        }
        match (
            object.contains_key("fixed_price"),
            object.contains_key("discount_percent"),
        ) {
            (true, false) => object.insert("discount_percent".into(), Value::Null),
            (false, true) => object.insert("fixed_price".into(), Value::Null),
            _ => None,
        };
        let key = price_list_id.and_then(|id| RuleKey::named_by(id, &object));
        resolved.push((cells, object, problems, key));
    }
    let price_list_ids: Vec<Uuid> = resolved
        .iter()
        .filter_map(|(_, _, _, key)| key.as_ref().map(|key| key.price_list_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let target_ids: Vec<Uuid> = resolved
        .iter()
        .filter_map(|(_, _, _, key)| match key.as_ref()?.scope {
            RuleScope::All => None,
            RuleScope::Category(id) | RuleScope::Product(id) | RuleScope::Variant(id) => Some(id),
        })
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut existing: HashMap<RuleKey, PriceRule> =
        price_list_store::rules_for_targets(tx, organization_id, &price_list_ids, &target_ids)
            .await?
            .into_iter()
            .map(|rule| (RuleKey::of(&rule), rule))
            .collect();
    let mut outcomes = Vec::with_capacity(resolved.len());
    for (cells, object, mut problems, key) in resolved {
        let current = key.as_ref().and_then(|key| existing.get(key));
        let request: Result<PriceRuleRequest, String> = request_from(current, object);
        let input = match request.map(PriceRuleRequest::validate) {
            Err(message) => Err(vec![cells.problem("price_list", message)]),
            Ok(Ok(input)) if problems.is_empty() => Ok(input),
            Ok(Ok(_)) => Err(problems),
            Ok(Err(errors)) => {
                for error in errors.into_vec() {
                    let field = RULE_TARGETS
                        .iter()
                        .find(|(_, id_field, _)| *id_field == error.field)
                        .map_or(error.field.as_str(), |(field, _, _)| field);
                    let column = cells.problem(field, String::new()).column_name;
                    if !problems.iter().any(|p| p.column_name == column) {
                        problems.push(cells.problem(field, error.message));
                    }
                }
                Err(problems)
            }
        };
        let (input, key) = match (input, key) {
            (Ok(input), Some(key)) => (input, key),
            (Err(problems), _) => {
                outcomes.push(Err(problems));
                continue;
            }
            (Ok(_), None) => {
                let problem = cells.problem("scope", "does not name one rule".into());
                outcomes.push(Err(vec![problem]));
                continue;
            }
        };
        let outcome = match existing.get(&key) {
            Some(current) => {
                let after = price_list_store::update_price_rule(
                    tx,
                    organization_id,
                    current.id,
                    current.version,
                    &input,
                )
                .await?;
                let change = change("price_rule", after.id, Some(current), &after);
                existing.insert(key, after);
                (Outcome::Updated, Some(change))
            }
            None => {
                let rule = price_list_store::insert_price_rule(
                    tx,
                    organization_id,
                    key.price_list_id,
                    &input,
                )
                .await?;
                let change = change("price_rule", rule.id, None, &rule);
                existing.insert(key, rule);
                (Outcome::Created, Some(change))
            }
        };
        outcomes.push(Ok(outcome));
    }
    Ok(outcomes)
}

/// The products and variants the rows name by code (`product`, `variant`).
async fn named_items(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: &[ParsedRow<'_>],
) -> Result<(HashMap<String, Product>, HashMap<String, Variant>), DbError> {
    let codes = |field: &str| -> Vec<String> {
        rows.iter()
            .filter_map(|row| upper_text(&row.object, field))
            .collect()
    };
    Ok((
        records_by_code(tx, organization_id, &codes("product")).await?,
        records_by_code(tx, organization_id, &codes("variant")).await?,
    ))
}

/// A text cell of a row, trimmed and upper-cased as codes are stored.
fn upper_text(object: &Map<String, Value>, field: &str) -> Option<String> {
    object
        .get(field)
        .and_then(Value::as_str)
        .map(|text| text.trim().to_uppercase())
        .filter(|text| !text.is_empty())
}

/// The code a row names, as stored (upper case).
fn object_code(object: &Map<String, Value>) -> Option<String> {
    object
        .get("code")
        .and_then(Value::as_str)
        .map(str::to_uppercase)
}

/// The code cell of a raw row, as stored.
fn row_code(map: &ColumnMap, fields: &[String]) -> Option<String> {
    let (_, index) = map.fields.iter().find(|(field, _)| *field == "code")?;
    let cell = fields.get(*index)?.trim();
    (!cell.is_empty()).then(|| cell.to_uppercase())
}

/// The row turned into the storage input exactly as the API validates it,
/// merged over the record its code names when there is one; `problems`
/// are those the row's cells already had.
fn validated<T, R, I>(
    existing: Option<T>,
    object: Map<String, Value>,
    mut problems: Vec<RowProblem>,
    validate: impl FnOnce(R) -> Result<I, FieldErrors>,
    cells: &Cells<'_>,
) -> Result<(Option<T>, I), Vec<RowProblem>>
where
    T: serde::Serialize,
    R: serde::de::DeserializeOwned,
{
    let request: R = request_from(existing.as_ref(), object)
        .map_err(|message| vec![cells.problem("code", message)])?;
    match validate(request) {
        Ok(input) if problems.is_empty() => Ok((existing, input)),
        Ok(_) => Err(problems),
        Err(errors) => {
            problems.extend(
                errors
                    .into_vec()
                    .into_iter()
                    .map(|e| cells.problem(&e.field, e.message)),
            );
            Err(problems)
        }
    }
}

/// The audit entry of an imported row.
fn change<T: serde::Serialize>(
    resource_type: &'static str,
    id: Uuid,
    before: Option<&T>,
    after: &T,
) -> Change {
    Change {
        action: if before.is_some() {
            "import_update"
        } else {
            "import_create"
        },
        resource_type,
        resource_id: id,
        before: before.and_then(|b| serde_json::to_value(b).ok()),
        after: serde_json::to_value(after).ok(),
    }
}

/// The request a row stands for: the row's fields merged over the current
/// record when the code exists (like a PATCH), or the row alone.
fn request_from<T: serde::Serialize, R: serde::de::DeserializeOwned>(
    existing: Option<&T>,
    object: Map<String, Value>,
) -> Result<R, String> {
    match existing {
        Some(current) => merge_patch(current, Value::Object(object)).map_err(|e| e.to_string()),
        None => serde_json::from_value(Value::Object(object)).map_err(|e| e.to_string()),
    }
}

/// One data row and where its cells go.
#[derive(Clone, Copy)]
struct Cells<'a> {
    map: &'a ColumnMap,
    headers: &'a [String],
    fields: &'a [String],
    number: i64,
}

impl Cells<'_> {
    /// A problem with `field` in this row, naming the file's own column.
    fn problem(&self, field: &str, message: String) -> RowProblem {
        let index = self
            .map
            .fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, index)| *index);
        RowProblem {
            row_number: self.number,
            column_name: index
                .and_then(|i| self.headers.get(i).cloned())
                .unwrap_or_else(|| field.to_owned()),
            value: index.and_then(|i| self.fields.get(i).cloned()),
            message,
        }
    }
}

/// Fields whose cells are numbers written the spreadsheet way.
const DECIMAL_FIELDS: &[&str] = &[
    "sale_price",
    "fixed_price",
    "min_quantity",
    "purchase_price",
    "vat_rate",
    "discount_percent",
    "credit_limit",
    "physical",
];

/// The JSON object of a row: blank cells are left out (a blank does not
/// erase), numbers get a decimal point, yes/no cells become booleans.
fn row_object(
    map: &ColumnMap,
    fields: &[String],
    problem: &impl Fn(&str, String) -> RowProblem,
) -> (Map<String, Value>, Vec<RowProblem>) {
    let mut object = Map::new();
    let mut problems = Vec::new();
    for (field, index) in &map.fields {
        let Some(cell) = fields.get(*index).filter(|cell| !cell.is_empty()) else {
            continue;
        };
        let value = match *field {
            "active" => match cell.to_lowercase().as_str() {
                "1" | "oui" | "o" | "yes" | "y" | "true" | "vrai" | "x" => json!(true),
                "0" | "non" | "n" | "no" | "false" | "faux" => json!(false),
                _ => {
                    problems.push(problem(
                        field,
                        "must be oui/non, yes/no, true/false or 1/0".into(),
                    ));
                    continue;
                }
            },
            "payment_terms_days" => match cell.parse::<i64>() {
                Ok(days) => json!(days),
                Err(_) => {
                    problems.push(problem(field, "must be a whole number of days".into()));
                    continue;
                }
            },
            field if DECIMAL_FIELDS.contains(&field) => json!(normalize_decimal(cell)),
            "valid_from" | "valid_to" => {
                match NaiveDate::parse_from_str(&normalize_date(cell), "%Y-%m-%d") {
                    Ok(date) => json!(date),
                    Err(_) => {
                        problems.push(problem(
                            field,
                            "must be a date: DD/MM/YYYY or YYYY-MM-DD".into(),
                        ));
                        continue;
                    }
                }
            }
            _ => json!(cell),
        };
        object.insert((*field).to_owned(), value);
    }
    (object, problems)
}

struct Row {
    number: u64,
    fields: Vec<String>,
}

/// The header travels as the first message, then every row. XLSX files
/// are recognized by their ZIP signature; anything else is read as CSV.
fn read_rows(
    path: &std::path::Path,
    sheet: Option<&str>,
    sender: tokio::sync::mpsc::Sender<Result<Row, String>>,
) -> Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut signature = [0_u8; 4];
    let read = std::io::Read::read(&mut file, &mut signature).map_err(|e| e.to_string())?;
    if xlsx_reader::looks_like_xlsx(&signature[..read]) {
        return xlsx_reader::read_rows(path, sheet, |number, fields| {
            sender.blocking_send(Ok(Row { number, fields })).is_ok()
        })
        .inspect_err(|message| {
            let _ = sender.blocking_send(Err(message.clone()));
        });
    }
    std::io::Seek::rewind(&mut file).map_err(|e| e.to_string())?;
    let mut csv = CsvRows::open(std::io::BufReader::new(file)).map_err(|e| e.to_string())?;
    let header = Row {
        number: 1,
        fields: csv.headers().to_vec(),
    };
    if sender.blocking_send(Ok(header)).is_err() {
        return Ok(());
    }
    loop {
        match csv.next_row() {
            Ok(Some(fields)) => {
                let row = Row {
                    number: csv.row_number(),
                    fields,
                };
                if sender.blocking_send(Ok(row)).is_err() {
                    return Ok(());
                }
            }
            Ok(None) => return Ok(()),
            Err(error) => {
                let message = format!("row {}: {error}", csv.row_number() + 1);
                let _ = sender.blocking_send(Err(message.clone()));
                return Err(message);
            }
        }
    }
}

/// Row problems kept on disk while the import runs, one JSON line each.
struct Spool {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
}

impl Spool {
    fn create(upload: &std::path::Path) -> std::io::Result<Self> {
        let path = upload.with_extension("problems");
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        Ok(Self { path, file })
    }

    fn write(&mut self, problems: &[RowProblem]) -> std::io::Result<()> {
        for problem in problems {
            let line = json!([
                problem.row_number,
                problem.column_name,
                problem.value,
                problem.message
            ]);
            writeln!(self.file, "{line}")?;
        }
        Ok(())
    }

    /// Moves the spooled problems into the database, a batch at a time.
    async fn drain_into(mut self, tx: &mut Tx, import_id: Uuid) -> Result<(), String> {
        use std::io::BufRead;
        self.file.flush().map_err(|e| e.to_string())?;
        let file = std::fs::File::open(&self.path).map_err(|e| e.to_string())?;
        let mut batch = Vec::new();
        for line in std::io::BufReader::new(file).lines() {
            let line = line.map_err(|e| e.to_string())?;
            let (row_number, column_name, value, message): (i64, String, Option<String>, String) =
                serde_json::from_str(&line).map_err(|e| e.to_string())?;
            batch.push(RowProblem {
                row_number,
                column_name,
                value,
                message,
            });
            if batch.len() == 500 {
                store::add_problems(tx, import_id, &batch)
                    .await
                    .map_err(|e| e.to_string())?;
                batch.clear();
            }
        }
        store::add_problems(tx, import_id, &batch)
            .await
            .map_err(|e| e.to_string())?;
        let _ = std::fs::remove_file(&self.path);
        Ok(())
    }
}

/// An import untouched for this long, and not held by a live transaction,
/// was left by a process that stopped.
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// Fails the imports stopped processes left unfinished; run by every
/// instance's job loop. Returns how many.
pub async fn fail_abandoned(db: &Db) -> ApiResult<u64> {
    Ok(store::fail_abandoned(db, chrono::Utc::now() - ABANDONED_AFTER).await?)
}
