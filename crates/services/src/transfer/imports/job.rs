//! The import job. Both `run_import` (the command line) and the task
//! `start_import` spawns run a `Job`: it reads the file on a blocking
//! thread, hands its rows by chunks to the entity's writer in one
//! transaction, keeps its live progress in `RunningImports` and stores the
//! outcome with the spooled problems.

use crate::actor::Actor;
use crate::transfer::imports::parties::write_parties;
use crate::transfer::imports::price_rules::write_price_rules;
use crate::transfer::imports::products::write_products;
use crate::transfer::imports::records::{Lookups, Outcome, RowOutcome, places};
use crate::transfer::imports::rows::{Cells, ParsedRow, Row, read_rows, row_code, row_object};
use crate::transfer::imports::spool::Spool;
use crate::transfer::imports::stock_levels::write_stock_levels;
use comptoir_db::audit as audit_store;
use comptoir_db::catalog as catalog_store;
use comptoir_db::imports::{self as store, Import, Progress, RowProblem};
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::price_lists::PriceList;
use comptoir_db::{Db, Tx};
use comptoir_domain::transfer::{ImportMode, ImportStatus, OnRowError};
use comptoir_transfer::columns::{ColumnMap, ENTITIES, Entity};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// Progress of the imports running in this process, by import id: the job
/// writes it, `get_import` reads it (SQLite cannot record it in the
/// database while the import's transaction is open).
pub type RunningImports = Arc<Mutex<HashMap<Uuid, Progress>>>;

/// The importable entity of this name.
pub(super) fn entity(name: &str) -> Option<&'static Entity> {
    ENTITIES.iter().copied().find(|entity| entity.name == name)
}

/// One import running in the background.
pub(super) struct Job {
    pub(super) running: RunningImports,
    /// The XLSX sheet to read; the first one when absent.
    pub(super) sheet: Option<String>,
    pub(super) db: Db,
    pub(super) actor: Actor,
    pub(super) import: Import,
    pub(super) path: PathBuf,
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
    pub(super) async fn run(self) {
        let outcome = self.execute().await;
        if let Ok(mut running) = self.running.lock() {
            running.remove(&self.import.id);
        }
        let _ = tokio::fs::remove_file(&self.path).await;
        if let Err((progress, message)) = outcome {
            tracing::warn!(import = %self.import.id, %message, "import failed");
            let _ = store::report(
                &self.db,
                self.actor.organization_id,
                self.import.id,
                ImportStatus::Failed,
                progress,
                Some(&message),
            )
            .await;
        }
    }

    async fn execute(&self) -> Result<(), (Progress, String)> {
        let mut progress = Progress::default();
        let fail = |progress: Progress, message: String| (progress, message);
        let audit_actor = self.actor.audit();
        let entity =
            entity(&self.import.entity).ok_or_else(|| fail(progress, "unknown entity".into()))?;
        store::report(
            &self.db,
            self.actor.organization_id,
            self.import.id,
            ImportStatus::Running,
            progress,
            None,
        )
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
            crate::transfer::names::<PriceList>(&self.db, self.actor.organization_id, |list| {
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
        store::hold(&mut tx, self.actor.organization_id, self.import.id)
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
                        &audit_actor,
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
        audit_store::record_chained(&mut tx, &audit_actor, &mut chain, audit)
            .await
            .map_err(|e| fail(progress, e.to_string()))?;
        let abort = self.import.on_error == OnRowError::Abort && progress.failed > 0;
        let message = if self.import.mode == ImportMode::DryRun {
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
        store::report_in(
            &mut tx,
            self.actor.organization_id,
            self.import.id,
            ImportStatus::Done,
            progress,
            message,
        )
        .await
        .map_err(|e| fail(progress, e.to_string()))?;
        tx.commit().await.map_err(|e| fail(progress, e.to_string()))
    }

    /// Validates a chunk of rows like the API would and writes the good
    /// ones, with one lookup of the codes (and barcodes) for the chunk and
    /// multi-row inserts; returns, per row, what was done or its problems.
    /// An error ends the import: rows are checked before any write
    /// (validation, references, barcode owner), so a bad row is skipped
    /// without a savepoint (thousands of them make PostgreSQL crawl), and
    /// the database refusing one is unexpected.
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
