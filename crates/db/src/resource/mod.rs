//! What every business table shares: organization scoping, listing with
//! filters, search, sort and pages, lookup by id, deletion, optimistic
//! versions, and per-organization counters for generated codes.

use crate::error::DbError;
use crate::pool::{Arg, Db, Record, Sql, Tx};
use serde::Serialize;
use sqlx::{Database, Decode, Type};
use uuid::Uuid;

mod filter;
mod many;

pub use filter::Filter;
pub use many::get_many;

/// A fixed-point domain value (`Money`, `UnitPrice`, `Quantity`, `Percent`)
/// read from its stored form, whole ten-thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Fixed<T>(pub T);

impl<'r, DB: Database, T: From<i64>> Decode<'r, DB> for Fixed<T>
where
    i64: Decode<'r, DB>,
{
    fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(Fixed(T::from(i64::decode(value)?)))
    }
}

impl<DB: Database, T> Type<DB> for Fixed<T>
where
    i64: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <i64 as Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <i64 as Type<DB>>::compatible(ty)
    }
}

/// A business table: its name, the columns a row reads, and what lists may
/// sort and search on.
pub trait Table {
    const TABLE: &'static str;
    const COLUMNS: &'static str;
    /// (API field, column) pairs allowed in `?sort=`.
    const SORTABLE: &'static [(&'static str, &'static str)];
    /// Columns `?q=` searches, case-insensitively.
    const SEARCHABLE: &'static [&'static str];
    const DEFAULT_SORT: &'static str;
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: i64,
    pub page_size: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct Sort {
    pub column: &'static str,
    pub descending: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// How a list counts the rows it pages through: all of them (the API's
/// `total`), or up to a bound, past which a screen says "more than" —
/// counting a hundred thousand invoices on every view of a list's first
/// page costs more than reading the page.
#[derive(Debug, Clone, Copy)]
pub enum Count {
    Exact,
    UpTo(i64),
}

/// One page of rows matching `filter`, with the total count.
pub async fn list<T: Record + Table>(
    db: &Db,
    filter: Filter,
    sort: Option<Sort>,
    page: Page,
) -> Result<Listing<T>, DbError> {
    list_counted(db, filter, sort, page, Count::Exact).await
}

/// One page of rows matching `filter`, counted as `count` says: the total
/// is at most the bound of [`Count::UpTo`].
pub async fn list_counted<T: Record + Table>(
    db: &Db,
    filter: Filter,
    sort: Option<Sort>,
    page: Page,
    count: Count,
) -> Result<Listing<T>, DbError> {
    let where_clause = filter.conditions.join(" AND ");
    let mut counting = filter.sql.clone();
    match count {
        Count::Exact => counting.push(&format!(
            "SELECT COUNT(*) FROM {} WHERE {where_clause}",
            T::TABLE
        )),
        Count::UpTo(bound) => {
            let bound = counting.arg(bound);
            counting.push(&format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {} WHERE {where_clause} LIMIT {bound}) AS counted",
                T::TABLE
            ));
        }
    }
    let (total,): (i64,) = db.fetch_one(counting).await?;
    let items = page_of(db, &filter, sort, page).await?;
    Ok(Listing { items, total })
}

/// One page of rows matching `filter`.
async fn page_of<T: Record + Table>(
    db: &Db,
    filter: &Filter,
    sort: Option<Sort>,
    page: Page,
) -> Result<Vec<T>, DbError> {
    let where_clause = filter.conditions.join(" AND ");
    let (column, direction) = match sort {
        Some(sort) => (sort.column, if sort.descending { "DESC" } else { "ASC" }),
        None => (T::DEFAULT_SORT, "ASC"),
    };
    let mut select = filter.sql.clone();
    let limit = select.arg(page.page_size);
    let offset = select.arg((page.page - 1).saturating_mul(page.page_size));
    select.push(&format!(
        "SELECT {} FROM {} WHERE {where_clause} ORDER BY {column} {direction}, id LIMIT {limit} OFFSET {offset}",
        T::COLUMNS,
        T::TABLE
    ));
    db.fetch_all(select).await
}

/// Every row matching `filter`, in the table's default order, read by one
/// statement and received `chunk` rows at a time (exports: no offset to
/// skip, so the millionth row comes as fast as the first).
pub fn stream_all<T: Record + Table + 'static>(
    db: &Db,
    filter: &Filter,
    chunk: usize,
) -> tokio::sync::mpsc::Receiver<Result<Vec<T>, DbError>> {
    let where_clause = filter.conditions.join(" AND ");
    let mut select = filter.sql.clone();
    select.push(&format!(
        "SELECT {} FROM {} WHERE {where_clause} ORDER BY {}, id",
        T::COLUMNS,
        T::TABLE,
        T::DEFAULT_SORT
    ));
    db.stream_chunks(select, chunk)
}

fn by_id_sql<T: Table>(organization_id: Uuid, id: Uuid, suffix: &str) -> Sql {
    Sql::new(format!(
        "SELECT {} FROM {} WHERE id = $1 AND organization_id = $2{suffix}",
        T::COLUMNS,
        T::TABLE
    ))
    .bind(id)
    .bind(organization_id)
}

