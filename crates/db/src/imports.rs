//! Import jobs and the problems they report.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::Table;
use chrono::{DateTime, Utc};
use comptoir_domain::transfer::{ImportMode, ImportStatus, OnRowError};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Import {
    pub id: Uuid,
    /// `products`, `clients`, `suppliers`, `price_list_rules` or `stock_levels`.
    pub entity: String,
    #[sqlx(try_from = "String")]
    pub mode: ImportMode,
    #[sqlx(try_from = "String")]
    pub on_error: OnRowError,
    pub file_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_count: i64,
    pub updated_count: i64,
    pub failed_count: i64,
    /// Why the import failed as a whole, or what a dry run would do.
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Import {
    const TABLE: &'static str = "imports";
    const COLUMNS: &'static str = "id, entity, mode, on_error, file_name, status, total_rows, processed_rows, \
        created_count, updated_count, failed_count, message, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &["file_name", "entity"];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct NewImport<'a> {
    pub organization_id: Uuid,
    pub user_id: Uuid,
    pub entity: &'a str,
    pub mode: ImportMode,
    pub on_error: OnRowError,
    pub file_name: Option<&'a str>,
}

pub async fn create(db: &Db, new: &NewImport<'_>) -> Result<Import, DbError> {
    let at = now();
    db.fetch_one(
        Sql::new(format!(
            "INSERT INTO imports (id, organization_id, user_id, entity, mode, on_error, file_name, status, \
             created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8, 1) RETURNING {}",
            Import::COLUMNS
        ))
        .bind(Uuid::now_v7())
        .bind(new.organization_id)
        .bind(new.user_id)
        .bind(new.entity)
        .bind(new.mode.as_str())
        .bind(new.on_error.as_str())
        .bind(new.file_name)
        .bind(at),
    )
    .await
}

/// Where an import stands.
#[derive(Debug, Default, Clone, Copy)]
pub struct Progress {
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created: i64,
    pub updated: i64,
    pub failed: i64,
}

fn report_sql(
    organization_id: Uuid,
    id: Uuid,
    status: ImportStatus,
    progress: Progress,
    message: Option<&str>,
) -> Sql {
    Sql::new(
        "UPDATE imports SET status = $1, total_rows = $2, processed_rows = $3, created_count = $4, \
         updated_count = $5, failed_count = $6, message = $7, updated_at = $8, version = version + 1 \
         WHERE id = $9 AND organization_id = $10",
    )
    .bind(status.as_str())
    .bind(progress.total_rows)
    .bind(progress.processed_rows)
    .bind(progress.created)
    .bind(progress.updated)
    .bind(progress.failed)
    .bind(message)
    .bind(now())
    .bind(id)
    .bind(organization_id)
}

pub async fn report(
    db: &Db,
    organization_id: Uuid,
    id: Uuid,
    status: ImportStatus,
    progress: Progress,
    message: Option<&str>,
) -> Result<(), DbError> {
    db.execute(report_sql(organization_id, id, status, progress, message))
        .await?;
    Ok(())
}

/// [`report`] inside a transaction: an import's outcome commits with
/// what it wrote, or not at all.
pub async fn report_in(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    status: ImportStatus,
    progress: Progress,
    message: Option<&str>,
) -> Result<(), DbError> {
    tx.execute(report_sql(organization_id, id, status, progress, message))
        .await?;
    Ok(())
}

/// Holds the import's row until its transaction ends, so that
/// [`fail_abandoned`] leaves a live import alone on PostgreSQL. (On SQLite
/// the transaction already keeps every other writer out.)
pub async fn hold(tx: &mut Tx, organization_id: Uuid, id: Uuid) -> Result<(), DbError> {
    if tx.backend() == crate::Backend::Postgres {
        tx.fetch_optional::<(Uuid,)>(
            Sql::new("SELECT id FROM imports WHERE id = $1 AND organization_id = $2 FOR UPDATE")
                .bind(id)
                .bind(organization_id),
        )
        .await?;
    }
    Ok(())
}

/// What an abandoned import says.
pub const ABANDONED: &str =
    "interrupted: the process running this import stopped before it ended; nothing was written";

/// Fails the imports that a stopped process left `queued` or `running`:
/// untouched since `before` and not held by a live import's transaction.
/// A finished import reported its outcome in the transaction that wrote
/// its rows, so one still running has written nothing. Returns how many.
pub async fn fail_abandoned(db: &Db, before: DateTime<Utc>) -> Result<u64, DbError> {
    let skip_held = match db.backend() {
        crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::Backend::Sqlite => "",
    };
    db.execute(
        Sql::new(format!(
            "UPDATE imports SET status = 'failed', message = $1, updated_at = $2, version = version + 1 \
             WHERE id IN (SELECT id FROM imports WHERE status IN ('queued', 'running') \
             AND updated_at < $3{skip_held})"
        ))
        .bind(ABANDONED)
        .bind(now())
        .bind(before),
    )
    .await
}

/// One problem of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RowProblem {
    pub row_number: i64,
    pub column_name: String,
    pub value: Option<String>,
    pub message: String,
}

pub async fn add_problems(
    tx: &mut Tx,
    import_id: Uuid,
    problems: &[RowProblem],
) -> Result<(), DbError> {
    for chunk in problems.chunks(200) {
        let mut sql = Sql::default();
        let mut rows = Vec::new();
        for problem in chunk {
            rows.push(format!(
                "({}, {}, {}, {}, {}, {})",
                sql.arg(Uuid::now_v7()),
                sql.arg(import_id),
                sql.arg(problem.row_number),
                sql.arg(problem.column_name.as_str()),
                sql.arg(problem.value.as_deref()),
                sql.arg(problem.message.as_str())
            ));
        }
        sql.push(&format!(
            "INSERT INTO import_errors (id, import_id, row_number, column_name, value, message) VALUES {}",
            rows.join(", ")
        ));
        tx.execute(sql).await?;
    }
    Ok(())
}

pub async fn problems(db: &Db, import_id: Uuid) -> Result<Vec<RowProblem>, DbError> {
    db.fetch_all(
        Sql::new(
            "SELECT row_number, column_name, value, message FROM import_errors \
             WHERE import_id = $1 ORDER BY row_number, column_name",
        )
        .bind(import_id),
    )
    .await
}

/// The first `limit` problems of an import, in the report's order, and
/// how many it has in all.
pub async fn first_problems(
    db: &Db,
    import_id: Uuid,
    limit: i64,
) -> Result<(Vec<RowProblem>, i64), DbError> {
    let problems = db
        .fetch_all(
            Sql::new(
                "SELECT row_number, column_name, value, message FROM import_errors \
                 WHERE import_id = $1 ORDER BY row_number, column_name LIMIT $2",
            )
            .bind(import_id)
            .bind(limit),
        )
        .await?;
    let (count,): (i64,) = db
        .fetch_one(
            Sql::new("SELECT COUNT(*) FROM import_errors WHERE import_id = $1").bind(import_id),
        )
        .await?;
    Ok((problems, count))
}

/// Who started each of the organization's imports `ids`: import id, the
/// user's name.
pub async fn authors(
    db: &Db,
    organization_id: Uuid,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::default();
    let organization = sql.arg(organization_id);
    let listed: Vec<String> = ids.iter().map(|id| sql.arg(*id)).collect();
    sql.push(&format!(
        "SELECT imports.id, users.name FROM imports JOIN users ON users.id = imports.user_id \
         WHERE imports.organization_id = {organization} AND imports.id IN ({})",
        listed.join(", ")
    ));
    db.fetch_all(sql).await
}

/// Brings the planner's statistics of an entity's tables up to date, on
/// PostgreSQL, inside the import's transaction (its own rows count). An
/// import can multiply a table's size; planned on the old figures, a
/// lookup of a chunk's codes scans the whole organization's rows instead
/// of probing the unique index.
pub async fn refresh_statistics(tx: &mut Tx, entity: &str) -> Result<(), DbError> {
    if tx.backend() != crate::Backend::Postgres {
        return Ok(());
    }
    let tables = match entity {
        "products" => "products, barcodes",
        "clients" => "clients",
        "suppliers" => "suppliers",
        "price_list_rules" => "price_rules",
        _ => "stock_levels, stock_movements",
    };
    tx.execute(Sql::new(format!("ANALYZE {tables}"))).await?;
    Ok(())
}
