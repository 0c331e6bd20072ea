//! Backup and restore. A backup is a SQLite database file with Comptoir's
//! schema, whatever the database it was taken from: SQLite writes it with
//! its own online `VACUUM INTO`, PostgreSQL by a copy of every table read in
//! one repeatable-read transaction, so both are consistent snapshots taken
//! while the server runs. Restoring copies such a file into an empty
//! database of either backend (which is how a SQLite installation moves to
//! PostgreSQL) in one transaction, and checks every table against the
//! backup before committing: a failed or interrupted restore leaves the
//! target as empty as it was.

use crate::error::DbError;
use crate::pool::{Arg, Backend, Db, Open, Sql, Tx};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use comptoir_domain::audit::canonical_json;
use futures_util::stream::{BoxStream, StreamExt, TryStreamExt};
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, ColumnIndex, Database, Decode, Row, Type};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Rows copied or found in one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
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

/// What a column holds; PostgreSQL's schema tells it exactly, SQLite's only
/// as a storage class (see [`ColumnType::from_sqlite`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnType {
    Uuid,
    Text,
    Integer,
    Boolean,
    Timestamp,
    Date,
    Json,
}

impl ColumnType {
    fn from_postgres(table: &str, column: &str, data_type: &str) -> Result<Self, DbError> {
        Ok(match data_type {
            "uuid" => Self::Uuid,
            "text" => Self::Text,
            "bigint" => Self::Integer,
            "boolean" => Self::Boolean,
            "timestamp with time zone" => Self::Timestamp,
            "date" => Self::Date,
            "jsonb" => Self::Json,
            other => {
                return Err(DbError::Backup(format!(
                    "column {table}.{column} has type {other}, which backups do not carry"
                )));
            }
        })
    }

