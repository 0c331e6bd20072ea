//! Clients: the list (search, sort, pages in the URL), a client's page,
//! and the form that creates or changes one.

use super::parties::{FormPage, IdentityForm, Refused, every_error, refused, text};
use super::{ListQuery, ListView, show, typed};
use crate::WebContext;
use crate::error::PageResult;
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
use comptoir_services::parties::{self as service, ClientFilters, ClientRequest};
use comptoir_services::records;
use comptoir_services::require;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
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
    #[serde(flatten)]
    identity: IdentityForm,
    status: Option<String>,
    discount_percent: Option<String>,
    credit_limit: Option<String>,
}

impl ClientForm {
    fn from_client(client: &Client) -> Self {
        let json = serde_json::to_value(client).unwrap_or_default();
        ClientForm {
            identity: IdentityForm::from_json(&json),
            status: text(&json, "status"),
            discount_percent: text(&json, "discount_percent"),
            credit_limit: text(&json, "credit_limit"),
        }
    }

    /// The request the API would receive, and the errors found reading
    /// the form's text as numbers.
    fn request(&self) -> (ClientRequest, FieldErrors) {
        let mut errors = FieldErrors::new();
        let request = ClientRequest {
            code: typed(self.identity.code.clone()),
            identity: self.identity.fields(&mut errors),
            status: typed(self.status.clone()),
            discount_percent: typed(self.discount_percent.clone()),
            credit_limit: typed(self.credit_limit.clone()),
            price_list_id: None,
        };
        (request, errors)
    }

    /// The change as a merge patch.
    fn patch(&self) -> (Value, FieldErrors) {
        let mut errors = FieldErrors::new();
        let mut patch = self.identity.patch(&mut errors);
        patch["status"] = typed(self.status.clone()).into();
        patch["discount_percent"] = typed(self.discount_percent.clone()).into();
        patch["credit_limit"] = typed(self.credit_limit.clone()).into();
        (patch, errors)
    }
}

const FORM: FormPage = FormPage {
    template: "clients/form.html",
    new: "clients.new",
    edit: "clients.edit",
};

async fn new_form(viewer: Allowed<require::ClientsWrite>) -> PageResult<Response> {
    let form = ClientForm {
        identity: IdentityForm::blank(),
        status: Some("active".into()),
        ..Default::default()
    };
    FORM.render(
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
    let (request, errors) = form.request();
    if !errors.is_empty() {
        let errors = every_error(errors, request.validate());
        return FORM.render(
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
        Err(error) => FORM.refused(&viewer, None, &form, refused(error)?),
    }
}

async fn client_page(
    viewer: Allowed<require::ClientsRead>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let client: Client = records::get(&ctx.db, &viewer.actor, id).await?;
    show(
        &viewer,
        "clients/show.html",
        "clients.client",
        json!({
            "client": client,
            "may_write": viewer.actor.may(Permission::ClientsWrite),
        }),
    )
    .map(IntoResponse::into_response)
}

async fn edit_form(
    viewer: Allowed<require::ClientsWrite>,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let client: Client = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = ClientForm::from_client(&client);
    FORM.render(
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
        return FORM.render(
            &viewer,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(id),
            &form,
            errors,
            None,
        );
    }
    let version = form.identity.version()?;
    match service::update_client(&ctx.db, &viewer.actor, id, Some(version), patch).await {
        Ok(client) => Ok(Redirect::to(&format!("/clients/{}", client.id)).into_response()),
        Err(error) => match refused(error)? {
            Refused::Stale => {
                // Show what is stored now; the reader's edit is lost, as
                // they were told, rather than written over someone else's.
                let current: Client = records::get(&ctx.db, &viewer.actor, id).await?;
                let current = ClientForm::from_client(&current);
                FORM.refused(&viewer, Some(id), &current, Refused::Stale)
            }
            refusal => FORM.refused(&viewer, Some(id), &form, refusal),
        },
    }
}
