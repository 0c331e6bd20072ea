//! User administration (admin only) and the role matrix.

use crate::auth::{Authorized, CurrentUser, require};
use crate::catalog::to_json;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use crate::validate::{MAX_NAME, required};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::auth::{self as store, NewUser, User, UserChanges};
use comptoir_db::resource::{self, Table};
use comptoir_db::{DbError, Filter, audit};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::Email;
use comptoir_domain::permissions::{Permission, Role};
use comptoir_services::auth::{check_password, hash_password};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, deactivate_user))
        .routes(routes!(list_roles))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CreateUserRequest {
    #[schema(required = true, nullable = false)]
    pub email: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// admin, manager, sales, warehouse, accountant, technician or viewer.
    #[schema(required = true, nullable = false)]
    pub role: Option<String>,
    /// At least 10 characters.
    #[schema(required = true, nullable = false)]
    pub password: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct UpdateUserRequest {
    pub name: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
}

/// List the organization's users.
#[utoipa::path(get, path = "/users", tag = "users", security(("bearer" = ["users.manage"])),
    params(ListParams), responses((status = 200, body = PageOf<User>)))]
async fn list_users(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
) -> ApiResult<axum::Json<PageOf<User>>> {
    let page = params.page()?;
    let filter =
        Filter::organization(auth.organization_id).search(User::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<User>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a user in the caller's organization.
#[utoipa::path(post, path = "/users", tag = "users", security(("bearer" = ["users.manage"])),
    request_body = CreateUserRequest, responses((status = 201, body = User), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Json(request): Json<CreateUserRequest>,
) -> ApiResult<(StatusCode, axum::Json<User>)> {
    let mut errors = FieldErrors::new();
    let email = errors.check_opt("email", request.email.as_deref().map(Email::parse));
    if request.email.is_none() {
        errors.add("email", "is required");
    }
    let name = required(&mut errors, "name", request.name, MAX_NAME);
    let role = errors.check_opt("role", request.role.as_deref().map(Role::parse));
    if request.role.is_none() {
        errors.add("role", "is required");
    }
    let password = request.password.unwrap_or_default();
    errors.check("password", check_password(&password));
    let (Some(email), Some(name), Some(role), true) = (email, name, role, errors.is_empty()) else {
        return Err(errors.into());
    };
    let password_hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(ApiError::internal)??;
    let mut tx = ctx.db.begin().await?;
    let user = store::create_user(
        &mut tx,
        NewUser {
            organization_id: auth.organization_id,
            email: &email,
            name: &name,
            role,
            password_hash: &password_hash,
        },
    )
    .await
    .map_err(|error| match error {
        // Logins are by e-mail, so an address names one account across
        // all organizations; the answer must not tell whether the one
        // taken is here or in another organization.
        DbError::Unique(_) => ApiError::Conflict {
            message: "this e-mail address cannot be given to a new account".into(),
            details: serde_json::json!({ "field": "email" }),
        },
        other => other.into(),
    })?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "user",
        Some(user.id),
        None,
        to_json(&user),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(user)))
}

/// Get a user.
#[utoipa::path(get, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::ErrorBody)))]
async fn get_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

async fn change_user(
    ctx: &ApiContext,
    auth: &CurrentUser,
    id: Uuid,
    if_match: &IfMatch,
    request: UpdateUserRequest,
) -> ApiResult<User> {
    let mut tx = ctx.db.begin().await?;
    let current: User = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let mut errors = FieldErrors::new();
    let name = match request.name {
        Some(name) => required(&mut errors, "name", Some(name), MAX_NAME),
        None => Some(current.name.clone()),
    };
    let role = errors
        .check_opt("role", request.role.as_deref().map(Role::parse))
        .unwrap_or(current.role);
    let active = request.active.unwrap_or(current.active);
    if id == auth.user_id && (!active || role != Role::Admin) {
        errors.add("role", "you cannot demote or deactivate yourself");
    }
    let Some(name) = name.filter(|_| errors.is_empty()) else {
        return Err(errors.into());
    };
    let changes = UserChanges { name, role, active };
    let updated =
        store::update_user(&mut tx, auth.organization_id, id, current.version, &changes).await?;
    if !updated.active {
        store::revoke_user_sessions(&mut tx, id, "deactivated").await?;
    }
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "user",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    // A role or active flag changed: no session may go on with the old one.
    ctx.sessions.clear();
    Ok(updated)
}

/// Change a user's name, role or active flag.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    request_body = UpdateUserRequest, responses((status = 200, body = User), (status = 422, body = crate::error::ErrorBody)))]
async fn update_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<UpdateUserRequest>,
) -> ApiResult<axum::Json<User>> {
    change_user(&ctx, &auth, id, &if_match, request)
        .await
        .map(axum::Json)
}

/// Deactivate a user: it can no longer log in or refresh, and its sessions end.
#[utoipa::path(delete, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn deactivate_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
) -> ApiResult<axum::Json<User>> {
    let request = UpdateUserRequest {
        name: None,
        role: None,
        active: Some(false),
    };
    change_user(&ctx, &auth, id, &if_match, request)
        .await
        .map(axum::Json)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RoleDescription {
    pub role: Role,
    pub permissions: Vec<Permission>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PermissionDescription {
    pub permission: Permission,
    pub description: &'static str,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RoleMatrix {
    pub roles: Vec<RoleDescription>,
    pub permissions: Vec<PermissionDescription>,
}

/// The permission matrix: what each role may do.
#[utoipa::path(get, path = "/roles", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = RoleMatrix)))]
async fn list_roles(_user: CurrentUser) -> axum::Json<RoleMatrix> {
    axum::Json(RoleMatrix {
        roles: Role::ALL
            .iter()
            .map(|role| RoleDescription {
                role: *role,
                permissions: role.permissions(),
            })
            .collect(),
        permissions: Permission::ALL
            .iter()
            .map(|p| PermissionDescription {
                permission: *p,
                description: p.description(),
            })
            .collect(),
    })
}
