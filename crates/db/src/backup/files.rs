//! The files a backup carries: every file named by a column of
//! `files::FILE_COLUMNS`, kept whole in the backup's own `backup_files`
//! table. `backup` adds them after the rows' snapshot, naming exactly the
//! files those rows name; `restore` puts them in the target's store
//! before it writes any row, so a restored row never names a missing file.

use crate::error::DbError;
use crate::files::{FILE_COLUMNS, FileStore};
use crate::pool::{Db, Sql, Tx};

/// The table of the backup file that holds the files, never a table of
/// the schema (`schema::is_copied` leaves it out).
pub(super) const FILES_TABLE: &str = "backup_files";

const CREATE_FILES_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS backup_files (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL)";

/// Copies into the backup file `backup` every file its rows name, read
/// from `files`; returns how many.
pub(super) async fn carry(backup: &Db, files: &FileStore) -> Result<u64, DbError> {
    let mut tx = backup.begin().await?;
    tx.execute(Sql::new(CREATE_FILES_TABLE)).await?;
    let names = named(&mut tx).await?;
    for name in &names {
        let bytes = files
            .get(name)
            .await
            .map_err(|e| DbError::Backup(format!("cannot back up a stored file: {e}")))?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO {FILES_TABLE} (sha256, bytes) VALUES ($1, $2)"
            ))
            .bind(name.as_str())
            .bind(bytes),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(names.len() as u64)
}

/// Puts every file the backup file `backup` carries into `files`, one at a
/// time, each checked against its name; refuses a backup whose rows name
/// a file it does not carry.
pub(super) async fn put_back(backup: &Db, files: &FileStore) -> Result<u64, DbError> {
    let mut tx = backup.begin().await?;
    // A backup taken before files were carried has no table: it carries none.
    tx.execute(Sql::new(CREATE_FILES_TABLE)).await?;
    let named = named(&mut tx).await?;
    let carried: Vec<(String,)> = tx
        .fetch_all(Sql::new(format!(
            "SELECT sha256 FROM {FILES_TABLE} ORDER BY sha256"
        )))
        .await?;
    let carried: Vec<String> = carried.into_iter().map(|(name,)| name).collect();
    if let Some(missing) = named
        .iter()
        .find(|name| carried.binary_search(name).is_err())
    {
        return Err(DbError::Backup(format!(
            "the backup lacks the file {missing} that its rows name; nothing was restored"
        )));
    }
    for name in &carried {
        let (bytes,): (Vec<u8>,) = tx
            .fetch_one(
                Sql::new(format!("SELECT bytes FROM {FILES_TABLE} WHERE sha256 = $1"))
                    .bind(name.as_str()),
            )
            .await?;
        let stored = files
            .put(&bytes)
            .await
            .map_err(|e| DbError::Backup(format!("cannot restore a file: {e}")))?;
        if &stored != name {
            return Err(DbError::Backup(format!(
                "the backup's file {name} is damaged (its bytes hash to {stored}); nothing was restored"
            )));
        }
    }
    tx.rollback().await?;
    Ok(carried.len() as u64)
}

/// The distinct names of files the rows name, in order.
async fn named(tx: &mut Tx) -> Result<Vec<String>, DbError> {
    let selects: Vec<String> = FILE_COLUMNS
        .iter()
        .map(|(table, column)| {
            format!("SELECT {column} AS sha256 FROM {table} WHERE {column} IS NOT NULL")
        })
        .collect();
    let names: Vec<(String,)> = tx
        .fetch_all(Sql::new(format!(
            "SELECT DISTINCT sha256 FROM ({}) AS named ORDER BY sha256",
            selects.join(" UNION ")
        )))
        .await?;
    Ok(names.into_iter().map(|(name,)| name).collect())
}
