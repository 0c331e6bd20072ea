//! Clients: the list (search, sort, pages in the URL) and the form that
//! creates or changes one; `detail`: a client's page.

mod detail;

use super::{ListQuery, ListView, by_field, show, typed};
use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::session::Allowed;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use comptoir_db::parties::Client;
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Permission;
use comptoir_services::parties::{self as service, ClientFilters, ClientRequest, IdentityFields};
use comptoir_services::require;
use comptoir_services::{ServiceError, records};
use detail::client_page;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .merge(detail::router())
        .route("/clients", get(list).post(create))
        .route("/clients/new", get(new_form))
        .route("/clients/{id}", get(client_page).post(update))
        .route("/clients/{id}/edit", get(edit_form))
}

#[derive(Deserialize, Default)]
struct ClientListQuery {
    #[serde(flatten)]
    list: ListQuery,
    status: Option<String>,
}

async fn list(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Query(query): Query<ClientListQuery>,
) -> PageResult<Response> {
    let status = typed(query.status.clone());
    let filters = ClientFilters {
        status: status.clone(),
        kind: None,
        include_archived: None,
    };
    let listing = service::list_clients(
        &ctx.db,
        &viewer.actor,
        filters,
        query.list.search(),
        query.list.sort::<Client>(),
        query.list.page(),
    )
    .await?;
    let view = ListView::new(listing, &query.list);
    show(
        &viewer,
        "clients/list.html",
        "clients.title",
        json!({
            "list": view,
            "status": status.unwrap_or_default(),
            "may_write": viewer.actor.may(Permission::ClientsWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

/// The client form as typed: every field text, kept as is to show again.
#[derive(Deserialize, Serialize, Default, Clone)]
struct ClientForm {
    code: Option<String>,
    kind: Option<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    vat_number: Option<String>,
    siren: Option<String>,
    siret: Option<String>,
    payment_terms_days: Option<String>,
    status: Option<String>,
    discount_percent: Option<String>,
    credit_limit: Option<String>,
    notes: Option<String>,
    version: Option<String>,
}

impl ClientForm {
    fn from_client(client: &Client) -> Self {
        let json = serde_json::to_value(client).unwrap_or_default();
        let text = |field: &str| match &json[field] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        };
        ClientForm {
            code: text("code"),
            kind: text("kind"),
            name: text("name"),
            email: text("email"),
            phone: text("phone"),
            vat_number: text("vat_number"),
            siren: text("siren"),
            siret: text("siret"),
            payment_terms_days: text("payment_terms_days"),
            status: text("status"),
            discount_percent: text("discount_percent"),
            credit_limit: text("credit_limit"),
            notes: text("notes"),
            version: text("version"),
        }
    }

    /// The payment terms as a number of days, or the field's error.
    fn payment_terms(&self, errors: &mut FieldErrors) -> Option<i64> {
        let text = typed(self.payment_terms_days.clone())?;
        let days = text.parse::<i64>().ok();
        if days.is_none() {
            errors.add("payment_terms_days", "must be a whole number");
        }
        days
    }

    /// The request the API would receive, and the errors found reading
    /// the form's text as numbers.
    fn request(&self) -> (ClientRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let request = ClientRequest {
            code: typed(self.code.clone()),
            identity: IdentityFields {
                kind: typed(self.kind.clone()),
                name: typed(self.name.clone()),
                email: typed(self.email.clone()),
                phone: typed(self.phone.clone()),
                vat_number: typed(self.vat_number.clone()),
                siren: typed(self.siren.clone()),
                siret: typed(self.siret.clone()),
                payment_terms_days: self.payment_terms(&mut errors),
                notes: typed(self.notes.clone()),
            },
            status: typed(self.status.clone()),
            discount_percent: typed(self.discount_percent.clone()),
            credit_limit: typed(self.credit_limit.clone()),
            price_list_id: None,
        };
        (request, errors)
    }

    /// The change as a merge patch: an emptied field is cleared, the code
    /// is kept when left empty.
    fn patch(&self) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::new();
        let days = self.payment_terms(&mut errors);
        let mut patch = json!({
            "kind": typed(self.kind.clone()),
            "name": typed(self.name.clone()),
            "email": typed(self.email.clone()),
            "phone": typed(self.phone.clone()),
            "vat_number": typed(self.vat_number.clone()),
            "siren": typed(self.siren.clone()),
            "siret": typed(self.siret.clone()),
            "payment_terms_days": days,
            "status": typed(self.status.clone()),
            "discount_percent": typed(self.discount_percent.clone()),
            "credit_limit": typed(self.credit_limit.clone()),
            "notes": typed(self.notes.clone()),
        });
        if let Some(code) = typed(self.code.clone()) {
            patch["code"] = code.into();
        }
        (patch, errors)
    }
}

/// The form page: new when `id` is `None`; with the values typed, the
/// errors next to their fields, and a message above them.
fn form_page(
    viewer: &Allowed<require::ClientsWrite>,
    status: StatusCode,
    id: Option<Uuid>,
    form: &ClientForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let title = if id.is_some() {
        "clients.edit"
    } else {
        "clients.new"
    };
    let page = show(
        viewer,
        "clients/form.html",
        title,
        json!({
            "id": id,
            "form": form,
            "errors": by_field(errors),
            "notice": notice,
        }),
    )?;
    Ok((status, page).into_response())
}

async fn new_form(viewer: Allowed<require::ClientsWrite>) -> PageResult<Response> {
    let form = ClientForm {
        kind: Some("company".into()),
        status: Some("active".into()),
        payment_terms_days: Some("30".into()),
        ..Default::default()
    };
    form_page(
        &viewer,
        StatusCode::OK,
        None,
        &form,
        FieldErrors::new(),
        None,
    )
}

async fn create(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Form(form): Form<ClientForm>,
) -> PageResult<Response> {
    let (request, mut errors) = form.request();
    if !errors.is_empty() {
        if let Err(more) = request.validate() {
            for error in more.into_vec() {
                errors.add(error.field, error.message);
            }
        }
        return form_page(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            &form,
            errors,
            None,
        );
    }
    match service::create_client(&ctx.db, &viewer.actor, request).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(error) => refused_form(&viewer, None, &form, error),
    }
}

/// A refusal the form can show: field errors next to their fields, a
/// conflict above them; anything else is an error page.
fn refused_form(
    viewer: &Allowed<require::ClientsWrite>,
    id: Option<Uuid>,
    form: &ClientForm,
    error: ServiceError,
) -> PageResult<Response> {
    match error {
        ServiceError::Validation(errors) => form_page(
            viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            id,
            form,
            errors,
            None,
        ),
        ServiceError::Conflict { message, .. } => form_page(
            viewer,
            StatusCode::CONFLICT,
            id,
            form,
            FieldErrors::new(),
            Some(&message),
        ),
        other => Err(other.into()),
    }
}

async fn edit_form(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let client: Client = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = ClientForm::from_client(&client);
    form_page(
        &viewer,
        StatusCode::OK,
        Some(id),
        &form,
        FieldErrors::new(),
        None,
    )
}

async fn update(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<ClientForm>,
) -> PageResult<Response> {
    let (patch, errors) = form.patch();
    if !errors.is_empty() {
        return form_page(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(id),
            &form,
            errors,
            None,
        );
    }
    let version = typed(form.version.clone()).and_then(|v| v.parse::<i64>().ok());
    let Some(version) = version else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    match service::update_client(&ctx.db, &viewer.actor, id, Some(version), patch).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            // Show what is stored now; the reader's edit is lost, as they
            // were told, rather than written over someone else's.
            let current: Client = records::get(&ctx.db, &viewer.actor, id).await?;
            form_page(
                &viewer,
                StatusCode::PRECONDITION_FAILED,
                Some(id),
                &ClientForm::from_client(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile"),
            )
        }
        Err(error) => refused_form(&viewer, Some(id), &form, error),
    }
}
