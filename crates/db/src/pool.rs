//! One API over two databases. SQL text is shared (`$1` placeholders work
//! on both); arguments are collected as [`Arg`] values and bound to the
//! right driver in one place; rows decode through `sqlx::FromRow` on both.

use crate::error::DbError;
use chrono::{DateTime, NaiveDate, Utc};
use comptoir_domain::catalog::{
    AddressKind, ClientStatus, PartyKind, PriceScope, ProductKind, Unit, VatCategory,
};
use comptoir_domain::identifiers::{Barcode, Code, Email, Siren, Siret, VatNumber};
use comptoir_domain::numbers::{Money, Percent, Quantity, UnitPrice};
use comptoir_domain::permissions::Role;
use serde_json::Value;
use sqlx::postgres::{PgArguments, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::types::Json;
use sqlx::{Arguments, AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Rows per multi-row statement of `params_per_row` bound values each,
    /// within each backend's limit on parameters (SQLite's is 32 766).
    pub fn rows_per_statement(self, params_per_row: usize) -> usize {
        let budget = match self {
            Backend::Postgres => 20_000,
            Backend::Sqlite => 30_000,
        };
        (budget / params_per_row.max(1)).clamp(1, 500)
    }
}

/// Keys looked up per `IN (…)` statement: few enough that PostgreSQL
/// probes the index for each rather than scanning the table once for all.
pub const KEYS_PER_LOOKUP: usize = 100;

/// Page cache of each SQLite connection, in KiB.
const SQLITE_CACHE_KIB: u32 = 32 * 1024;

/// A connection pool to one of the two supported databases.
#[derive(Debug, Clone)]
pub struct Db {
    pool: Pool,
    /// Woken by every commit that wrote audit entries, for the chainer
    /// (see `audit::chain_pending`).
    audit_written: Arc<Notify>,
}

#[derive(Debug, Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A write transaction. On SQLite it starts with `BEGIN IMMEDIATE`, so two
/// writers queue on the busy timeout instead of failing on lock upgrade.
pub struct Tx {
    inner: Open,
    /// Whether it wrote audit entries the chainer has to link once committed.
    audited: bool,
    audit_written: Arc<Notify>,
}

pub(crate) enum Open {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// A value bound to a query.
#[derive(Debug, Clone)]
pub enum Arg {
    I64(Option<i64>),
    Text(Option<String>),
    Uuid(Option<Uuid>),
    Bool(Option<bool>),
    Json(Option<Value>),
    Timestamp(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

/// SQL text with its arguments, in `$n` order. The text is written once
/// for both backends with `$n` placeholders.
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, value: impl Into<Arg>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Appends text; `$n` placeholders in it continue the numbering.
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Adds an argument and returns its placeholder (`$n`).
    pub fn arg(&mut self, value: impl Into<Arg>) -> String {
        self.args.push(value.into());
        format!("${}", self.args.len())
    }

    /// The text and arguments for SQLite, which gets an anonymous `?` per
    /// placeholder occurrence, in text order: its driver looks each
    /// numbered parameter up by name, a cost that grows with the square of
    /// their number, while `?` binds by position.
    fn into_sqlite(self) -> Result<(String, SqliteArguments), DbError> {
        let (text, order) = positional(&self.text);
        let mut uses = vec![0_usize; self.args.len()];
        for &index in &order {
            if let Some(count) = uses.get_mut(index) {
                *count += 1;
            }
        }
        let mut args: Vec<Option<Arg>> = self.args.into_iter().map(Some).collect();
        let mut out = SqliteArguments::default();
        for index in order {
            let arg = match (uses.get_mut(index), args.get_mut(index)) {
                (Some(count), Some(slot)) => {
                    *count -= 1;
                    if *count == 0 {
                        slot.take()
                    } else {
                        slot.clone()
                    }
                }
                _ => None,
            };
            match arg.unwrap_or(Arg::Text(None)) {
                Arg::I64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::Uuid(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Json(v) => out.add(v.map(Json)),
                Arg::Timestamp(v) => out.add(v),
                Arg::Date(v) => out.add(v),
            }
            .map_err(DbError::Bind)?;
        }
        Ok((text, out))
    }

    fn into_pg(self) -> Result<(String, PgArguments), DbError> {
        let mut out = PgArguments::default();
        for arg in self.args {
            match arg {
                Arg::I64(v) => out.add(v),
                Arg::Text(v) => out.add(v),
                Arg::Uuid(v) => out.add(v),
                Arg::Bool(v) => out.add(v),
                Arg::Json(v) => out.add(v.map(Json)),
                Arg::Timestamp(v) => out.add(v),
                Arg::Date(v) => out.add(v),
            }
            .map_err(DbError::Bind)?;
        }
        Ok((self.text, out))
    }
}

/// Sends `rows` to `sender` by chunks; stops quietly when nobody listens.
async fn send_chunks<T>(
    mut rows: impl futures_util::Stream<Item = Result<T, sqlx::Error>> + Unpin,
    sender: &tokio::sync::mpsc::Sender<Result<Vec<T>, DbError>>,
    chunk: usize,
) -> Result<(), DbError> {
    use futures_util::StreamExt;
    let mut batch = Vec::with_capacity(chunk);
    while let Some(row) = rows.next().await {
        batch.push(row?);
        if batch.len() == chunk && sender.send(Ok(std::mem::take(&mut batch))).await.is_err() {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = sender.send(Ok(batch)).await;
    }
    Ok(())
}

/// `text` with each `$n` outside quotes replaced by `?`, and the argument
/// index (`n - 1`) of each, in order.
fn positional(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut order = Vec::new();
    let mut quote = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut number = 0_usize;
                while let Some(digit) = chars.peek().and_then(|d| d.to_digit(10)) {
                    number = number * 10 + digit as usize;
                    chars.next();
                }
                order.push(number.saturating_sub(1));
                out.push('?');
                continue;
            }
            (None, _) => {}
        }
        out.push(c);
    }
    (out, order)
}

/// A row type readable from both databases.
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// Runs `$body` with `$ex` bound to the backend's executor and `$args` to the
/// arguments built for that backend. The body is compiled once per backend.
macro_rules! on_backend {
    ($target:expr, $sql:expr, |$ex:ident, $text:ident, $args:ident| $body:expr) => {
        match $target {
            Target::Sqlite($ex) => {
                let ($text, $args) = $sql.into_sqlite()?;
                let $text = AssertSqlSafe($text);
                $body
            }
            Target::Postgres($ex) => {
                let ($text, $args) = $sql.into_pg()?;
                let $text = AssertSqlSafe($text);
                $body
            }
        }
    };
}

enum Target<S, P> {
    Sqlite(S),
    Postgres(P),
}

macro_rules! query_methods {
    ($($receiver:tt)?) => {
        /// Runs a statement; returns the rows affected.
        pub async fn execute(& $($receiver)? self, sql: Sql) -> Result<u64, DbError> {
            Ok(on_backend!(self.target(), sql, |ex, text, args| {
                sqlx::query_with(text, args).execute(ex).await?.rows_affected()
            }))
        }

        pub async fn fetch_all<T: Record>(& $($receiver)? self, sql: Sql) -> Result<Vec<T>, DbError> {
            Ok(on_backend!(self.target(), sql, |ex, text, args| {
                sqlx::query_as_with(text, args).fetch_all(ex).await?
            }))
        }

        pub async fn fetch_optional<T: Record>(& $($receiver)? self, sql: Sql) -> Result<Option<T>, DbError> {
            Ok(on_backend!(self.target(), sql, |ex, text, args| {
                sqlx::query_as_with(text, args).fetch_optional(ex).await?
            }))
        }

        /// One row, or [`DbError::NotFound`].
        pub async fn fetch_one<T: Record>(& $($receiver)? self, sql: Sql) -> Result<T, DbError> {
            self.fetch_optional(sql).await?.ok_or(DbError::NotFound)
        }
    };
}

impl Db {
    fn new(pool: Pool) -> Self {
        Self {
            pool,
            audit_written: Arc::new(Notify::new()),
        }
    }

    /// Notified after each commit that wrote audit entries.
    pub fn audit_written(&self) -> &Notify {
        &self.audit_written
    }

    /// Every row of `sql`, read by one statement and sent `chunk` rows at
    /// a time: the rows are one consistent snapshot however many there
    /// are, and memory stays bounded by the channel, which holds two
    /// chunks. Dropping the receiver stops the read.
    pub fn stream_chunks<T: Record + 'static>(
        &self,
        sql: Sql,
        chunk: usize,
    ) -> tokio::sync::mpsc::Receiver<Result<Vec<T>, DbError>> {
        let (sender, receiver) = tokio::sync::mpsc::channel(2);
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let sent = match pool {
                Pool::Sqlite(pool) => match sql.into_sqlite() {
                    Ok((text, args)) => {
                        let rows =
                            sqlx::query_as_with::<_, T, _>(AssertSqlSafe(text), args).fetch(&pool);
                        send_chunks(rows, &sender, chunk).await
                    }
                    Err(error) => Err(error),
                },
                Pool::Postgres(pool) => match sql.into_pg() {
                    Ok((text, args)) => {
                        let rows =
                            sqlx::query_as_with::<_, T, _>(AssertSqlSafe(text), args).fetch(&pool);
                        send_chunks(rows, &sender, chunk).await
                    }
                    Err(error) => Err(error),
                },
            };
            if let Err(error) = sent {
                let _ = sender.send(Err(error)).await;
            }
        });
        receiver
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DbError> {
        self.execute(Sql::new("SELECT 1")).await.map(drop)
    }

    /// Connects to `url`: `postgres://…` selects PostgreSQL, `sqlite:…`
    /// SQLite (WAL, busy timeout, foreign keys on).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No ping before handing out a connection: it would cost every
            // request a round trip, and a dead connection fails its query
            // and leaves the pool anyway.
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .test_before_acquire(false)
                .connect(url)
                .await?;
            Ok(Db::new(Pool::Postgres(pool)))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                // A big write (an import's one transaction) keeps its pages
                // in memory instead of spilling them to the WAL as it goes.
                .pragma("cache_size", format!("-{SQLITE_CACHE_KIB}"))
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(options)
                .await?;
            Ok(Db::new(Pool::Sqlite(pool)))
        } else {
            Err(DbError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies pending migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub async fn begin(&self) -> Result<Tx, DbError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => Open::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Open::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            audited: false,
            audit_written: Arc::clone(&self.audit_written),
        })
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    fn target(&self) -> Target<&SqlitePool, &PgPool> {
        match &self.pool {
            Pool::Sqlite(pool) => Target::Sqlite(pool),
            Pool::Postgres(pool) => Target::Postgres(pool),
        }
    }

    query_methods!();
}

