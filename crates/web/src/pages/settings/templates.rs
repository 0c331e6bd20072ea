//! The document templates: one row per kind of printed document saying
//! whether it prints with the shipped template or the organization's own,
//! the current template's source to download (`{kind}.typ`), the upload
//! of a new one — refused, with the template's line and message, when it
//! does not render a sample document — and the way back to the shipped
//! one. The same services as the API's `/settings/document-templates`.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{by_field, show};
use crate::session::Allowed;
use axum::Router;
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use comptoir_domain::FieldErrors;
use comptoir_services::documents::templates;
use comptoir_services::template_list::every_template;
use comptoir_services::{ServiceError, require};
use serde_json::json;

/// The largest upload read: the services' largest template (256 KiB) and
/// room for the multipart framing; past the template's limit and below
/// this one, the services say why.
const UPLOAD_LIMIT: usize = 320 * 1024;

const PAGE: &str = "/settings/document-templates";

pub fn router() -> Router<WebContext> {
    Router::new()
        .route(
            PAGE,
            get(index)
                .post(upload)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/settings/document-templates/{kind}", get(download))
        .route("/settings/document-templates/{kind}/reset", post(reset))
}

type Manager = Allowed<require::SettingsManage>;

/// The page; after a refused upload, the kind chosen and why (then with
/// the refusal's status).
async fn page(
    viewer: &Manager,
    ctx: &WebContext,
    status: StatusCode,
    chosen: Option<&str>,
    errors: FieldErrors,
) -> PageResult<Response> {
    let rows: Vec<_> = every_template(&ctx.db, &viewer.actor)
        .await?
        .into_iter()
        .map(|current| {
            json!({
                "kind": current.kind,
                "custom": current.custom,
                "updated_at": current.updated_at,
            })
        })
        .collect();
    let page = show(
        viewer,
        "settings/templates.html",
        "settings.templates",
        json!({
            "rows": rows,
            "chosen": chosen,
            "errors": by_field(errors),
        }),
    )?;
    Ok((status, page).into_response())
}

async fn index(viewer: Manager, State(ctx): State<WebContext>) -> PageResult<Response> {
    page(&viewer, &ctx, StatusCode::OK, None, FieldErrors::new()).await
}

/// The template `kind` prints with now, as a file to edit.
async fn download(
    viewer: Manager,
    State(ctx): State<WebContext>,
    Path(kind): Path<String>,
) -> PageResult<Response> {
    let kind = templates::kind(&kind)?;
    let current = templates::template(&ctx.db, &viewer.actor, kind).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.typ\"", current.kind),
            ),
        ],
        current.source,
    )
        .into_response())
}

/// The upload form as sent: the kind (as the routes spell it) and the
/// file's text.
struct Sent {
    kind: Option<String>,
    source: Result<String, &'static str>,
}

/// Reads the form (`_csrf` first, then `kind`, then `file`). A form sent
/// without a file has an empty one.
async fn receive(mut multipart: Multipart) -> PageResult<Sent> {
    let refused = |error: MultipartError| PageError::Refused {
        status: error.status(),
        message: error.body_text(),
    };
    let mut sent = Sent {
        kind: None,
        source: Err("is required"),
    };
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        match field.name() {
            Some("kind") => sent.kind = Some(field.text().await.map_err(refused)?),
            Some("file") => {
                let bytes = field.bytes().await.map_err(refused)?;
                sent.source = match String::from_utf8(bytes.to_vec()) {
                    Ok(text) if text.is_empty() => Err("is required"),
                    Ok(text) => Ok(text),
                    Err(_) => Err("is not a text file in UTF-8"),
                };
            }
            _ => {}
        }
    }
    Ok(sent)
}

async fn upload(
    viewer: Manager,
    State(ctx): State<WebContext>,
    multipart: Multipart,
) -> PageResult<Response> {
    let sent = receive(multipart).await?;
    let Some(name) = sent.kind else {
        return Err(PageError::BadRequest("the form lacks the document kind"));
    };
    let kind = templates::kind(&name)?;
    let outcome = match sent.source {
        Ok(source) => templates::replace(&ctx.db, &viewer.actor, kind, source)
            .await
            .map(|_| ()),
        Err(message) => Err(ServiceError::field("file", message)),
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(PAGE).into_response()),
        Err(ServiceError::Validation(errors)) => {
            // The services name the template's text `source`: on this
            // form, it is the file.
            let mut on_file = FieldErrors::new();
            for error in errors.into_vec() {
                on_file.add("file", &error.message);
            }
            page(
                &viewer,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&name),
                on_file,
            )
            .await
        }
        Err(error) => Err(error.into()),
    }
}

async fn reset(
    viewer: Manager,
    State(ctx): State<WebContext>,
    Path(kind): Path<String>,
) -> PageResult<Response> {
    let kind = templates::kind(&kind)?;
    match templates::reset(&ctx.db, &viewer.actor, kind).await {
        // Back to the shipped one, or already there (the form sent twice).
        Ok(()) | Err(ServiceError::NotFound) => Ok(Redirect::to(PAGE).into_response()),
        Err(error) => Err(error.into()),
    }
}
