//! The one error of the service layer: what went wrong in business terms.
//! The API maps each variant to the conventions' status codes in one place
//! (`comptoir_api::error`); the command line prints its message.

use comptoir_db::DbError;
use comptoir_db::compliance::ChainError;
use comptoir_db::stock::{Shortage, StockError};
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not found")]
    NotFound,
    /// Who acts could not be established: wrong credentials, an unknown
    /// token, an ended session.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// The actor's role lacks a permission that only part of an answer
    /// needs (the route's own permission is checked by the entry point).
    #[error("your role lacks the permission {}", .0.as_str())]
    Forbidden(Permission),
    /// Too many failed logins; try again after this many seconds.
    #[error("too many attempts")]
    RateLimited { retry_after_seconds: u64 },
    /// A request that cannot be read as asked (a filter, a parameter),
    /// as opposed to a field that does not validate.
    #[error("{0}")]
    BadInput(String),
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{message}")]
    Conflict { message: String, details: Value },
    #[error("{0}")]
    InvalidTransition(String),
    #[error("not enough stock")]
    InsufficientStock(Vec<Shortage>),
    #[error("{message}")]
    CreditLimitExceeded { message: String, details: Value },
    /// An upload over its size limit.
    #[error("{0}")]
    TooLarge(String),
    #[error("the resource changed since you read it (version {current})")]
    PreconditionFailed { current: i64 },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl ServiceError {
    pub fn conflict(message: impl Into<String>) -> Self {
        ServiceError::Conflict {
            message: message.into(),
            details: json!({}),
        }
    }

    pub fn field(field: &str, message: &str) -> Self {
        ServiceError::Validation(FieldErrors::single(field, message))
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        ServiceError::Internal(Box::new(error))
    }

    /// Lets a deletion go only when no other record points at the row;
    /// otherwise a conflict whose `details.referenced_by` counts them per
    /// kind of record.
    pub fn unless_referenced(references: &[(&str, i64)]) -> ServiceResult<()> {
        if references.is_empty() {
            Ok(())
        } else {
            Err(Self::still_referenced(references))
        }
    }

    fn still_referenced(references: &[(&str, i64)]) -> Self {
        let mut totals = std::collections::BTreeMap::<&str, i64>::new();
        for (table, n) in references {
            *totals.entry(table).or_default() += n;
        }
        let described: Vec<String> = totals
            .iter()
            .map(|(table, n)| format!("{n} {}", table.replace('_', " ")))
            .collect();
        let counts: serde_json::Map<String, Value> = totals
            .into_iter()
            .map(|(table, n)| (table.to_owned(), json!(n)))
            .collect();
        ServiceError::Conflict {
            message: format!("still used by {}", described.join(", ")),
            details: json!({ "referenced_by": counts }),
        }
    }
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Validation(errors)
    }
}

impl From<DbError> for ServiceError {
    fn from(error: DbError) -> Self {
        match error {
            DbError::NotFound => ServiceError::NotFound,
            DbError::Unique(_) => {
                let field = error.unique_field().unwrap_or("code");
                ServiceError::Conflict {
                    message: format!("this {field} is already used"),
                    details: json!({ "field": field }),
                }
            }
            DbError::ForeignKey(_) => {
                ServiceError::conflict("the resource is still referenced by other records")
            }
            DbError::Immutable(_) => ServiceError::conflict("this record can no longer be changed"),
            DbError::VersionMismatch => {
                ServiceError::conflict("the resource was changed concurrently; retry")
            }
            other => ServiceError::internal(other),
        }
    }
}

impl From<ChainError> for ServiceError {
    fn from(error: ChainError) -> Self {
        match error {
            ChainError::Closed(period) => ServiceError::Conflict {
                message: format!(
                    "the period {period} is closed: nothing dated in it can be recorded"
                ),
                details: json!({ "closed_period": period }),
            },
            ChainError::Db(error) => error.into(),
        }
    }
}

impl From<StockError> for ServiceError {
    fn from(error: StockError) -> Self {
        match error {
            StockError::Insufficient(shortages) => ServiceError::InsufficientStock(shortages),
            StockError::InvalidTransition(message) => ServiceError::InvalidTransition(message),
            StockError::Blocked(number) => ServiceError::Conflict {
                message: format!("inventory {number} is in progress on this stock"),
                details: json!({ "inventory": number }),
            },
            StockError::Db(error) => error.into(),
        }
    }
}
