//! Addresses and contacts of clients and suppliers:
//! `/clients/{id}/addresses`, `/clients/{id}/contacts`, and the same under
//! `/suppliers/{id}`. The handlers are generated once per party kind; the
//! rules (one default address per kind, one primary contact) live in the
//! storage functions they call.

use crate::audit::log;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, ListParams, PageOf, merge_patch};
use crate::validate::{MAX_NAME, optional, parsed, required};
use comptoir_db::parties::{
    self as store, Address, AddressInput, Client, Contact, ContactInput, Party, Supplier,
};
use comptoir_db::resource::{self, Table};
use comptoir_db::{Db, Filter, Record, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::AddressKind;
use comptoir_domain::identifiers::Email;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AddressRequest {
    /// `billing` or `shipping`.
    #[schema(required = true, nullable = false)]
    pub kind: Option<String>,
    /// A name for the address ("Entrepôt Lyon").
    pub label: Option<String>,
    #[schema(required = true, nullable = false)]
    pub line1: Option<String>,
    pub line2: Option<String>,
    #[schema(required = true, nullable = false)]
    pub postal_code: Option<String>,
    #[schema(required = true, nullable = false)]
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2 code; default `FR`.
    pub country: Option<String>,
    /// The default address of its kind; the first of a kind always is.
    pub is_default: Option<bool>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ContactRequest {
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// The contact's role at the party ("Comptabilité", "Gérant", …).
    pub role: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The party's primary contact; the first contact always is.
    pub is_primary: Option<bool>,
}

/// A request body that validates into a storage input.
pub(crate) trait Validate {
    type Input;
    fn validate(self) -> Result<Self::Input, FieldErrors>;
}

impl Validate for AddressRequest {
    type Input = AddressInput;

    fn validate(self) -> Result<AddressInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = match self.kind {
            None => {
                errors.add("kind", "is required");
                None
            }
            value => parsed(&mut errors, "kind", value, AddressKind::parse),
        };
        let label = optional(&mut errors, "label", self.label, MAX_NAME);
        let line1 = required(&mut errors, "line1", self.line1, MAX_NAME);
        let line2 = optional(&mut errors, "line2", self.line2, MAX_NAME);
        let postal_code = required(&mut errors, "postal_code", self.postal_code, 20);
        let city = required(&mut errors, "city", self.city, MAX_NAME);
        let country = self
            .country
            .map(|c| c.trim().to_uppercase())
            .unwrap_or_else(|| "FR".to_owned());
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
            errors.add("country", "must be a two-letter ISO 3166-1 code, e.g. FR");
        }
        errors.finish(|| AddressInput {
            kind: kind.expect("checked"),
            label,
            line1: line1.unwrap_or_default(),
            line2,
            postal_code: postal_code.unwrap_or_default(),
            city: city.unwrap_or_default(),
            country,
            is_default: self.is_default.unwrap_or(false),
        })
    }
}

impl Validate for ContactRequest {
    type Input = ContactInput;

    fn validate(self) -> Result<ContactInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", self.name, MAX_NAME);
        let job_title = optional(&mut errors, "role", self.role, MAX_NAME);
        let email = parsed(&mut errors, "email", self.email, Email::parse);
        let phone = optional(&mut errors, "phone", self.phone, 40);
        errors.finish(|| ContactInput {
            name: name.unwrap_or_default(),
            job_title,
            email,
            phone,
            is_primary: self.is_primary.unwrap_or(false),
        })
    }
}

/// An address or contact row: who owns it, and how it is written.
pub(crate) trait Detail: Record + Table + serde::Serialize + Sized {
    type Request: DeserializeOwned + Validate<Input = Self::Input>;
    type Input;
    const RESOURCE: &'static str;

    fn owners(&self) -> (Option<Uuid>, Option<Uuid>);
    fn id(&self) -> Uuid;
    fn version(&self) -> i64;

    async fn insert(tx: &mut Tx, org: Uuid, party: Party, input: &Self::Input) -> ApiResult<Self>;
    async fn update(
        tx: &mut Tx,
        org: Uuid,
        party: Party,
        current: &Self,
        input: &Self::Input,
    ) -> ApiResult<Self>;
}

impl Detail for Address {
    type Request = AddressRequest;
    type Input = AddressInput;
    const RESOURCE: &'static str = "address";

    fn owners(&self) -> (Option<Uuid>, Option<Uuid>) {
        (self.client_id, self.supplier_id)
    }
    fn id(&self) -> Uuid {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn insert(tx: &mut Tx, org: Uuid, party: Party, input: &AddressInput) -> ApiResult<Self> {
        Ok(store::insert_address(tx, org, party, input).await?)
    }
    async fn update(
        tx: &mut Tx,
        org: Uuid,
        party: Party,
        current: &Self,
        input: &AddressInput,
    ) -> ApiResult<Self> {
        Ok(store::update_address(tx, org, party, current, input).await?)
    }
}

impl Detail for Contact {
    type Request = ContactRequest;
    type Input = ContactInput;
    const RESOURCE: &'static str = "contact";

