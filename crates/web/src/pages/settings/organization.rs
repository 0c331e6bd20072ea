//! The organization's settings: its name, the time zone its pages show
//! instants in and reckon "today" by, and its identity (address, legal
//! numbers, bank account, what its documents print), in fieldsets; the
//! logo, uploaded, previewed and removed apart. The form carries the
//! version it was read at; a stale one shows what is stored now.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::parties::{every_error, text};
use crate::pages::{by_field, show, typed};
use crate::session::{Allowed, Viewer};
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use comptoir_db::organization::OrganizationSettings;
use comptoir_domain::FieldErrors;
use comptoir_domain::time_zone::TimeZone;
use comptoir_services::organization::logo::{self, MAX_LOGO_BYTES};
use comptoir_services::organization::{self as service, OrganizationRequest};
use comptoir_services::{ServiceError, require};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Room for the multipart framing around a logo of the largest size.
const MULTIPART_OVERHEAD: usize = 64 * 1024;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/settings/organization", get(edit).post(update))
        .route(
            "/settings/organization/logo",
            get(logo_image)
                .post(upload_logo)
                .layer(DefaultBodyLimit::max(MAX_LOGO_BYTES + MULTIPART_OVERHEAD)),
        )
        .route("/settings/organization/logo/delete", post(remove_logo))
}

type Manager = Allowed<require::SettingsManage>;

/// The form's fields, but its version: each is the request's field of
/// the same name.
const FIELDS: [&str; 30] = [
    "name",
    "time_zone",
    "legal_name",
    "legal_form",
    "share_capital",
    "email",
    "phone",
    "website",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "country",
    "siren",
    "siret",
    "rcs_city",
    "vat_number",
    "naf_code",
    "iban",
    "bic",
    "payment_terms_days",
    "late_penalty_rate",
    "early_payment_discount",
    "footer",
    "quote_text",
    "order_text",
    "delivery_text",
    "invoice_text",
    "credit_note_text",
    "purchase_order_text",
];

/// The form as typed (or as stored): every field, empty when absent.
type OrganizationForm = BTreeMap<String, String>;

fn complete(mut form: OrganizationForm) -> OrganizationForm {
    for name in FIELDS.into_iter().chain(["version"]) {
        form.entry(name.to_owned()).or_default();
    }
    form
}

fn from_settings(settings: &OrganizationSettings) -> OrganizationForm {
    let stored = serde_json::to_value(settings).unwrap_or_default();
    complete(
        FIELDS
            .into_iter()
            .chain(["version"])
            .filter_map(|name| text(&stored, name).map(|value| (name.to_owned(), value)))
            .collect(),
    )
}

/// The request the API would receive; a number of days that is not a
/// whole number is the form's own error.
fn request(form: &OrganizationForm, errors: &mut FieldErrors) -> PageResult<OrganizationRequest> {
    let mut body = Map::new();
    for name in FIELDS {
        let value = typed(form.get(name).cloned());
        let value = match (name, value) {
            ("payment_terms_days", Some(days)) => match days.parse::<i64>() {
                Ok(days) => json!(days),
                Err(_) => {
                    errors.add("payment_terms_days", "must be a whole number");
                    Value::Null
                }
            },
            (_, value) => json!(value),
        };
        body.insert(name.to_owned(), value);
    }
    serde_json::from_value(Value::Object(body)).map_err(PageError::internal)
}

struct Shown<'a> {
    status: StatusCode,
    form: &'a OrganizationForm,
    logo: Option<&'a str>,
    errors: FieldErrors,
    notice: Option<&'a str>,
}

fn form_page(viewer: &Manager, shown: Shown<'_>) -> PageResult<Response> {
    let zones: Vec<&str> = TimeZone::names().collect();
    let page = show(
        viewer,
        "settings/organization.html",
        "settings.organization",
        json!({
            "form": shown.form,
            "zones": zones,
            "logo": shown.logo,
            "max_logo_bytes": MAX_LOGO_BYTES,
            "errors": by_field(shown.errors),
            "notice": shown.notice,
        }),
    )?;
    Ok((shown.status, page).into_response())
}

/// The stored settings' form, with `errors` (of the logo) and `notice`.
async fn stored_page(
    viewer: &Manager,
    ctx: &WebContext,
    status: StatusCode,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let settings = service::settings(&ctx.db, &viewer.actor).await?;
    let form = from_settings(&settings);
    let shown = Shown {
        status,
        form: &form,
        logo: settings.identity.logo_sha256.as_deref(),
        errors,
        notice,
    };
    form_page(viewer, shown)
}

