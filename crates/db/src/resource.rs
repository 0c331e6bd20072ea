//! What every business table shares: organization scoping, listing with
//! filters, search, sort and pages, lookup by id, deletion, optimistic
//! versions, and per-organization counters for generated codes.

use crate::error::DbError;
use crate::pool::{Arg, Db, Record, Sql, Tx};
use serde::Serialize;
use sqlx::{Database, Decode, Type};
use uuid::Uuid;

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

/// Conditions of a list query, always starting with the organization.
#[derive(Debug, Clone)]
pub struct Filter {
    conditions: Vec<String>,
    sql: Sql,
}

impl Filter {
    pub fn organization(organization_id: Uuid) -> Self {
        let mut sql = Sql::default();
        let placeholder = sql.arg(organization_id);
        Self {
            conditions: vec![format!("organization_id = {placeholder}")],
            sql,
        }
    }

    /// `column = value` when a value is given.
    pub fn eq(mut self, column: &str, value: Option<impl Into<Arg>>) -> Self {
        if let Some(value) = value {
            let placeholder = self.sql.arg(value);
            self.conditions.push(format!("{column} = {placeholder}"));
        }
        self
    }

    /// A condition with one `{}` standing for the value's placeholder.
    pub fn condition(mut self, template: &str, value: impl Into<Arg>) -> Self {
        let placeholder = self.sql.arg(value);
        self.conditions.push(template.replace("{}", &placeholder));
        self
    }

    /// `column IS NULL`.
    pub fn is_null(mut self, column: &str) -> Self {
        self.conditions.push(format!("{column} IS NULL"));
        self
    }

    /// Case-insensitive substring search over `columns`.
    pub fn search(mut self, columns: &[&str], q: Option<&str>) -> Self {
        let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) else {
            return self;
        };
        let escaped = q
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let placeholder = self.sql.arg(format!("%{escaped}%"));
        let any: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER(COALESCE({c}, '')) LIKE {placeholder} ESCAPE '\\'"))
            .collect();
        self.conditions.push(format!("({})", any.join(" OR ")));
        self
    }
}

/// One page of rows matching `filter`, with the total count.
pub async fn list<T: Record + Table>(
    db: &Db,
    filter: Filter,
    sort: Option<Sort>,
    page: Page,
) -> Result<Listing<T>, DbError> {
    let where_clause = filter.conditions.join(" AND ");
    let mut count = filter.sql.clone();
    count.push(&format!(
        "SELECT COUNT(*) FROM {} WHERE {where_clause}",
        T::TABLE
    ));
    let (total,): (i64,) = db.fetch_one(count).await?;

    let (column, direction) = match sort {
        Some(sort) => (sort.column, if sort.descending { "DESC" } else { "ASC" }),
        None => (T::DEFAULT_SORT, "ASC"),
    };
    let mut select = filter.sql;
    let limit = select.arg(page.page_size);
    let offset = select.arg((page.page - 1).saturating_mul(page.page_size));
    select.push(&format!(
        "SELECT {} FROM {} WHERE {where_clause} ORDER BY {column} {direction}, id LIMIT {limit} OFFSET {offset}",
        T::COLUMNS,
        T::TABLE
    ));
    let items = db.fetch_all(select).await?;
    Ok(Listing { items, total })
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

/// The next value of a per-organization counter, atomically: two
/// concurrent callers never get the same number.
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
