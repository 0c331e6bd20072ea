//! Request parsing at the HTTP edge: JSON bodies, list parameters,
//! `If-Match`, and (from the services) query filters and JSON merge
//! patches. Every rejection becomes an [`ApiError`] with the conventions'
//! body.

use crate::error::ApiError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use comptoir_db::resource::Table;
use comptoir_db::{Page, Sort};
use comptoir_domain::FieldErrors;
pub use comptoir_services::patch::merge_patch;
pub use comptoir_services::validate::query_filter;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `axum::Json`, with rejections mapped to 400 / 413. Every string of
/// the body is checked first ([`refuse_control_characters`]), then the
/// body is read into `T` with the path of any mistyped field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => typed(value).map(Json),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}

/// A JSON body that may be left out: an empty body is `T::default()`.
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest(rejection.body_text()),
            })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
        typed(value).map(OptionalJson)
    }
}

/// Reads a checked JSON value into a request type; a mistyped field is a
/// 400 naming it, in the conventions' words for a number sent where an
/// exact decimal string is expected.
fn typed<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    refuse_control_characters(&value)?;
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = error.path().to_string();
        let cause = error.into_inner().to_string();
        let number_for_text = cause.starts_with("invalid type: integer")
            || cause.starts_with("invalid type: floating point");
        let message = if number_for_text && cause.ends_with("expected a string") {
            "amounts and quantities are written as strings, like \"1500.00\"".to_owned()
        } else {
            cause
        };
        if field == "." {
            ApiError::BadRequest(format!("invalid JSON body: {message}"))
        } else {
            ApiError::BadRequest(format!("{field}: {message}"))
        }
    })
}

/// Whether a text holds a character no business text should: a C0 or C1
/// control other than tab and line breaks (PostgreSQL cannot even store
/// NUL), or a bidirectional override or isolate, which makes a name read
/// differently from what it is.
pub fn has_forbidden_character(text: &str) -> bool {
    text.chars().any(|c| {
        (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// Refuses, with 422 naming every field, a body with a forbidden
/// character in any string (keys included), on both backends alike.
pub fn refuse_control_characters(value: &Value) -> Result<(), ApiError> {
    fn walk(value: &Value, path: &str, errors: &mut FieldErrors) {
        match value {
            Value::String(text) if has_forbidden_character(text) => errors.add(
                if path.is_empty() { "body" } else { path },
                "must not contain control or bidirectional override characters",
            ),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{index}]"), errors);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    let field = if path.is_empty() {
                        key.clone()
                    } else {
                        format!("{path}.{key}")
                    };
                    if has_forbidden_character(key) {
                        errors.add(
                            field.clone(),
                            "must not contain control or bidirectional override characters",
                        );
                    }
                    walk(item, &field, errors);
                }
            }
            _ => {}
        }
    }
    let mut errors = FieldErrors::new();
    walk(value, "", &mut errors);
    errors.finish(|| ()).map_err(ApiError::from)
}

/// `axum::extract::Multipart`, with rejections (no boundary, wrong
/// content type) mapped to 400 in the conventions' body.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Multipart)
            .map_err(|rejection| match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                _ => ApiError::BadRequest(rejection.body_text()),
            })
    }
}

/// A multipart body that broke off while being read: 413 past the upload
/// limit, else 400.
pub fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::BadRequest(error.body_text())
    }
}

/// `axum::extract::Path`, with rejections mapped to 400.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Path(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// `axum::extract::Query`, with rejections mapped to 400.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| Query(value))
            .map_err(|rejection| ApiError::BadRequest(rejection.body_text()))
    }
}

/// The version an update expects, from `If-Match` (quotes and weak
/// prefixes tolerated).
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let Some(value) = parts.headers.get(axum::http::header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value
            .to_str()
            .map_err(|_| ApiError::BadRequest("If-Match must be a version number".into()))?;
        let version = text
            .trim()
            .trim_start_matches("W/")
            .trim_matches('"')
            .parse::<i64>()
            .map_err(|_| ApiError::BadRequest("If-Match must be a version number".into()))?;
        Ok(IfMatch(Some(version)))
    }
}

impl IfMatch {
    /// Fails with 412 when the caller's version is stale.
    pub fn check(&self, current: i64) -> Result<(), ApiError> {
        Ok(comptoir_services::validate::check_version(self.0, current)?)
    }
}

/// The paging, sorting and search parameters every list takes.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1.
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000000)]
    pub page: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 200)]
    pub page_size: Option<String>,
    /// Field to sort on; `-field` sorts descending.
    pub sort: Option<String>,
    /// Free-text search.
    pub q: Option<String>,
}

pub const MAX_PAGE_SIZE: i64 = 200;

impl ListParams {
    pub fn page(&self) -> Result<Page, ApiError> {
        let number = |text: &Option<String>, name: &str, default: i64, max: i64| match text {
            None => Ok(default),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!("{name} must be a whole number from 1 to {max}"))
                }),
        };
        Ok(Page {
            page: number(&self.page, "page", 1, 1_000_000)?,
            page_size: number(&self.page_size, "page_size", 50, MAX_PAGE_SIZE)?,
        })
    }

    pub fn sort<T: Table>(&self) -> Result<Option<Sort>, ApiError> {
        let Some(text) = self.sort.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        let (field, descending) = match text.strip_prefix('-') {
            Some(field) => (field, true),
            None => (text, false),
        };
        T::SORTABLE
            .iter()
            .find(|(name, _)| *name == field)
            .map(|(_, column)| Some(Sort { column, descending }))
            .ok_or_else(|| {
                let names: Vec<&str> = T::SORTABLE.iter().map(|(name, _)| *name).collect();
                ApiError::BadRequest(format!(
                    "sort must be one of: {} (prefix - for descending)",
                    names.join(", ")
                ))
            })
    }
}

/// A list page as every list endpoint returns it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PageOf<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub page_size: i64,
    pub total: i64,
}

impl<T> PageOf<T> {
    pub fn new(listing: comptoir_db::Listing<T>, page: Page) -> Self {
        Self {
            items: listing.items,
            page: page.page,
            page_size: page.page_size,
            total: listing.total,
        }
    }
}
