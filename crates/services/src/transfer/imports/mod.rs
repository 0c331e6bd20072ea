//! Spreadsheet imports: a file's rows read one by one and upserted by
//! `code`, with the same validation (and messages) as the API's requests.
//! The whole import runs in one transaction: a dry run or an `abort`
//! import with a bad row rolls it back, and a crash leaves nothing
//! half-written. A commit-mode import's outcome commits with its rows, so
//! an import a stopped process left `running` wrote nothing: the job sweep
//! ([`fail_abandoned`]) says so.

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
pub use outcome::{fail_abandoned, get_import, import_problems, list_imports, problems_csv};
pub use start::{ImportRequest, Upload, run_import, staging_path, start_import, template};
