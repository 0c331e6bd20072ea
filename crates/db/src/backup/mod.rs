//! Backup and restore. A backup is a SQLite database file with Comptoir's
//! schema, whatever the database it was taken from: SQLite writes it with
//! its own online `VACUUM INTO`, PostgreSQL by a copy of every table read in
//! one repeatable-read transaction, so both are consistent snapshots taken
//! while the server runs. Restoring copies such a file into an empty
//! database of either backend (which is how a SQLite installation moves to
//! PostgreSQL) in one transaction, and checks every table against the
//! backup before committing: a failed or interrupted restore leaves the
//! target as empty as it was.
//!
//! A backup also carries the files its rows name (`files`), which a
//! restore puts in the target's file store before writing any row.

use crate::error::DbError;
use crate::pool::{Arg, Backend, Db, Open, Sql, Tx};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use comptoir_domain::audit::canonical_json;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, ColumnIndex, Database, Decode, Row, Type};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use uuid::Uuid;

mod files;
mod schema;

use schema::{ColumnType, SETTINGS_TABLE, Schema, Table};

/// Rows copied or found in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

/// What a backup or restore wrote: the rows of each table, and the
/// stored files the rows name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub tables: Vec<TableRows>,
    pub files: u64,
}

/// A table's row count and an order-independent digest of its rows, read
/// as values (not as each backend stores them), so equal tables of two
/// backends have equal digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub digest: [u64; 4],
}

/// Writes a consistent snapshot of `db` to `out`, which must not exist,
/// with the files of `db.files()` its rows name. The file appears only
/// once complete.
pub async fn backup(db: &Db, out: &Path) -> Result<Written, DbError> {
    if out.exists() {
        return Err(DbError::Backup(format!("{} already exists", out.display())));
    }
    let partial = with_suffix(out, ".partial");
    remove_if_present(&partial)?;
    let written = match db.backend() {
        Backend::Sqlite => {
            db.execute(Sql::new("VACUUM INTO $1").bind(path_text(&partial)?))
                .await?;
            let file = open_file(&partial).await?;
            let counts = count_rows(&file).await;
            file.close().await;
            counts
        }
        Backend::Postgres => backup_postgres(db, &partial).await,
    };
    let written = match written {
        Ok(tables) => carry_files(&partial, db)
            .await
            .map(|files| Written { tables, files }),
        Err(error) => Err(error),
    };
    match written {
        Ok(written) => {
            std::fs::rename(&partial, out).map_err(|e| io_error(out, &e))?;
            Ok(written)
        }
        Err(error) => {
            remove_if_present(&partial)?;
            Err(error)
        }
    }
}

/// Adds to the backup file `file` the files its rows name.
async fn carry_files(file: &Path, db: &Db) -> Result<u64, DbError> {
    let backup = open_file(file).await?;
    let carried = files::carry(&backup, db.files()).await;
    backup.close().await;
    carried
}

async fn backup_postgres(db: &Db, file: &Path) -> Result<Vec<TableRows>, DbError> {
    let target = open_file(file).await?;
    target.migrate().await?;
    let mut source = db.begin().await?;
    source
        .execute(Sql::new(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
        ))
        .await?;
    let mut writer = target.begin().await?;
    let schema = Schema::reconcile(
        Schema::read(&mut writer).await?,
        Schema::read(&mut source).await?,
    )?;
    let counts = copy_tables(&schema, &mut source, &mut writer).await?;
    writer.commit().await?;
    source.rollback().await?;
    target.close().await;
    Ok(counts)
}

/// Restores the backup `file` into `target`, a migrated database with no
/// data, and its files into `target.files()`; returns the rows restored
/// per table and the files. Older backups are brought up to the current
/// schema first, on a temporary copy.
///
/// The files first, each checked against its name; then one target
/// transaction: it refuses a target with data, replaces
/// `app_settings` with the backup's, copies the tables, and compares each
/// table's row count and order-independent digest with the backup's
/// before committing.
pub async fn restore(file: &Path, target: &Db) -> Result<Written, DbError> {
    if !file.is_file() {
        return Err(DbError::Backup(format!("{} is not a file", file.display())));
    }
    let copy = std::env::temp_dir().join(format!("comptoir-restore-{}.db", Uuid::new_v4()));
    std::fs::copy(file, &copy).map_err(|e| io_error(file, &e))?;
    let restored = restore_copy(&copy, target).await;
    for leftover in [
        copy.clone(),
        with_suffix(&copy, "-wal"),
        with_suffix(&copy, "-shm"),
    ] {
        remove_if_present(&leftover)?;
    }
    restored
}

