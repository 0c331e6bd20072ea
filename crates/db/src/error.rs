//! The storage layer's error. Constraint violations are classified here so
//! the HTTP layer can map them to the conventions' codes in one place.

use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint; holds the database's message, which names the
    /// column (SQLite) or the constraint (PostgreSQL, named after columns).
    #[error("unique constraint violated: {0}")]
    Unique(String),
    #[error("foreign key constraint violated: {0}")]
    ForeignKey(String),
    #[error("check constraint violated: {0}")]
    Check(String),
    /// The row changed since the version the caller read (If-Match).
    #[error("version mismatch")]
    VersionMismatch,
    /// The database refused to change a frozen row.
    #[error("row is immutable: {0}")]
    Immutable(String),
    /// A backup or restore that cannot proceed, with the reason.
    #[error("{0}")]
    Backup(String),
    #[error("database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    #[error("could not bind an argument: {0}")]
    Bind(sqlx::error::BoxDynError),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_error) = &error {
            let message = db_error.message().to_owned();
            let detail = db_error
                .constraint()
                .map(|c| format!("{message} ({c})"))
                .unwrap_or(message);
            if detail.contains("immutable") {
                return DbError::Immutable(detail);
            }
            return match db_error.kind() {
                ErrorKind::UniqueViolation => DbError::Unique(detail),
                ErrorKind::ForeignKeyViolation => DbError::ForeignKey(detail),
                ErrorKind::CheckViolation => DbError::Check(detail),
                _ => DbError::Sqlx(error),
            };
        }
        if let sqlx::Error::RowNotFound = error {
            return DbError::NotFound;
        }
        DbError::Sqlx(error)
    }
}

impl DbError {
    /// For a unique violation, the API field it concerns.
    pub fn unique_field(&self) -> Option<&'static str> {
        let DbError::Unique(detail) = self else {
            return None;
        };
        ["barcode", "email", "number", "code", "key", "name"]
            .into_iter()
            .find(|field| detail.contains(field))
    }
}
