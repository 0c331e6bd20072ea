//! Spreadsheet imports: a file's rows read one by one and upserted by
//! `code`, with the same validation (and messages) as the API's requests.
//! The whole import runs in one transaction: a dry run or an `abort`
//! import with a bad row rolls it back, and a crash leaves nothing
//! half-written. A commit-mode import's outcome commits with its rows, so
//! an import a stopped process left `running` wrote nothing: the job sweep
//! ([`fail_abandoned`]) says so.
//!
//! The file is read on a blocking thread into a bounded channel and
//! written by chunks of 500 rows: one lookup of the chunk's codes (and
//! barcodes), multi-row inserts of new records, an update per existing
//! one. A chunk ends early at a code it already holds, so a repeated code
//! updates what its first row wrote. On PostgreSQL the tables' statistics
//! are refreshed inside the transaction each time the rows written double,
//! or lookups get planned as scans of the whole organization. The import
//! holds its `imports` row and its organization's audit chain head for the
//! whole transaction (see `Job`). Row problems are spooled to a file and
//! stored with the outcome: in the import's transaction when it commits,
//! else in a new one after the rollback.

mod job;
mod outcome;
mod parties;
mod price_rules;
mod products;
mod records;
mod rows;
mod spool;
mod start;
mod stock_levels;

pub use job::RunningImports;
pub use outcome::{
    ImportEntry, ImportReport, fail_abandoned, get_import, import_problems, import_report,
    list_imports, list_imports_with_authors, problems_csv,
};
pub use start::{
    ImportRequest, Upload, importable, run_import, staging_path, start_import, template,
};