    fn owners(&self) -> (Option<Uuid>, Option<Uuid>) {
        (self.client_id, self.supplier_id)
    }
    fn id(&self) -> Uuid {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    async fn insert(tx: &mut Tx, org: Uuid, party: Party, input: &ContactInput) -> ApiResult<Self> {
        Ok(store::insert_contact(tx, org, party, input).await?)
    }
    async fn update(
        tx: &mut Tx,
        org: Uuid,
        party: Party,
        current: &Self,
        input: &ContactInput,
    ) -> ApiResult<Self> {
        Ok(store::update_contact(tx, org, party, current, input).await?)
    }
}

/// 404 unless the party is one of the organization's.
async fn check_party(db: &Db, organization_id: Uuid, party: Party) -> ApiResult<()> {
    match party {
        Party::Client(id) => resource::get::<Client>(db, organization_id, id)
            .await
            .map(drop)?,
        Party::Supplier(id) => resource::get::<Supplier>(db, organization_id, id)
            .await
            .map(drop)?,
    }
    Ok(())
}

async fn lock_party(tx: &mut Tx, organization_id: Uuid, party: Party) -> ApiResult<()> {
    match party {
        Party::Client(id) => resource::get_in::<Client>(tx, organization_id, id)
            .await
            .map(drop)?,
        Party::Supplier(id) => resource::get_in::<Supplier>(tx, organization_id, id)
            .await
            .map(drop)?,
    }
    Ok(())
}

async fn detail_in<T: Detail>(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    id: Uuid,
) -> ApiResult<T> {
    let row: T = resource::get_in(tx, organization_id, id).await?;
    let (client_id, supplier_id) = row.owners();
    if !party.owns(client_id, supplier_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

pub(crate) async fn list<T: Detail>(
    db: &Db,
    user: &CurrentUser,
    party: Party,
    params: ListParams,
) -> ApiResult<PageOf<T>> {
    let page = params.page()?;
    check_party(db, user.organization_id, party).await?;
    let filter = Filter::organization(user.organization_id)
        .eq(party.column(), Some(party.id()))
        .search(T::SEARCHABLE, params.q.as_deref());
    let listing = resource::list(db, filter, params.sort::<T>()?, page).await?;
    Ok(PageOf::new(listing, page))
}

pub(crate) async fn create<T: Detail>(
    db: &Db,
    user: &CurrentUser,
    party: Party,
    request: T::Request,
) -> ApiResult<T> {
    let mut tx = db.begin().await?;
    lock_party(&mut tx, user.organization_id, party).await?;
    let input = request.validate()?;
    let row = T::insert(&mut tx, user.organization_id, party, &input).await?;
    log(
        &mut tx,
        user,
        "create",
        T::RESOURCE,
        row.id(),
        None,
        Some(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

pub(crate) async fn get<T: Detail>(
    db: &Db,
    user: &CurrentUser,
    party: Party,
    id: Uuid,
) -> ApiResult<T> {
    let row: T = resource::get(db, user.organization_id, id).await?;
    let (client_id, supplier_id) = row.owners();
    if !party.owns(client_id, supplier_id) {
        return Err(ApiError::NotFound);
    }
    Ok(row)
}

pub(crate) async fn update<T: Detail>(
    db: &Db,
    user: &CurrentUser,
    party: Party,
    id: Uuid,
    if_match: IfMatch,
    patch: Value,
) -> ApiResult<T> {
    let mut tx = db.begin().await?;
    lock_party(&mut tx, user.organization_id, party).await?;
    let current: T = detail_in(&mut tx, user.organization_id, party, id).await?;
    if_match.check(current.version())?;
    let input = merge_patch::<_, T::Request>(&current, patch)?.validate()?;
    let updated = T::update(&mut tx, user.organization_id, party, &current, &input).await?;
    log(
        &mut tx,
        user,
        "update",
        T::RESOURCE,
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

pub(crate) async fn delete<T: Detail>(
    db: &Db,
    user: &CurrentUser,
    party: Party,
    id: Uuid,
) -> ApiResult<()> {
    let mut tx = db.begin().await?;
    let current: T = detail_in(&mut tx, user.organization_id, party, id).await?;
    resource::delete::<T>(&mut tx, user.organization_id, id).await?;
    log(
        &mut tx,
        user,
        "delete",
        T::RESOURCE,
        id,
        Some(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The five routes of one kind of detail under one kind of party.
macro_rules! detail_routes {
    (
        $module:ident, $party:ident, $row:ty, $request:ty,
        read = $read:ident ($read_scope:literal), write = $write:ident ($write_scope:literal),
        tag = $tag:literal,
        collection = $collection:literal, item = $item:literal, what = $what:literal
    ) => {
        pub mod $module {
            use super::*;
            use crate::auth::{Authorized, require};
            use crate::context::ApiContext;
            use crate::error::ErrorBody;
            use crate::extract::{Json, Path, Query};
            use axum::extract::State;
            use axum::http::StatusCode;
            use utoipa_axum::router::OpenApiRouter;
            use utoipa_axum::routes;

            pub fn router() -> OpenApiRouter<ApiContext> {
                OpenApiRouter::new()
                    .routes(routes!(list_all, create_one))
                    .routes(routes!(get_one, update_one, delete_one))
            }

            #[doc = concat!("List the ", $what, ".")]
            #[utoipa::path(get, path = $collection, tag = $tag, security(("bearer" = [$read_scope])),
                operation_id = concat!("list_", stringify!($module)),
                params(("id" = Uuid, Path), ListParams),
                responses((status = 200, body = PageOf<$row>), (status = 404, body = ErrorBody)))]
            async fn list_all(
                auth: Authorized<require::$read>,
                State(ctx): State<ApiContext>,
                Path(owner): Path<Uuid>,
                Query(params): Query<ListParams>,
            ) -> ApiResult<axum::Json<PageOf<$row>>> {
                let page = list::<$row>(&ctx.db, &auth, Party::$party(owner), params).await?;
                Ok(axum::Json(page))
            }

            #[doc = concat!("Add to the ", $what, ".")]
            #[utoipa::path(post, path = $collection, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("create_", stringify!($module)),
                params(("id" = Uuid, Path)), request_body = $request,
                responses((status = 201, body = $row), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
            async fn create_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path(owner): Path<Uuid>,
                Json(request): Json<$request>,
            ) -> ApiResult<(StatusCode, axum::Json<$row>)> {
                let row = create::<$row>(&ctx.db, &auth, Party::$party(owner), request).await?;
                Ok((StatusCode::CREATED, axum::Json(row)))
            }

            #[doc = concat!("Get one of the ", $what, ".")]
            #[utoipa::path(get, path = $item, tag = $tag, security(("bearer" = [$read_scope])),
                operation_id = concat!("get_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
                responses((status = 200, body = $row), (status = 404, body = ErrorBody)))]
            async fn get_one(
                auth: Authorized<require::$read>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
            ) -> ApiResult<axum::Json<$row>> {
                Ok(axum::Json(get::<$row>(&ctx.db, &auth, Party::$party(owner), id).await?))
            }

            #[doc = concat!("Change one of the ", $what, " (JSON merge patch).")]
            #[utoipa::path(patch, path = $item, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("update_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)), request_body = $request,
                responses((status = 200, body = $row), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
            async fn update_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
                if_match: IfMatch,
                Json(patch): Json<Value>,
            ) -> ApiResult<axum::Json<$row>> {
                let party = Party::$party(owner);
                Ok(axum::Json(update::<$row>(&ctx.db, &auth, party, id, if_match, patch).await?))
            }

            #[doc = concat!("Remove one of the ", $what, ".")]
            #[utoipa::path(delete, path = $item, tag = $tag, security(("bearer" = [$write_scope])),
                operation_id = concat!("delete_", stringify!($module)),
                params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
                responses((status = 204), (status = 404, body = ErrorBody)))]
            async fn delete_one(
                auth: Authorized<require::$write>,
                State(ctx): State<ApiContext>,
                Path((owner, id)): Path<(Uuid, Uuid)>,
            ) -> ApiResult<StatusCode> {
                delete::<$row>(&ctx.db, &auth, Party::$party(owner), id).await?;
                Ok(StatusCode::NO_CONTENT)
            }
        }
    };
}

detail_routes!(
    client_addresses,
    Client,
    Address,
    AddressRequest,
    read = ClientsRead("clients.read"),
    write = ClientsWrite("clients.write"),
    tag = "clients",
    collection = "/clients/{id}/addresses",
    item = "/clients/{id}/addresses/{item_id}",
    what = "client's addresses"
);
detail_routes!(
    client_contacts,
    Client,
    Contact,
    ContactRequest,
    read = ClientsRead("clients.read"),
    write = ClientsWrite("clients.write"),
    tag = "clients",
    collection = "/clients/{id}/contacts",
    item = "/clients/{id}/contacts/{item_id}",
    what = "client's contacts"
);
detail_routes!(
    supplier_addresses,
    Supplier,
    Address,
    AddressRequest,
    read = SuppliersRead("suppliers.read"),
    write = SuppliersWrite("suppliers.write"),
    tag = "suppliers",
    collection = "/suppliers/{id}/addresses",
    item = "/suppliers/{id}/addresses/{item_id}",
    what = "supplier's addresses"
);
detail_routes!(
    supplier_contacts,
    Supplier,
    Contact,
    ContactRequest,
    read = SuppliersRead("suppliers.read"),
    write = SuppliersWrite("suppliers.write"),
    tag = "suppliers",
    collection = "/suppliers/{id}/contacts",
    item = "/suppliers/{id}/contacts/{item_id}",
    what = "supplier's contacts"
);

pub fn router() -> utoipa_axum::router::OpenApiRouter<crate::context::ApiContext> {
    utoipa_axum::router::OpenApiRouter::new()
        .merge(client_addresses::router())
        .merge(client_contacts::router())
        .merge(supplier_addresses::router())
        .merge(supplier_contacts::router())
}