async fn restore_copy(copy: &Path, target: &Db) -> Result<Written, DbError> {
    let source_db = open_file(copy).await?;
    let restored = async {
        source_db.migrate().await.map_err(|e| {
            DbError::Backup(format!(
                "the backup cannot be brought to this version's schema: {e}"
            ))
        })?;
        let files = files::put_back(&source_db, target.files()).await?;
        let mut source = source_db.begin().await?;
        let mut writer = target.begin().await?;
        let schema = Schema::reconcile(
            Schema::read(&mut source).await?,
            Schema::read(&mut writer).await?,
        )?;
        refuse_data(&schema, &mut writer).await?;
        writer
            .execute(Sql::new(format!("DELETE FROM {SETTINGS_TABLE}")))
            .await?;
        let counts = copy_tables(&schema, &mut source, &mut writer).await?;
        let expected = digest_tables(&schema, &mut source).await?;
        let found = digest_tables(&schema, &mut writer).await?;
        if let Some((want, got)) = expected.iter().zip(&found).find(|(a, b)| a != b) {
            return Err(DbError::Backup(format!(
                "table {} differs after the copy ({} rows in the backup, {} restored); nothing was restored",
                want.table, want.rows, got.rows
            )));
        }
        writer.commit().await?;
        source.rollback().await?;
        if target.backend() == Backend::Postgres {
            target.execute(Sql::new("ANALYZE")).await?;
        }
        Ok(Written {
            tables: counts,
            files,
        })
    }
    .await;
    source_db.close().await;
    restored
}

/// Refuses a target holding data: a restore never merges.
async fn refuse_data(schema: &Schema, tx: &mut Tx) -> Result<(), DbError> {
    for table in schema.tables.iter().filter(|t| t.name != SETTINGS_TABLE) {
        let found: Option<(i64,)> = tx
            .fetch_optional(Sql::new(format!(
                "SELECT CAST(1 AS BIGINT) FROM \"{}\" LIMIT 1",
                table.name
            )))
            .await?;
        if found.is_some() {
            return Err(DbError::Backup(format!(
                "the target database already holds data (table {}): restore needs an empty database",
                table.name
            )));
        }
    }
    Ok(())
}

/// The row count and digest of every table of `db`, read with the column
/// types of `types` (the PostgreSQL side when comparing two backends).
pub async fn digests(db: &Db, types: &Db) -> Result<Vec<TableDigest>, DbError> {
    let mut types_tx = types.begin().await?;
    let typed = Schema::read(&mut types_tx).await?;
    types_tx.rollback().await?;
    let mut tx = db.begin().await?;
    let schema = Schema::reconcile(Schema::read(&mut tx).await?, typed)?;
    let digests = digest_tables(&schema, &mut tx).await?;
    tx.rollback().await?;
    Ok(digests)
}

async fn digest_tables(schema: &Schema, tx: &mut Tx) -> Result<Vec<TableDigest>, DbError> {
    let mut digests = Vec::with_capacity(schema.tables.len());
    for table in &schema.tables {
        let types = table.types();
        let select = table.select();
        let mut rows = read_rows(tx, &select, &types);
        let (mut count, mut digest) = (0, [0_u64; 4]);
        while let Some(row) = rows.try_next().await? {
            count += 1;
            let hash = Sha256::digest(canonical_row(&row).as_bytes());
            for (sum, chunk) in digest.iter_mut().zip(hash.chunks_exact(8)) {
                let part = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                *sum = sum.wrapping_add(part);
            }
        }
        digests.push(TableDigest {
            table: table.name.clone(),
            rows: count,
            digest,
        });
    }
    Ok(digests)
}

