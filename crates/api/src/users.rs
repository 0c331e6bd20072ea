//! User administration (admin only) and the role matrix.

use crate::auth::{Authorized, CurrentUser, require};
use crate::context::ApiContext;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::auth::User;
use comptoir_services::records;
use comptoir_services::users::{self as service, CreateUserRequest, RoleMatrix, UpdateUserRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, deactivate_user))
        .routes(routes!(list_roles))
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
    let sort = params.sort::<User>()?;
    let listing = service::list(&ctx.db, &auth.caller(), params.q.as_deref(), sort, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a user in the caller's organization.
#[utoipa::path(post, path = "/users", tag = "users", security(("bearer" = ["users.manage"])),
    request_body = CreateUserRequest, responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Json(request): Json<CreateUserRequest>,
) -> ApiResult<(StatusCode, axum::Json<User>)> {
    let user = service::create(&ctx.db, &auth.caller(), request).await?;
    Ok((StatusCode::CREATED, axum::Json(user)))
}

/// Get a user.
#[utoipa::path(get, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
async fn get_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(records::get(&ctx.db, &auth.caller(), id).await?))
}

async fn change_user(
    ctx: &ApiContext,
    auth: &CurrentUser,
    id: Uuid,
    if_match: IfMatch,
    request: UpdateUserRequest,
) -> ApiResult<axum::Json<User>> {
    let updated = service::update(&ctx.db, &auth.caller(), id, if_match.0, request).await?;
    // A role or active flag changed: no session may go on with the old one.
    ctx.sessions.clear();
    Ok(axum::Json(updated))
}

/// Change a user's name, role, active flag or language.
#[utoipa::path(patch, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    request_body = UpdateUserRequest, responses((status = 200, body = User), (status = 422, body = ErrorBody)))]
async fn update_user(
    auth: Authorized<require::UsersManage>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(request): Json<UpdateUserRequest>,
) -> ApiResult<axum::Json<User>> {
    change_user(&ctx, &auth, id, if_match, request).await
}

/// Deactivate a user: it can no longer log in or refresh, and its sessions end.
#[utoipa::path(delete, path = "/users/{id}", tag = "users", security(("bearer" = ["users.manage"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
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
        language: None,
    };
    change_user(&ctx, &auth, id, if_match, request).await
}

/// The permission matrix: what each role may do.
#[utoipa::path(get, path = "/roles", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = RoleMatrix)))]
async fn list_roles(_user: CurrentUser) -> axum::Json<RoleMatrix> {
    axum::Json(service::role_matrix())
}
