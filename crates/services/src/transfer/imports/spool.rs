//! The problems of an import's rows, kept in a file beside the upload
//! while the import runs (they must outlive a rollback), then moved into
//! the database with the import's outcome.

use comptoir_db::Tx;
use comptoir_db::imports::{self as store, RowProblem};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use uuid::Uuid;

/// Row problems kept on disk while the import runs, one JSON line each.
pub(super) struct Spool {
    path: PathBuf,
    file: std::io::BufWriter<std::fs::File>,
}

impl Spool {
    pub(super) fn create(upload: &std::path::Path) -> std::io::Result<Self> {
        let path = upload.with_extension("problems");
        let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        Ok(Self { path, file })
    }

    pub(super) fn write(&mut self, problems: &[RowProblem]) -> std::io::Result<()> {
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
    pub(super) async fn drain_into(mut self, tx: &mut Tx, import_id: Uuid) -> Result<(), String> {
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