async fn edit(viewer: Manager, State(ctx): State<WebContext>) -> PageResult<Response> {
    stored_page(&viewer, &ctx, StatusCode::OK, FieldErrors::new(), None).await
}

async fn update(
    viewer: Manager,
    State(ctx): State<WebContext>,
    Form(form): Form<OrganizationForm>,
) -> PageResult<Response> {
    let form = complete(form);
    let Some(version) = typed(form.get("version").cloned()).and_then(|v| v.parse::<i64>().ok())
    else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    let mut errors = FieldErrors::new();
    let request = request(&form, &mut errors)?;
    let saved = if errors.is_empty() {
        service::update(&ctx.db, &viewer.actor, Some(version), request).await
    } else {
        // Nothing is saved, but the services' findings on the other
        // fields are shown with the form's own.
        let found = request.validate().err().unwrap_or_default();
        Err(ServiceError::Validation(every_error(errors, found)))
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/settings").into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            stored_page(
                &viewer,
                &ctx,
                StatusCode::PRECONDITION_FAILED,
                FieldErrors::new(),
                Some("changed by someone else meanwhile"),
            )
            .await
        }
        Err(ServiceError::Validation(errors)) => {
            let settings = service::settings(&ctx.db, &viewer.actor).await?;
            let shown = Shown {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                form: &form,
                logo: settings.identity.logo_sha256.as_deref(),
                errors,
                notice: None,
            };
            form_page(&viewer, shown)
        }
        Err(error) => Err(error.into()),
    }
}

/// The logo, for every signed-in reader (the pages and documents show it).
async fn logo_image(viewer: Viewer, State(ctx): State<WebContext>) -> PageResult<Response> {
    let image = logo::logo(&ctx.db, &viewer.actor).await?;
    Ok((
        [
            (header::CONTENT_TYPE, image.content_type),
            (header::CACHE_CONTROL, "private, no-cache".to_owned()),
        ],
        image.bytes,
    )
        .into_response())
}

/// What an upload brought: the file's bytes, or why they were not read.
enum Upload {
    File(Vec<u8>),
    Missing,
    TooLarge,
}

/// Reads the upload's `file` field, stopping past the logo's limit.
async fn receive(mut multipart: Multipart) -> PageResult<Upload> {
    let refused = |error: MultipartError| PageError::Refused {
        status: error.status(),
        message: error.body_text(),
    };
    let mut upload = Upload::Missing;
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() != Some("file") {
            continue;
        }
        match logo::read_logo(field).await.map_err(refused)? {
            None => return Ok(Upload::TooLarge),
            // A form sent without choosing a file has an empty one.
            Some(bytes) if bytes.is_empty() => {}
            Some(bytes) => upload = Upload::File(bytes),
        }
    }
    Ok(upload)
}

async fn upload_logo(
    viewer: Manager,
    State(ctx): State<WebContext>,
    multipart: Multipart,
) -> PageResult<Response> {
    let refusal = match receive(multipart).await? {
        Upload::File(bytes) => match logo::set_logo(&ctx.db, &viewer.actor, None, &bytes).await {
            Ok(_) => return Ok(Redirect::to("/settings/organization").into_response()),
            Err(ServiceError::Validation(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
            Err(error) => return Err(error.into()),
        },
        Upload::Missing => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FieldErrors::single("file", "is required"),
        ),
        Upload::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            FieldErrors::single("file", "at most 1 MB"),
        ),
    };
    let (status, errors) = refusal;
    stored_page(&viewer, &ctx, status, errors, None).await
}

async fn remove_logo(viewer: Manager, State(ctx): State<WebContext>) -> PageResult<Response> {
    match logo::remove_logo(&ctx.db, &viewer.actor, None).await {
        // Removed, or already gone (the form sent twice).
        Ok(_) | Err(ServiceError::NotFound) => {
            Ok(Redirect::to("/settings/organization").into_response())
        }
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use utoipa::PartialSchema;
    use utoipa::openapi::{RefOr, Schema};

    #[test]
    fn the_form_has_every_field_of_the_request() {
        let RefOr::T(Schema::Object(schema)) = OrganizationRequest::schema() else {
            panic!("the request is an object");
        };
        let mut requested: Vec<&str> = schema.properties.keys().map(String::as_str).collect();
        let mut formed = FIELDS.to_vec();
        requested.sort_unstable();
        formed.sort_unstable();
        assert_eq!(requested, formed);
    }
}
