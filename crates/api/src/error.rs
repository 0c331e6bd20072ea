//! The HTTP error: one enum, mapped once to the conventions' status codes
//! and `{"code","message","details"}` bodies. Internal causes are logged
//! with the request id and never returned.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use comptoir_db::DbError;
use comptoir_db::compliance::ChainError;
use comptoir_db::stock::{Shortage, StockError};
use comptoir_domain::FieldErrors;
use comptoir_services::ServiceError;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized(&'static str),
    #[error("your role does not allow this")]
    Forbidden(&'static str),
    #[error("not found")]
    NotFound,
    #[error("this method is not allowed here")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict { message: String, details: Value },
    #[error("not enough stock")]
    InsufficientStock(Vec<Shortage>),
    #[error("{0}")]
    InvalidTransition(String),
    #[error("{message}")]
    CreditLimitExceeded { message: String, details: Value },
    #[error("the resource changed since you read it (version {current})")]
    PreconditionFailed { current: i64 },
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("too many attempts")]
    RateLimited { retry_after_seconds: u64 },
    #[error("internal error")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// The error body of every non-2xx answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
    #[schema(value_type = Object)]
    pub details: Value,
}

impl ApiError {
    pub fn conflict(message: impl Into<String>) -> Self {
        ApiError::Conflict {
            message: message.into(),
            details: json!({}),
        }
    }

    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        ApiError::Internal(Box::new(error))
    }

    fn parts(&self) -> (StatusCode, &'static str, Value) {
        match self {
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad_request", json!({})),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized", json!({})),
            ApiError::Forbidden(permission) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                json!({ "required_permission": permission }),
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found", json!({})),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                json!({}),
            ),
            ApiError::Conflict { details, .. } => {
                (StatusCode::CONFLICT, "conflict", details.clone())
            }
            ApiError::InsufficientStock(shortages) => (
                StatusCode::CONFLICT,
                "insufficient_stock",
                json!({ "items": shortages }),
            ),
            ApiError::InvalidTransition(_) => {
                (StatusCode::CONFLICT, "invalid_transition", json!({}))
            }
            ApiError::CreditLimitExceeded { details, .. } => (
                StatusCode::CONFLICT,
                "credit_limit_exceeded",
                details.clone(),
            ),
            ApiError::PreconditionFailed { current } => (
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                json!({ "current_version": current }),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                json!({}),
            ),
            ApiError::Validation(fields) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                json!({ "fields": fields.clone().into_vec() }),
            ),
            ApiError::RateLimited {
                retry_after_seconds,
            } => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                json!({ "retry_after_seconds": retry_after_seconds }),
            ),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal", json!({})),
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Unauthorized(reason) => (*reason).to_owned(),
            ApiError::Forbidden(permission) => {
                format!("your role lacks the permission {permission}")
            }
            ApiError::Validation(fields) => format!("validation failed: {fields}"),
            other => other.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(error = %cause, cause = ?cause, "request failed");
        }
        let (status, code, details) = self.parts();
        let body = ErrorBody {
            code,
            message: self.message(),
            details,
        };
        let mut response = (status, Json(body)).into_response();
        if let ApiError::RateLimited {
            retry_after_seconds,
        } = self
        {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&retry_after_seconds.to_string())
                    .unwrap_or(HeaderValue::from_static("60")),
            );
        }
        response
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        ApiError::Validation(errors)
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Unauthenticated(reason) => ApiError::Unauthorized(reason),
            ServiceError::Forbidden(permission) => ApiError::Forbidden(permission.as_str()),
            ServiceError::RateLimited {
                retry_after_seconds,
            } => ApiError::RateLimited {
                retry_after_seconds,
            },
            ServiceError::BadInput(message) => ApiError::BadRequest(message),
            ServiceError::Validation(fields) => ApiError::Validation(fields),
            ServiceError::Conflict { message, details } => ApiError::Conflict { message, details },
            ServiceError::InvalidTransition(message) => ApiError::InvalidTransition(message),
            ServiceError::InsufficientStock(shortages) => ApiError::InsufficientStock(shortages),
            ServiceError::CreditLimitExceeded { message, details } => {
                ApiError::CreditLimitExceeded { message, details }
            }
            ServiceError::PreconditionFailed { current } => {
                ApiError::PreconditionFailed { current }
            }
            ServiceError::TooLarge(_) => ApiError::PayloadTooLarge,
            ServiceError::Internal(cause) => ApiError::Internal(cause),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(error: DbError) -> Self {
        ServiceError::from(error).into()
    }
}

impl From<ChainError> for ApiError {
    fn from(error: ChainError) -> Self {
        ServiceError::from(error).into()
    }
}

impl From<StockError> for ApiError {
    fn from(error: StockError) -> Self {
        ServiceError::from(error).into()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