/// A row of the organization, or [`DbError::NotFound`] (also for another
/// organization's id).
pub async fn get<T: Record + Table>(
    db: &Db,
    organization_id: Uuid,
    id: Uuid,
) -> Result<T, DbError> {
    db.fetch_one(by_id_sql::<T>(organization_id, id, "")).await
}

/// Like [`get`], inside a write transaction; on PostgreSQL the row stays
/// locked until the transaction ends.
pub async fn get_in<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<T, DbError> {
    let suffix = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    tx.fetch_one(by_id_sql::<T>(organization_id, id, suffix))
        .await
}

/// Like [`get`], inside a transaction but without locking the row: for
/// checking references, which foreign keys already protect.
pub async fn read_in<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
) -> Result<T, DbError> {
    tx.fetch_one(by_id_sql::<T>(organization_id, id, "")).await
}

/// Deletes a row of the organization. A row still referenced elsewhere
/// fails with [`DbError::ForeignKey`].
pub async fn delete<T: Table>(tx: &mut Tx, organization_id: Uuid, id: Uuid) -> Result<(), DbError> {
    let deleted = tx
        .execute(
            Sql::new(format!(
                "DELETE FROM {} WHERE id = $1 AND organization_id = $2",
                T::TABLE
            ))
            .bind(id)
            .bind(organization_id),
        )
        .await?;
    if deleted == 0 {
        return Err(DbError::NotFound);
    }
    Ok(())
}

/// Counts the organization's rows of `table` where `column = value`.
pub async fn count_where(
    tx: &mut Tx,
    table: &str,
    organization_id: Uuid,
    column: &str,
    value: impl Into<Arg>,
) -> Result<i64, DbError> {
    let (n,): (i64,) = tx
        .fetch_one(
            Sql::new(format!(
                "SELECT COUNT(*) FROM {table} WHERE organization_id = $1 AND {column} = $2"
            ))
            .bind(organization_id)
            .bind(value),
        )
        .await?;
    Ok(n)
}

/// The next value of a per-organization counter, atomically: one upsert
/// with `RETURNING`, so two concurrent callers never get the same number
/// and the counter row stays locked until the caller's transaction ends.
pub async fn next_counter(tx: &mut Tx, organization_id: Uuid, name: &str) -> Result<i64, DbError> {
    let (value,): (i64,) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO counters (organization_id, name, value) VALUES ($1, $2, 1) \
                 ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + 1 \
                 RETURNING value",
            )
            .bind(organization_id)
            .bind(name),
        )
        .await?;
    Ok(value)
}

/// Column values of a row being written, in table order.
pub type Values = Vec<(&'static str, Arg)>;

/// Inserts a row of the organization from `values`; the id, timestamps and
/// version are filled in here. Ids are UUIDv7: time-ordered, so new rows
/// land at the end of the primary-key index instead of at random pages.
pub async fn insert<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    values: Values,
) -> Result<T, DbError> {
    let at = crate::pool::now();
    let mut sql = Sql::default();
    let mut columns = vec!["id", "organization_id", "created_at", "updated_at"];
    let mut placeholders = vec![
        sql.arg(Uuid::now_v7()),
        sql.arg(organization_id),
        sql.arg(at),
        sql.arg(at),
    ];
    for (column, value) in values {
        columns.push(column);
        placeholders.push(sql.arg(value));
    }
    sql.push(&format!(
        "INSERT INTO {} ({}, version) VALUES ({}, 1) RETURNING {}",
        T::TABLE,
        columns.join(", "),
        placeholders.join(", "),
        T::COLUMNS
    ));
    tx.fetch_one(sql).await
}

/// Inserts plain rows (every value given, in the same columns for each
/// row) into `table` with multi-row statements.
pub async fn insert_rows(tx: &mut Tx, table: &str, rows: Vec<Values>) -> Result<(), DbError> {
    let mut rows = rows.into_iter().peekable();
    while let Some(first) = rows.peek() {
        let columns: Vec<&str> = first.iter().map(|(column, _)| *column).collect();
        let rows_per_statement = tx.backend().rows_per_statement(columns.len());
        let mut sql = Sql::default();
        let tuples: Vec<String> = rows
            .by_ref()
            .take(rows_per_statement)
            .map(|values| {
                let placeholders: Vec<String> = values
                    .into_iter()
                    .map(|(_, value)| sql.arg(value))
                    .collect();
                format!("({})", placeholders.join(", "))
            })
            .collect();
        sql.push(&format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            tuples.join(", ")
        ));
        tx.execute(sql).await?;
    }
    Ok(())
}

