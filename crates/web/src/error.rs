//! The pages' error: one enum, mapped once to a status and an error page
//! in the reader's language. A handler returns it; the session layer,
//! which knows the reader, renders the page (`session::error_page`).
//! Internal causes are logged and never shown.

use crate::i18n;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use comptoir_services::ServiceError;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub enum PageError {
    NotFound,
    /// The reader's role does not allow the page or the action.
    Forbidden,
    /// A state-changing request without the session's CSRF token.
    CsrfRefused,
    BadRequest(&'static str),
    /// A request the services refused, with their message (in English,
    /// translated when shown).
    Refused {
        status: StatusCode,
        message: String,
    },
    Internal(Arc<dyn std::error::Error + Send + Sync>),
}

pub type PageResult<T> = Result<T, PageError>;

impl PageError {
    pub fn internal(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        PageError::Internal(Arc::new(error))
    }

    pub(crate) fn status(&self) -> StatusCode {
        match self {
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Forbidden | PageError::CsrfRefused => StatusCode::FORBIDDEN,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Refused { status, .. } => *status,
            PageError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The page's title key and its message, in `language`.
    pub(crate) fn text(
        &self,
        language: comptoir_domain::language::Language,
    ) -> (&'static str, String) {
        match self {
            PageError::NotFound => (
                "error.not_found",
                i18n::text(language, "error.not_found.text"),
            ),
            PageError::Forbidden => (
                "error.forbidden",
                i18n::text(language, "error.forbidden.text"),
            ),
            PageError::CsrfRefused => ("error.csrf", i18n::text(language, "error.csrf.text")),
            PageError::BadRequest(message) => {
                ("error.bad_request", i18n::message(language, message))
            }
            PageError::Refused { message, .. } => {
                ("error.refused", i18n::message(language, message))
            }
            PageError::Internal(_) => (
                "error.internal",
                i18n::text(language, "error.internal.text"),
            ),
        }
    }
}

impl From<ServiceError> for PageError {
    fn from(error: ServiceError) -> Self {
        let refused = |status: StatusCode, message: String| PageError::Refused { status, message };
        match error {
            ServiceError::NotFound => PageError::NotFound,
            ServiceError::Forbidden(_) => PageError::Forbidden,
            ServiceError::Unauthenticated(message) => {
                refused(StatusCode::UNAUTHORIZED, message.to_owned())
            }
            ServiceError::RateLimited { .. } => refused(
                StatusCode::TOO_MANY_REQUESTS,
                "too many attempts".to_owned(),
            ),
            ServiceError::BadInput(message) => refused(StatusCode::BAD_REQUEST, message),
            ServiceError::Validation(errors) => refused(
                StatusCode::UNPROCESSABLE_ENTITY,
                errors
                    .into_vec()
                    .into_iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ServiceError::Conflict { message, .. }
            | ServiceError::CreditLimitExceeded { message, .. } => {
                refused(StatusCode::CONFLICT, message)
            }
            ServiceError::InvalidTransition(message) => refused(StatusCode::CONFLICT, message),
            ServiceError::InsufficientStock(_) => {
                refused(StatusCode::CONFLICT, "not enough stock".to_owned())
            }
            ServiceError::PreconditionFailed { .. } => refused(
                StatusCode::PRECONDITION_FAILED,
                "changed by someone else meanwhile".to_owned(),
            ),
            ServiceError::TooLarge(message) => refused(StatusCode::PAYLOAD_TOO_LARGE, message),
            ServiceError::Internal(cause) => PageError::Internal(Arc::from(cause)),
        }
    }
}

/// The error travels to the session layer in the response's extensions,
/// which renders it for the reader.
impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::Internal(cause) = &self {
            tracing::error!(error = %cause, "page failed");
        }
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}
