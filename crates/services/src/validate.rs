//! Small parsers shared by request types: each records its error under the
//! field's name so a request reports every bad field at once; list filters
//! read from a query; references checked against the organization's rows.

use crate::error::{ServiceError, ServiceResult};
use comptoir_db::resource::{self, Table};
use comptoir_db::{DbError, Tx};
use comptoir_domain::FieldErrors;
use uuid::Uuid;

pub const MAX_NAME: usize = 200;
pub const MAX_TEXT: usize = 10_000;

/// A required, trimmed, non-empty text of at most `max` characters.
pub fn required(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    match value.map(|v| v.trim().to_owned()) {
        None => {
            errors.add(field, "is required");
            None
        }
        Some(v) if v.is_empty() => {
            errors.add(field, "must not be empty");
            None
        }
        Some(v) if v.chars().count() > max => {
            errors.add(field, format!("at most {max} characters"));
            None
        }
        Some(v) => Some(v),
    }
}

/// An optional text; blank means absent.
pub fn optional(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    let value = value
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())?;
    if value.chars().count() > max {
        errors.add(field, format!("at most {max} characters"));
        return None;
    }
    Some(value)
}

/// An optional value parsed by `parse`; blank means absent.
pub fn parsed<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    let value = value.filter(|v| !v.trim().is_empty())?;
    errors.check(field, parse(&value))
}

/// A required value parsed by `parse`.
pub fn required_parsed<T, E: std::fmt::Display>(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<String>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<T> {
    if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
        errors.add(field, "is required");
        return None;
    }
    parsed(errors, field, value, parse)
}

/// A whole number of days between 0 and 3650.
pub fn days(errors: &mut FieldErrors, field: &str, value: Option<i64>, default: i64) -> i64 {
    match value {
        None => default,
        Some(d) if (0..=3650).contains(&d) => d,
        Some(_) => {
            errors.add(field, "must be between 0 and 3650 days");
            default
        }
    }
}

/// Parses an optional query filter, reporting a bad value as bad input.
pub fn query_filter<T, E: std::fmt::Display>(
    name: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Result<T, E>,
) -> ServiceResult<Option<T>> {
    value
        .map(|text| parse(text).map_err(|e| ServiceError::BadInput(format!("{name}: {e}"))))
        .transpose()
}

/// Checks that a referenced row exists in the caller's organization.
pub async fn check_reference<T: comptoir_db::Record + Table>(
    tx: &mut Tx,
    errors: &mut FieldErrors,
    organization_id: Uuid,
    field: &str,
    id: Option<Uuid>,
) -> ServiceResult<()> {
    if let Some(id) = id {
        match resource::read_in::<T>(tx, organization_id, id).await {
            Ok(_) => {}
            Err(DbError::NotFound) => errors.add(field, "no such record"),
            Err(other) => return Err(other.into()),
        }
    }
    Ok(())
}