/// Inserts many rows of the same columns with multi-row statements;
/// returns them in the order given.
pub async fn insert_many<T: Record + Table + HasId>(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: Vec<Values>,
) -> Result<Vec<T>, DbError> {
    let at = crate::pool::now();
    let mut inserted = Vec::with_capacity(rows.len());
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let mut sql = Sql::default();
        let mut columns = Vec::new();
        let mut tuples = Vec::new();
        let mut ids = Vec::new();
        let width = rows.peek().map_or(0, Vec::len) + 4;
        let rows_per_statement = tx.backend().rows_per_statement(width);
        for values in rows.by_ref().take(rows_per_statement) {
            let id = Uuid::now_v7();
            ids.push(id);
            let mut placeholders = vec![
                sql.arg(id),
                sql.arg(organization_id),
                sql.arg(at),
                sql.arg(at),
            ];
            let mut names = vec!["id", "organization_id", "created_at", "updated_at"];
            for (column, value) in values {
                names.push(column);
                placeholders.push(sql.arg(value));
            }
            columns = names;
            tuples.push(format!("({}, 1)", placeholders.join(", ")));
        }
        sql.push(&format!(
            "INSERT INTO {} ({}, version) VALUES {} RETURNING {}",
            T::TABLE,
            columns.join(", "),
            tuples.join(", "),
            T::COLUMNS
        ));
        // SQLite returns the rows in no set order.
        let mut by_id: std::collections::HashMap<Uuid, T> = tx
            .fetch_all::<T>(sql)
            .await?
            .into_iter()
            .map(|row| (row.id(), row))
            .collect();
        for id in ids {
            inserted.push(by_id.remove(&id).ok_or(DbError::NotFound)?);
        }
    }
    Ok(inserted)
}

/// A row type with an `id`.
pub trait HasId {
    fn id(&self) -> Uuid;
}

/// Writes `values` over the row if it is still at `version`, and bumps the
/// version, in one conditional statement: no lost update, even between
/// instances; a row changed meanwhile gives [`DbError::VersionMismatch`].
pub async fn update<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    values: Values,
) -> Result<T, DbError> {
    let mut sql = Sql::default();
    let mut assignments = vec![format!("updated_at = {}", sql.arg(crate::pool::now()))];
    for (column, value) in values {
        assignments.push(format!("{column} = {}", sql.arg(value)));
    }
    let id = sql.arg(id);
    let organization = sql.arg(organization_id);
    let version = sql.arg(version);
    sql.push(&format!(
        "UPDATE {} SET {}, version = version + 1 \
         WHERE id = {id} AND organization_id = {organization} AND version = {version} RETURNING {}",
        T::TABLE,
        assignments.join(", "),
        T::COLUMNS
    ));
    tx.fetch_optional(sql)
        .await?
        .ok_or(DbError::VersionMismatch)
}

/// How many of the organization's rows in each `(table, column)` refer to
/// `id`, keeping only the non-zero counts, keyed by table: a refused
/// deletion's 409 then says what still refers to the record.
pub async fn references(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    referrers: &[(&'static str, &'static str)],
) -> Result<Vec<(&'static str, i64)>, DbError> {
    let mut found = Vec::new();
    for (table, column) in referrers {
        let n = count_where(tx, table, organization_id, column, id).await?;
        if n > 0 {
            found.push((*table, n));
        }
    }
    Ok(found)
}

/// Like [`references`], for rows referring to the children of `id` (the
/// rows of `children.0` whose `children.1` is `id`).
pub async fn references_through(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    children: (&'static str, &'static str),
    referrers: &[(&'static str, &'static str)],
) -> Result<Vec<(&'static str, i64)>, DbError> {
    let (child_table, parent_column) = children;
    let mut found = Vec::new();
    for (table, column) in referrers {
        let (n,): (i64,) = tx
            .fetch_one(
                Sql::new(format!(
                    "SELECT COUNT(*) FROM {table} WHERE organization_id = $1 AND {column} IN \
                     (SELECT id FROM {child_table} WHERE {parent_column} = $2)"
                ))
                .bind(organization_id)
                .bind(id),
            )
            .await?;
        if n > 0 {
            found.push((*table, n));
        }
    }
    Ok(found)
}

/// The organization's rows with one of these codes, looked up
/// [`KEYS_PER_LOOKUP`](crate::pool::KEYS_PER_LOOKUP) at a time.
pub async fn by_codes<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    codes: &[String],
) -> Result<Vec<T>, DbError> {
    let mut found = Vec::new();
    for chunk in codes.chunks(crate::pool::KEYS_PER_LOOKUP) {
        let mut sql = Sql::default();
        let organization = sql.arg(organization_id);
        let placeholders: Vec<String> = chunk.iter().map(|code| sql.arg(code.as_str())).collect();
        sql.push(&format!(
            "SELECT {} FROM {} WHERE organization_id = {organization} AND code IN ({})",
            T::COLUMNS,
            T::TABLE,
            placeholders.join(", ")
        ));
        found.extend(tx.fetch_all::<T>(sql).await?);
    }
    Ok(found)
}

/// The organization's row of `T` with this `code`, inside a transaction.
pub async fn by_code<T: Record + Table>(
    tx: &mut Tx,
    organization_id: Uuid,
    code: &str,
) -> Result<Option<T>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "SELECT {} FROM {} WHERE organization_id = $1 AND code = $2",
            T::COLUMNS,
            T::TABLE
        ))
        .bind(organization_id)
        .bind(code),
    )
    .await
}
