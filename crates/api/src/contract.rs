//! The OpenAPI document as the contract of query strings, enforced on
//! every request: a parameter the operation does not document is refused
//! (400 naming it) instead of silently ignored, an empty value counts as
//! absent (`?page=` is the first page), and no value may hold a control
//! character. The document comes from the handlers' own parameter types,
//! so what is checked is what is documented.

use crate::error::ApiError;
use crate::extract::has_forbidden_character;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::response::{Response as ResponseDoc, ResponseBuilder};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

/// The query parameters each documented operation takes.
#[derive(Default)]
pub struct QueryContract {
    operations: HashMap<(Method, String), BTreeSet<String>>,
}

impl QueryContract {
    pub fn from_openapi(document: &OpenApi) -> Self {
        let mut operations = HashMap::new();
        for (path, item) in &document.paths.paths {
            let methods = [
                (Method::GET, &item.get),
                (Method::POST, &item.post),
                (Method::PUT, &item.put),
                (Method::PATCH, &item.patch),
                (Method::DELETE, &item.delete),
            ];
            for (method, operation) in methods {
                let Some(operation) = operation else { continue };
                let names = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| matches!(p.parameter_in, ParameterIn::Query))
                    .map(|p| p.name.clone())
                    .collect();
                operations.insert((method, path.clone()), names);
            }
        }
        Self { operations }
    }
}

/// Checks and normalizes the query string of a documented operation.
pub async fn layer(
    State(contract): State<Arc<QueryContract>>,
    mut request: Request,
    next: Next,
) -> Response {
    let documented = request.extensions().get::<MatchedPath>().and_then(|path| {
        contract
            .operations
            .get(&(request.method().clone(), path.as_str().to_owned()))
    });
    if let (Some(documented), Some(query)) = (documented, request.uri().query()) {
        match checked_query(documented, query) {
            Ok(kept) => {
                if kept.as_deref() != Some(query) {
                    *request.uri_mut() = with_query(request.uri(), kept.as_deref());
                }
            }
            Err(error) => return error.into_response(),
        }
    }
    next.run(request).await
}

/// The query without its empty values, or the first problem.
fn checked_query(documented: &BTreeSet<String>, query: &str) -> Result<Option<String>, ApiError> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if !documented.contains(name.as_ref()) {
            let known: Vec<&str> = documented.iter().map(String::as_str).collect();
            return Err(ApiError::BadRequest(if known.is_empty() {
                format!("{name}: this operation takes no query parameter")
            } else {
                format!(
                    "{name}: unknown query parameter; this operation takes {}",
                    known.join(", ")
                )
            }));
        }
        if has_forbidden_character(&value) {
            return Err(ApiError::BadRequest(format!(
                "{name}: must not contain control or bidirectional override characters"
            )));
        }
        if !value.is_empty() {
            kept.append_pair(&name, &value);
            any = true;
        }
    }
    Ok(any.then(|| kept.finish()))
}

/// Declares on every operation the error answers it can give, each with
/// the conventions' body: 400 always; 401 and 403 behind a token; 404
/// with an id in the path; 409 for a write (a conflict, or an
/// `Idempotency-Key` reused with another body); 412 for an update
/// (`If-Match`); 413 and 422 with a body; 429 for the login.
pub fn declare_error_answers(document: &mut OpenApi) {
    for (path, item) in document.paths.paths.iter_mut() {
        let operations = [
            (Method::GET, &mut item.get),
            (Method::POST, &mut item.post),
            (Method::PUT, &mut item.put),
            (Method::PATCH, &mut item.patch),
            (Method::DELETE, &mut item.delete),
        ];
        for (method, operation) in operations {
            let Some(operation) = operation else { continue };
            let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
            let has_body = operation.request_body.is_some();
            let answers = [
                (
                    "400",
                    "malformed request: bad JSON, parameter or content type",
                    true,
                ),
                ("401", "missing, expired or invalid token", secured),
                ("403", "the role lacks the permission", secured),
                (
                    "404",
                    "no such record in the organization",
                    path.contains('{'),
                ),
                (
                    "409",
                    "conflict: taken code, reused idempotency key, wrong state",
                    method != Method::GET,
                ),
                (
                    "412",
                    "If-Match does not match the current version",
                    matches!(method, Method::PUT | Method::PATCH),
                ),
                ("413", "body over the configured limit", has_body),
                ("422", "invalid fields, each with its message", has_body),
                ("429", "too many attempts", path.ends_with("/auth/login")),
            ];
            for (status, description, applies) in answers {
                if applies && !operation.responses.responses.contains_key(status) {
                    operation
                        .responses
                        .responses
                        .insert(status.to_owned(), error_answer(description));
                }
            }
        }
    }
}

/// Points every PATCH body at a copy of its request schema with no field
/// required: a JSON merge patch names only the fields it changes, while
/// the same type read whole (creation) requires them.
pub fn patch_bodies_require_nothing(document: &mut OpenApi) {
    let Some(components) = document.components.as_mut() else {
        return;
    };
    for item in document.paths.paths.values_mut() {
        let Some(body) = item.patch.as_mut().and_then(|op| op.request_body.as_mut()) else {
            continue;
        };
        for content in body.content.values_mut() {
            let Some(RefOr::Ref(reference)) = &content.schema else {
                continue;
            };
            let Some(name) = reference.ref_location.rsplit('/').next().map(str::to_owned) else {
                continue;
            };
            let patch_name = format!("{name}Patch");
            if !components.schemas.contains_key(&patch_name) {
                let Some(RefOr::T(Schema::Object(whole))) = components.schemas.get(&name) else {
                    continue;
                };
                let mut patch = whole.clone();
                patch.required.clear();
                patch.description = Some(format!(
                    "A JSON merge patch of {name}: only the fields given change."
                ));
                components
                    .schemas
                    .insert(patch_name.clone(), RefOr::T(Schema::Object(patch)));
            }
            content.schema = Some(RefOr::Ref(Ref::from_schema_name(patch_name)));
        }
    }
}

fn error_answer(description: &str) -> RefOr<ResponseDoc> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
        .into()
}

fn with_query(uri: &Uri, query: Option<&str>) -> Uri {
    let path_and_query = match query {
        Some(query) => format!("{}?{query}", uri.path()),
        None => uri.path().to_owned(),
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = path_and_query.parse().ok();
    Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn empty_values_are_dropped_and_the_rest_kept() {
        let documented = names(&["page", "q", "status"]);
        assert_eq!(checked_query(&documented, "page=&q=").unwrap(), None);
        assert_eq!(
            checked_query(&documented, "page=2&q=caf%C3%A9&status=")
                .unwrap()
                .as_deref(),
            Some("page=2&q=caf%C3%A9")
        );
    }

    #[test]
    fn unknown_names_and_control_characters_are_refused() {
        let documented = names(&["q"]);
        let unknown = checked_query(&documented, "colour=red").unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "colour: unknown query parameter; this operation takes q"
        );
        assert!(checked_query(&documented, "q=a%00b").is_err());
        assert!(checked_query(&names(&[]), "q=x").is_err());
    }
}