    /// The SQLite migrations store identifiers as BLOB, numbers and flags
    /// as INTEGER and everything else as TEXT; between two SQLite databases
    /// the values are copied as stored.
    fn from_sqlite(table: &str, column: &str, declared: &str) -> Result<Self, DbError> {
        Ok(match declared {
            "BLOB" => Self::Uuid,
            "INTEGER" => Self::Integer,
            "TEXT" => Self::Text,
            other => {
                return Err(DbError::Backup(format!(
                    "column {table}.{column} is declared {other}, which backups do not carry"
                )));
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Table {
    name: String,
    columns: Vec<(String, ColumnType)>,
    /// A column referencing the table itself (a tree): rows are written
    /// parents first.
    parent_column: Option<String>,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn types(&self) -> Vec<ColumnType> {
        self.columns.iter().map(|(_, kind)| *kind).collect()
    }

    fn select(&self) -> String {
        format!("SELECT {} FROM \"{}\"", self.column_list(), self.name)
    }
}

/// The tables of a database, each after the tables it references.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Schema {
    backend: Backend,
    tables: Vec<Table>,
}

/// Tables that hold no business data: the migration history belongs to the
/// target's own migrations.
fn is_copied(table: &str) -> bool {
    table != "_sqlx_migrations" && !table.starts_with("sqlite_")
}

/// Settings a fresh database may already hold (a generated JWT secret): the
/// backup's replace them, so tokens issued before a move stay valid.
const SETTINGS_TABLE: &str = "app_settings";

/// Three names read from a database's catalog: (table, column, type) or
/// (table, referenced table, column).
type CatalogRow = (String, String, String);

impl Schema {
    async fn read(tx: &mut Tx) -> Result<Self, DbError> {
        let backend = tx.backend();
        let (columns, references): (Vec<CatalogRow>, Vec<CatalogRow>) =
            match backend {
                Backend::Postgres => (
                    tx.fetch_all(Sql::new(
                        "SELECT table_name::text, column_name::text, data_type::text \
                         FROM information_schema.columns \
                         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
                    ))
                    .await?,
                    tx.fetch_all(Sql::new(
                        "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text, a.attname::text \
                         FROM pg_constraint c JOIN pg_attribute a \
                         ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
                         WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace",
                    ))
                    .await?,
                ),
                Backend::Sqlite => (
                    tx.fetch_all(Sql::new(
                        "SELECT m.name, p.name, p.type FROM sqlite_master m, pragma_table_info(m.name) p \
                         WHERE m.type = 'table' ORDER BY m.name, p.cid",
                    ))
                    .await?,
                    tx.fetch_all(Sql::new(
                        "SELECT m.name, f.\"table\", f.\"from\" \
                         FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
                    ))
                    .await?,
                ),
            };
        let mut tables: BTreeMap<String, Table> = BTreeMap::new();
        for (table, column, declared) in columns {
            if !is_copied(&table) {
                continue;
            }
            let kind = match backend {
                Backend::Postgres => ColumnType::from_postgres(&table, &column, &declared)?,
                Backend::Sqlite => ColumnType::from_sqlite(&table, &column, &declared)?,
            };
            tables
                .entry(table.clone())
                .or_insert_with(|| Table {
                    name: table,
                    columns: Vec::new(),
                    parent_column: None,
                })
                .columns
                .push((column, kind));
        }
        let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, referenced, column) in references {
            if table == referenced {
                if let Some(entry) = tables.get_mut(&table) {
                    entry.parent_column = Some(column);
                }
            } else {
                parents.entry(table).or_default().insert(referenced);
            }
        }
        Ok(Self {
            backend,
            tables: referenced_first(tables, &parents)?,
        })
    }

    /// The schema that says what the values are: PostgreSQL's when one side
    /// is PostgreSQL. Both sides must have the same tables and columns.
    fn reconcile(a: Schema, b: Schema) -> Result<Schema, DbError> {
        let shape = |schema: &Schema| -> BTreeMap<String, BTreeSet<String>> {
            schema
                .tables
                .iter()
                .map(|t| {
                    let columns = t.columns.iter().map(|(c, _)| c.clone()).collect();
                    (t.name.clone(), columns)
                })
                .collect()
        };
        let (shape_a, shape_b) = (shape(&a), shape(&b));
        if let Some((table, _)) = shape_a
            .iter()
            .find(|(table, columns)| shape_b.get(*table) != Some(columns))
            .or_else(|| {
                shape_b
                    .iter()
                    .find(|(table, _)| !shape_a.contains_key(*table))
            })
        {
            return Err(DbError::Backup(format!(
                "table {table} differs between the backup and the database: \
                 are both at the same Comptoir version?"
            )));
        }
        Ok(if b.backend == Backend::Postgres { b } else { a })
    }
}

/// Orders tables so that each comes after the tables it references.
fn referenced_first(
    mut tables: BTreeMap<String, Table>,
    parents: &BTreeMap<String, BTreeSet<String>>,
) -> Result<Vec<Table>, DbError> {
    let mut ordered = Vec::with_capacity(tables.len());
    let mut placed = HashSet::new();
    while !tables.is_empty() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|name| {
                parents
                    .get(*name)
                    .is_none_or(|p| p.iter().all(|p| placed.contains(p)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(DbError::Backup(format!(
                "tables reference each other in a cycle: {}",
                tables.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
        for name in ready {
            placed.insert(name.clone());
            ordered.extend(tables.remove(&name));
        }
    }
    Ok(ordered)
}

/// Writes a consistent snapshot of `db` to `out`, which must not exist.
/// The file appears only once complete.
pub async fn backup(db: &Db, out: &Path) -> Result<Vec<TableRows>, DbError> {
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
    match written {
        Ok(counts) => {
            std::fs::rename(&partial, out).map_err(|e| io_error(out, &e))?;
            Ok(counts)
        }
        Err(error) => {
            remove_if_present(&partial)?;
            Err(error)
        }
    }
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
/// data; returns the rows restored per table. Older backups are brought up
/// to the current schema first, on a temporary copy.
pub async fn restore(file: &Path, target: &Db) -> Result<Vec<TableRows>, DbError> {
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

async fn restore_copy(copy: &Path, target: &Db) -> Result<Vec<TableRows>, DbError> {
    let source_db = open_file(copy).await?;
    let restored = async {
        source_db.migrate().await.map_err(|e| {
            DbError::Backup(format!(
                "the backup cannot be brought to this version's schema: {e}"
            ))
        })?;
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
        Ok(counts)
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
        })
        .collect();
    canonical_json(&Value::Array(values))
}

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
    fn tables_come_after_the_tables_they_reference() {
        let tables = ["lines", "orders", "clients", "organizations"]
            .map(|name| (name.to_owned(), table(name)))
            .into();
        let parents = BTreeMap::from([
            ("lines".to_owned(), BTreeSet::from(["orders".to_owned()])),
            (
                "orders".to_owned(),
                BTreeSet::from(["clients".to_owned(), "organizations".to_owned()]),
            ),
            (
                "clients".to_owned(),
                BTreeSet::from(["organizations".to_owned()]),
            ),
        ]);
        let order: Vec<String> = referenced_first(tables, &parents)
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(order, ["organizations", "clients", "orders", "lines"]);
    }

    #[test]
    fn a_reference_cycle_is_refused() {
        let tables = ["a", "b"].map(|name| (name.to_owned(), table(name))).into();
        let parents = BTreeMap::from([
            ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
            ("b".to_owned(), BTreeSet::from(["a".to_owned()])),
        ]);
        assert!(matches!(
            referenced_first(tables, &parents),
            Err(DbError::Backup(_))
        ));
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
