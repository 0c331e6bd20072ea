//! The organization's user accounts: creation with a hashed password,
//! changes of name, role and active flag, and deactivation, which ends the
//! user's sessions. An administrator cannot demote or deactivate itself,
//! so an organization always keeps one.

use crate::auth::{check_password, hash_password};
use crate::records::{self, audited};
use crate::validate::{MAX_NAME, required};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::auth::{self as store, NewUser, User, UserChanges};
use comptoir_db::resource::{Listing, Page, Sort, Table};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::Email;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::{Permission, Role};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

audited!(User => "user");

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
    /// `fr` or `en`: the language the user reads the pages in.
    pub language: Option<String>,
}

pub async fn list(
    db: &Db,
    actor: &Actor,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<User>> {
    let filter = user_filter(actor.organization_id, q);
    records::list(db, filter, sort, page).await
}

/// The users a list (or its export) shows.
pub fn user_filter(organization_id: Uuid, q: Option<&str>) -> Filter {
    Filter::organization(organization_id).search(User::SEARCHABLE, q)
}

pub async fn create(db: &Db, actor: &Actor, request: CreateUserRequest) -> ServiceResult<User> {
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
        .map_err(ServiceError::internal)??;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        let new_user = NewUser {
            organization_id,
            email: &email,
            name: &name,
            role,
            password_hash: &password_hash,
        };
        store::create_user(tx, new_user)
            .await
            .map_err(|error| match error {
                // Logins are by e-mail, so an address names one account
                // across all organizations; the answer must not tell
                // whether the one taken is here or in another organization.
                DbError::Unique(_) => ServiceError::Conflict {
                    message: "this e-mail address cannot be given to a new account".into(),
                    details: serde_json::json!({ "field": "email" }),
                },
                other => other.into(),
            })
    })
    .await
}

/// Changes a user's name, role, active flag or language; a deactivated user's
/// sessions are revoked in the same transaction. Whoever caches sessions
/// must drop them afterwards: the user's role or flag changed.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    request: UpdateUserRequest,
) -> ServiceResult<User> {
    let organization_id = actor.organization_id;
    let acting_user = actor.user_id;
    records::change(
        db,
        actor,
        id,
        expected_version,
        async |tx: &mut Tx, current: &User| {
            let mut errors = FieldErrors::new();
            let name = match request.name {
                Some(name) => required(&mut errors, "name", Some(name), MAX_NAME),
                None => Some(current.name.clone()),
            };
            let role = errors
                .check_opt("role", request.role.as_deref().map(Role::parse))
                .unwrap_or(current.role);
            let active = request.active.unwrap_or(current.active);
            let language = errors
                .check_opt("language", request.language.as_deref().map(Language::parse))
                .unwrap_or(current.language);
            if id == acting_user && (!active || role != Role::Admin) {
                errors.add("role", "you cannot demote or deactivate yourself");
            }
            let Some(name) = name.filter(|_| errors.is_empty()) else {
                return Err(errors.into());
            };
            let changes = UserChanges {
                name,
                role,
                active,
                language,
            };
            let updated =
                store::update_user(tx, organization_id, id, current.version, &changes).await?;
            if !updated.active {
                store::revoke_user_sessions(tx, id, "deactivated").await?;
            }
            Ok(updated)
        },
    )
    .await
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

/// The permission matrix as `domain::permissions` defines it: what each
/// role may do.
pub fn role_matrix() -> RoleMatrix {
    RoleMatrix {
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
    }
}
