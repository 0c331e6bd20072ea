//! User accounts: the list (search, sort, pages in the URL), the form
//! that creates one, the form that changes a user's name, role, active
//! flag or language (with the version it was read at), and the role
//! matrix.

use crate::WebContext;
use crate::error::{PageError, PageResult};
use crate::pages::{ListQuery, ListView, by_field, show, typed};
use crate::session::Allowed;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use comptoir_db::auth::User;
use comptoir_domain::FieldErrors;
use comptoir_domain::permissions::Role;
use comptoir_services::users::{self as service, CreateUserRequest, UpdateUserRequest};
use comptoir_services::{ServiceError, records, require};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

pub fn router() -> Router<WebContext> {
    Router::new()
        .route("/settings/users", get(list).post(create))
        .route("/settings/users/new", get(new_form))
        .route("/settings/users/{id}", get(edit_form).post(update))
        .route("/settings/roles", get(roles))
}

type Admin = Allowed<require::UsersManage>;

/// Each role's value and catalog key, for the role select.
fn role_options() -> Vec<[String; 2]> {
    Role::ALL
        .iter()
        .map(|role| [role.as_str().to_owned(), format!("role.{}", role.as_str())])
        .collect()
}

async fn list(
    viewer: Admin,
    State(ctx): State<WebContext>,
    Query(query): Query<ListQuery>,
) -> PageResult<Response> {
    let listing = service::list(
        &ctx.db,
        &viewer.actor,
        query.search(),
        query.sort::<User>(),
        query.page(),
    )
    .await?;
    show(
        &viewer,
        "settings/users.html",
        "settings.users",
        json!({ "list": ListView::new(listing, &query) }),
    )
    .map(IntoResponse::into_response)
}

/// The user form as typed. The password is never shown again.
#[derive(Deserialize, Serialize, Default)]
struct UserForm {
    email: Option<String>,
    name: Option<String>,
    role: Option<String>,
    #[serde(skip_serializing)]
    password: Option<String>,
    active: Option<String>,
    language: Option<String>,
    version: Option<String>,
}

impl UserForm {
    fn from_user(user: &User) -> Self {
        UserForm {
            email: Some(user.email.clone()),
            name: Some(user.name.clone()),
            role: Some(user.role.as_str().to_owned()),
            password: None,
            active: Some(user.active.to_string()),
            language: Some(user.language.as_str().to_owned()),
            version: Some(user.version.to_string()),
        }
    }
}

/// The form page: a new user when `id` is `None`, with the values typed,
/// the errors next to their fields and a message above them.
fn form_page(
    viewer: &Admin,
    status: StatusCode,
    id: Option<Uuid>,
    form: &UserForm,
    errors: FieldErrors,
    notice: Option<&str>,
) -> PageResult<Response> {
    let title = if id.is_some() {
        "settings.users.edit"
    } else {
        "settings.users.new"
    };
    let page = show(
        viewer,
        "settings/user_form.html",
        title,
        json!({
            "id": id,
            "form": form,
            "roles": role_options(),
            "errors": by_field(errors),
            "notice": notice,
        }),
    )?;
    Ok((status, page).into_response())
}

async fn new_form(viewer: Admin) -> PageResult<Response> {
    let form = UserForm {
        role: Some(Role::Sales.as_str().to_owned()),
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
    viewer: Admin,
    State(ctx): State<WebContext>,
    Form(form): Form<UserForm>,
) -> PageResult<Response> {
    let request = CreateUserRequest {
        email: typed(form.email.clone()),
        name: typed(form.name.clone()),
        role: typed(form.role.clone()),
        password: form.password.clone().filter(|p| !p.is_empty()),
    };
    match service::create(&ctx.db, &viewer.actor, request).await {
        Ok(_) => Ok(Redirect::to("/settings/users").into_response()),
        Err(error) => refused_form(&viewer, None, &form, error),
    }
}

/// A refusal the form can show: field errors next to their fields (an
/// address already taken next to the e-mail); anything else is an error
/// page.
fn refused_form(
    viewer: &Admin,
    id: Option<Uuid>,
    form: &UserForm,
    error: ServiceError,
) -> PageResult<Response> {
    let errors = match error {
        ServiceError::Validation(errors) => errors,
        ServiceError::Conflict { message, details } => {
            let mut errors = FieldErrors::new();
            let field = details["field"].as_str().unwrap_or("email").to_owned();
            errors.add(field, message);
            errors
        }
        other => return Err(other.into()),
    };
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    form_page(viewer, status, id, form, errors, None)
}

async fn edit_form(
    viewer: Admin,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
) -> PageResult<Response> {
    let user: User = records::get(&ctx.db, &viewer.actor, id).await?;
    let form = UserForm::from_user(&user);
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
    viewer: Admin,
    State(ctx): State<WebContext>,
    Path(id): Path<Uuid>,
    Form(form): Form<UserForm>,
) -> PageResult<Response> {
    let version = typed(form.version.clone()).and_then(|v| v.parse::<i64>().ok());
    let Some(version) = version else {
        return Err(PageError::BadRequest(
            "the form lacks the version it was read at",
        ));
    };
    let request = UpdateUserRequest {
        name: Some(form.name.clone().unwrap_or_default()),
        role: typed(form.role.clone()),
        active: Some(form.active.as_deref() == Some("true")),
        language: typed(form.language.clone()),
    };
    match service::update(&ctx.db, &viewer.actor, id, Some(version), request).await {
        Ok(_) => Ok(Redirect::to("/settings/users").into_response()),
        Err(ServiceError::PreconditionFailed { .. }) => {
            // Show what is stored now; the reader's edit is lost, as they
            // were told, rather than written over someone else's.
            let current: User = records::get(&ctx.db, &viewer.actor, id).await?;
            form_page(
                &viewer,
                StatusCode::PRECONDITION_FAILED,
                Some(id),
                &UserForm::from_user(&current),
                FieldErrors::new(),
                Some("changed by someone else meanwhile"),
            )
        }
        Err(error) => refused_form(&viewer, Some(id), &form, error),
    }
}

/// The permission matrix, role by permission, as the domain defines it.
async fn roles(viewer: Admin) -> PageResult<Response> {
    let matrix = service::role_matrix();
    show(
        &viewer,
        "settings/roles.html",
        "settings.roles",
        json!({ "matrix": matrix }),
    )
    .map(IntoResponse::into_response)
}
