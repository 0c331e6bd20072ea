//! One API over two databases. SQL text is shared (`$1` placeholders work
//! on both); arguments are collected as [`Arg`] values and bound to the
//! right driver in one place; rows decode through `sqlx::FromRow` on both.

use crate::error::DbError;
use crate::files::FileStore;
pub use crate::sql::{Arg, Sql};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;

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
    files: FileStore,
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
    files: FileStore,
}

pub(crate) enum Open {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
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
    fn new(pool: Pool, files: FileStore) -> Self {
        Self {
            pool,
            audit_written: Arc::new(Notify::new()),
            files,
        }
    }

    /// The same database with its files kept in `files`.
    pub fn with_files(mut self, files: FileStore) -> Self {
        self.files = files;
        self
    }

    /// Where this database's files are kept (`FileStore::beside` its URL
    /// unless set by `with_files`).
    pub fn files(&self) -> &FileStore {
        &self.files
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
    /// SQLite (WAL, so readers never wait on the writer; a 30 s busy
    /// timeout, so writers queue rather than fail; foreign keys on; a
    /// 32 MiB page cache per connection).
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
            Ok(Db::new(Pool::Postgres(pool), FileStore::beside(url)))
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
            Ok(Db::new(Pool::Sqlite(pool), FileStore::beside(url)))
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

    /// Opens a write transaction (`BEGIN IMMEDIATE` on SQLite: the write
    /// lock is taken at once, never upgraded from a read lock midway).
    pub async fn begin(&self) -> Result<Tx, DbError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => Open::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(pool) => Open::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            audited: false,
            audit_written: Arc::clone(&self.audit_written),
            files: self.files.clone(),
        })
    }

    /// Opens a transaction for reading several statements from one
    /// snapshot; on SQLite a plain (deferred) `BEGIN`, so it never waits
    /// for the write lock.
    pub async fn begin_read(&self) -> Result<Tx, DbError> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => Open::Sqlite(pool.begin().await?),
            Pool::Postgres(pool) => Open::Postgres(pool.begin().await?),
        };
        Ok(Tx {
            inner,
            audited: false,
            audit_written: Arc::clone(&self.audit_written),
            files: self.files.clone(),
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
    /// The database's file store: a file a row names is put there before
    /// the row is written.
    pub fn files(&self) -> &FileStore {
        &self.files
    }

    /// Commits, then wakes the audit chainer if the transaction wrote audit
    /// entries, so they are linked at once rather than on its next tick.
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

/// Now, truncated to the microsecond both databases keep.
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}