impl Tx {
    pub async fn commit(self) -> Result<(), DbError> {
        match self.inner {
            Open::Sqlite(tx) => tx.commit().await?,
            Open::Postgres(tx) => tx.commit().await?,
        }
        if self.audited {
            self.audit_written.notify_one();
        }
        Ok(())
    }

    /// The driver's transaction, for the few reads that stream rows.
    pub(crate) fn open(&mut self) -> &mut Open {
        &mut self.inner
    }

    /// Marks the transaction as having written audit entries.
    pub(crate) fn audited(&mut self) {
        self.audited = true;
    }

    /// Undoes the transaction (dropping it without commit does the same).
    pub async fn rollback(self) -> Result<(), DbError> {
        match self.inner {
            Open::Sqlite(tx) => tx.rollback().await?,
            Open::Postgres(tx) => tx.rollback().await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Open::Sqlite(_) => Backend::Sqlite,
            Open::Postgres(_) => Backend::Postgres,
        }
    }

    fn target(&mut self) -> Target<&mut sqlx::SqliteConnection, &mut sqlx::PgConnection> {
        match &mut self.inner {
            Open::Sqlite(tx) => Target::Sqlite(&mut **tx),
            Open::Postgres(tx) => Target::Postgres(&mut **tx),
        }
    }