/// A row as text that is the same for equal values on either backend.
fn canonical_row(row: &[Arg]) -> String {
    let values: Vec<Value> = row
        .iter()
        .map(|arg| match arg {
            Arg::I64(v) => v.map_or(Value::Null, Value::from),
            Arg::Text(v) => v.clone().map_or(Value::Null, Value::from),
            Arg::Uuid(v) => v.map_or(Value::Null, |v| Value::from(v.to_string())),
            Arg::Bool(v) => v.map_or(Value::Null, Value::from),
            Arg::Json(v) => v.clone().unwrap_or(Value::Null),
            Arg::Timestamp(v) => v.map_or(Value::Null, |v| {
                Value::from(v.to_rfc3339_opts(SecondsFormat::Micros, true))
            }),
            Arg::Date(v) => v.map_or(Value::Null, |v| Value::from(v.to_string())),
            Arg::Bytes(v) => v
                .as_deref()
                .map_or(Value::Null, |v| Value::from(hex::encode(v))),
        })
        .collect();
    canonical_json(&Value::Array(values))
}

/// Copies every table, parents first (foreign keys read from either
/// catalog; a tree table's rows each after their parent), with the column
/// types the schemas were reconciled to (PostgreSQL's when it is a side),
/// so values keep their exact type across backends.
async fn copy_tables(
    schema: &Schema,
    source: &mut Tx,
    target: &mut Tx,
) -> Result<Vec<TableRows>, DbError> {
    let mut counts = Vec::with_capacity(schema.tables.len());
    for table in &schema.tables {
        let types = table.types();
        let select = table.select();
        let batch_rows = target.backend().rows_per_statement(types.len());
        let mut rows = read_rows(source, &select, &types);
        let mut count = 0;
        if let Some(parent) = &table.parent_column {
            let all: Vec<Vec<Arg>> = rows.try_collect().await?;
            let ordered = parents_first(table, parent, all);
            for chunk in ordered.chunks(batch_rows) {
                count += insert_rows(target, table, chunk).await?;
            }
        } else {
            let mut batch = Vec::with_capacity(batch_rows);
            while let Some(row) = rows.try_next().await? {
                batch.push(row);
                if batch.len() == batch_rows {
                    count += insert_rows(target, table, &batch).await?;
                    batch.clear();
                }
            }
            count += insert_rows(target, table, &batch).await?;
        }
        counts.push(TableRows {
            table: table.name.clone(),
            rows: count,
        });
    }
    Ok(counts)
}

/// Rows of a tree table, each after its parent. The database refuses a
/// cycle, so every row is eventually placed.
fn parents_first(table: &Table, parent: &str, rows: Vec<Vec<Arg>>) -> Vec<Vec<Arg>> {
    let position = |name: &str| table.columns.iter().position(|(c, _)| c == name);
    let (Some(id_at), Some(parent_at)) = (position("id"), position(parent)) else {
        return rows;
    };
    let key = |arg: &Arg| match arg {
        Arg::Uuid(v) => v.map(|v| v.to_string()),
        Arg::Text(v) => v.clone(),
        _ => None,
    };
    let mut placed: HashSet<String> = HashSet::new();
    let mut ordered = Vec::with_capacity(rows.len());
    let mut waiting = rows;
    while !waiting.is_empty() {
        let before = waiting.len();
        let (ready, rest): (Vec<_>, Vec<_>) = waiting
            .into_iter()
            .partition(|row| key(&row[parent_at]).is_none_or(|p| placed.contains(&p)));
        placed.extend(ready.iter().filter_map(|row| key(&row[id_at])));
        ordered.extend(ready);
        waiting = rest;
        if waiting.len() == before {
            ordered.append(&mut waiting);
        }
    }
    ordered
}

async fn insert_rows(target: &mut Tx, table: &Table, rows: &[Vec<Arg>]) -> Result<u64, DbError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let mut sql = Sql::new(format!(
        "INSERT INTO \"{}\" ({}) VALUES ",
        table.name,
        table.column_list()
    ));
    for (index, row) in rows.iter().enumerate() {
        let values: Vec<String> = row.iter().map(|value| sql.arg(value.clone())).collect();
        let separator = if index == 0 { "" } else { ", " };
        sql.push(&format!("{separator}({})", values.join(", ")));
    }
    target.execute(sql).await
}

/// The rows of `select`, decoded as `types`, streamed.
fn read_rows<'a>(
    tx: &'a mut Tx,
    select: &'a str,
    types: &'a [ColumnType],
) -> BoxStream<'a, Result<Vec<Arg>, DbError>> {
    match tx.open() {
        Open::Sqlite(conn) => sqlx::query(AssertSqlSafe(select))
            .fetch(&mut **conn)
            .map(move |row| Ok(decode(&row?, types)?))
            .boxed(),
        Open::Postgres(conn) => sqlx::query(AssertSqlSafe(select))
            .fetch(&mut **conn)
            .map(move |row| Ok(decode(&row?, types)?))
            .boxed(),
    }
}