    query_methods!(mut);
}

macro_rules! arg_from {
    ($variant:ident: $($ty:ty => |$v:ident| $conv:expr),+ $(,)?) => {
        $(
            impl From<$ty> for Arg {
                fn from($v: $ty) -> Self {
                    Arg::$variant(Some($conv))
                }
            }
            impl From<Option<$ty>> for Arg {
                fn from(value: Option<$ty>) -> Self {
                    Arg::$variant(value.map(|$v| $conv))
                }
            }
        )+
    };
}

arg_from!(I64:
    i64 => |v| v,
    i32 => |v| i64::from(v),
    Money => |v| v.units(),
    UnitPrice => |v| v.units(),
    Quantity => |v| v.units(),
    Percent => |v| v.units(),
);
arg_from!(Text:
    String => |v| v,
    &str => |v| v.to_owned(),
    &String => |v| v.clone(),
    Code => |v| v.into_inner(),
    &Code => |v| v.as_str().to_owned(),
    Email => |v| v.into_inner(),
    Barcode => |v| v.into_inner(),
    Siren => |v| v.into_inner(),
    Siret => |v| v.into_inner(),
    VatNumber => |v| v.into_inner(),
    Role => |v| v.as_str().to_owned(),
    ProductKind => |v| v.as_str().to_owned(),
    Unit => |v| v.as_str().to_owned(),
    VatCategory => |v| v.as_str().to_owned(),
    PartyKind => |v| v.as_str().to_owned(),
    ClientStatus => |v| v.as_str().to_owned(),
    AddressKind => |v| v.as_str().to_owned(),
    PriceScope => |v| v.as_str().to_owned(),
);
arg_from!(Uuid: Uuid => |v| v);
arg_from!(Bool: bool => |v| v);
arg_from!(Json: Value => |v| v);
arg_from!(Timestamp: DateTime<Utc> => |v| v);
arg_from!(Date: NaiveDate => |v| v);

/// Now, truncated to the microsecond both databases keep.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::positional;

    #[test]
    fn sqlite_placeholders_follow_the_text_and_skip_quotes() {
        let (text, order) =
            positional("SELECT $2, '$1 it''s', \"$3\", $1, $2 FROM t WHERE x = $10 AND y = 'a'");
        assert_eq!(
            text,
            "SELECT ?, '$1 it''s', \"$3\", ?, ? FROM t WHERE x = ? AND y = 'a'"
        );
        assert_eq!(order, [1, 0, 1, 9]);
    }
}