fn decode<R>(row: &R, types: &[ColumnType]) -> Result<Vec<Arg>, sqlx::Error>
where
    R: Row,
    usize: ColumnIndex<R>,
    for<'r> Option<Uuid>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<String>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<i64>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<bool>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<DateTime<Utc>>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<NaiveDate>: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> Option<Json<Value>>: Decode<'r, R::Database> + Type<R::Database>,
    R::Database: Database,
{
    types
        .iter()
        .enumerate()
        .map(|(index, kind)| {
            Ok(match kind {
                ColumnType::Uuid => Arg::Uuid(row.try_get(index)?),
                ColumnType::Text => Arg::Text(row.try_get(index)?),
                ColumnType::Integer => Arg::I64(row.try_get(index)?),
                ColumnType::Boolean => Arg::Bool(row.try_get(index)?),
                ColumnType::Timestamp => Arg::Timestamp(row.try_get(index)?),
                ColumnType::Date => Arg::Date(row.try_get(index)?),
                ColumnType::Json => Arg::Json(
                    row.try_get::<Option<Json<Value>>, _>(index)?
                        .map(|json| json.0),
                ),
            })
        })
        .collect()
}

async fn count_rows(db: &Db) -> Result<Vec<TableRows>, DbError> {
    let mut tx = db.begin().await?;
    let schema = Schema::read(&mut tx).await?;
    let mut counts = Vec::with_capacity(schema.tables.len());
    for table in &schema.tables {
        let (rows,): (i64,) = tx
            .fetch_one(Sql::new(format!("SELECT count(*) FROM \"{}\"", table.name)))
            .await?;
        counts.push(TableRows {
            table: table.name.clone(),
            rows: rows.unsigned_abs(),
        });
    }
    tx.rollback().await?;
    Ok(counts)
}

async fn open_file(path: &Path) -> Result<Db, DbError> {
    Db::connect(&format!("sqlite://{}?mode=rwc", path_text(path)?), 1).await
}

fn path_text(path: &Path) -> Result<String, DbError> {
    path.to_str()
        .map(str::to_owned)
        .ok_or_else(|| DbError::Backup(format!("{} is not a UTF-8 path", path.display())))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> Result<(), DbError> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(io_error(path, &error)),
        _ => Ok(()),
    }
}

fn io_error(path: &Path, error: &std::io::Error) -> DbError {
    DbError::Backup(format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        Table {
            name: name.to_owned(),
            columns: vec![("id".to_owned(), ColumnType::Uuid)],
            parent_column: None,
        }
    }

    #[test]
    fn tree_rows_come_after_their_parent() {
        let mut tree = table("categories");
        tree.columns
            .push(("parent_id".to_owned(), ColumnType::Uuid));
        let [root, child, grandchild] = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
        let row = |id: Uuid, parent: Option<Uuid>| vec![Arg::Uuid(Some(id)), Arg::Uuid(parent)];
        let rows = vec![
            row(grandchild, Some(child)),
            row(child, Some(root)),
            row(root, None),
        ];
        let ordered: Vec<Option<Uuid>> = parents_first(&tree, "parent_id", rows)
            .into_iter()
            .map(|r| match r[0] {
                Arg::Uuid(id) => id,
                _ => None,
            })
            .collect();
        assert_eq!(ordered, [Some(root), Some(child), Some(grandchild)]);
    }

    #[test]
    fn equal_values_give_equal_rows_whatever_the_timestamp_offset() {
        let at = DateTime::parse_from_rfc3339("2026-11-22T10:00:00.5+01:00").unwrap();
        let utc = at.with_timezone(&Utc);
        let row = |json: Value| {
            vec![
                Arg::Timestamp(Some(utc)),
                Arg::Json(Some(json)),
                Arg::I64(None),
            ]
        };
        assert_eq!(
            canonical_row(&row(serde_json::json!({"b": 1, "a": "x"}))),
            canonical_row(&row(serde_json::json!({"a": "x", "b": 1})))
        );
        assert_eq!(
            canonical_row(&row(Value::Null)),
            r#"["2026-11-22T09:00:00.500000Z",null,null]"#
        );
    }
}
