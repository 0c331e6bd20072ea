//! Client and supplier routes.

use crate::auth::{Authorized, require};
use crate::catalog::to_json;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, ListParams, PageOf, Path, Query, merge_patch, query_filter};
use crate::validate::{MAX_NAME, MAX_TEXT, days, optional, parsed, required};
use axum::extract::State;
use axum::http::StatusCode;
use comptoir_db::parties::{
    self as store, Client, ClientInput, PartyIdentity, Supplier, SupplierInput,
};
use comptoir_db::resource::{self, Table};
use comptoir_db::{Filter, audit};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{ClientStatus, PartyKind};
use comptoir_domain::identifiers::{Code, Email, Siren, Siret, VatNumber};
use comptoir_domain::numbers::{Money, Percent};
use serde::Deserialize;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new()
        .routes(routes!(list_clients, create_client))
        .routes(routes!(get_client, update_client, delete_client))
        .routes(routes!(list_suppliers, create_supplier))
        .routes(routes!(get_supplier, update_supplier, delete_supplier))
}

/// Fields shared by client and supplier requests.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct IdentityFields {
    /// `company` or `individual`.
    pub kind: Option<String>,
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Intra-community VAT number (EU prefix).
    pub vat_number: Option<String>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    pub payment_terms_days: Option<i64>,
    pub notes: Option<String>,
}

impl IdentityFields {
    fn validate(self, errors: &mut FieldErrors) -> PartyIdentity {
        let siren = parsed(errors, "siren", self.siren, Siren::parse);
        let siret = parsed(errors, "siret", self.siret, Siret::parse);
        if let (Some(siren), Some(siret)) = (&siren, &siret)
            && siret.siren_part() != siren.as_str()
        {
            errors.add("siret", "the SIRET does not start with the SIREN");
        }
        PartyIdentity {
            kind: parsed(errors, "kind", self.kind, PartyKind::parse).unwrap_or(PartyKind::Company),
            name: required(errors, "name", self.name, MAX_NAME).unwrap_or_default(),
            email: parsed(errors, "email", self.email, Email::parse),
            phone: optional(errors, "phone", self.phone, 40),
            vat_number: parsed(errors, "vat_number", self.vat_number, VatNumber::parse),
            siren,
            siret,
            payment_terms_days: days(errors, "payment_terms_days", self.payment_terms_days, 30),
            notes: optional(errors, "notes", self.notes, MAX_TEXT),
        }
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClientRequest {
    /// Generated (`CLI-00001`, …) when absent.
    pub code: Option<String>,
    #[serde(flatten)]
    pub identity: IdentityFields,
    /// `prospect`, `active` or `archived`.
    pub status: Option<String>,
    pub discount_percent: Option<String>,
    /// Open receivables allowed; absent means no limit.
    pub credit_limit: Option<String>,
    pub price_list_id: Option<Uuid>,
}

impl ClientRequest {
    pub(crate) fn validate(self) -> Result<ClientInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = parsed(&mut errors, "code", self.code, Code::parse);
        let identity = self.identity.validate(&mut errors);
        let status = parsed(&mut errors, "status", self.status, ClientStatus::parse)
            .unwrap_or(ClientStatus::Active);
        let discount_percent = parsed(
            &mut errors,
            "discount_percent",
            self.discount_percent,
            Percent::parse_percentage,
        )
        .unwrap_or_default();
        let credit_limit = parsed(
            &mut errors,
            "credit_limit",
            self.credit_limit,
            Money::parse_non_negative,
        );
        errors.finish(|| ClientInput {
            code,
            identity,
            status,
            discount_percent,
            credit_limit,
            price_list_id: self.price_list_id,
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientFilters {
    /// `prospect`, `active` or `archived`.
    #[param(value_type = Option<ClientStatus>)]
    pub status: Option<String>,
    /// `company` or `individual`.
    #[param(value_type = Option<PartyKind>)]
    pub kind: Option<String>,
    /// Archived clients are left out unless this is `true` or `status` asks for them.
    pub include_archived: Option<bool>,
}

/// List clients.
#[utoipa::path(get, path = "/clients", tag = "clients", security(("bearer" = ["clients.read"])),
    params(ListParams, ClientFilters), responses((status = 200, body = PageOf<Client>)))]
async fn list_clients(
    auth: Authorized<require::ClientsRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<ClientFilters>,
) -> ApiResult<axum::Json<PageOf<Client>>> {
    let page = params.page()?;
    let filter = client_filter(auth.organization_id, filters, params.q.as_deref())?;
    let listing = resource::list(&ctx.db, filter, params.sort::<Client>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// The clients a list or an export shows.
pub(crate) fn client_filter(
    organization_id: Uuid,
    filters: ClientFilters,
    q: Option<&str>,
) -> ApiResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), ClientStatus::parse)?;
    let kind = query_filter("kind", filters.kind.as_deref(), PartyKind::parse)?;
    let mut filter = Filter::organization(organization_id)
        .eq("status", status)
        .eq("kind", kind);
    if status.is_none() && filters.include_archived != Some(true) {
        filter = filter.condition("status <> {}", ClientStatus::Archived);
    }
    Ok(filter.search(Client::SEARCHABLE, q))
}

/// The suppliers a list or an export shows.
pub(crate) fn supplier_filter(
    organization_id: Uuid,
    filters: SupplierFilters,
    q: Option<&str>,
) -> Filter {
    let active = filters
        .active
        .or((filters.include_archived != Some(true)).then_some(true));
    Filter::organization(organization_id)
        .eq("active", active)
        .search(Supplier::SEARCHABLE, q)
}

pub(crate) async fn check_client_references(
    tx: &mut comptoir_db::Tx,
    organization_id: Uuid,
    input: &ClientInput,
) -> ApiResult<()> {
    let mut errors = FieldErrors::new();
    if let Some(price_list_id) = input.price_list_id {
        let known =
            resource::count_where(tx, "price_lists", organization_id, "id", price_list_id).await?;
        if known == 0 {
            errors.add("price_list_id", "no such record");
        }
    }
    errors.finish(|| ()).map_err(Into::into)
}

/// Create a client.
#[utoipa::path(post, path = "/clients", tag = "clients", security(("bearer" = ["clients.write"])),
    request_body = ClientRequest, responses((status = 201, body = Client), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<ClientRequest>,
) -> ApiResult<(StatusCode, axum::Json<Client>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    check_client_references(&mut tx, auth.organization_id, &input).await?;
    let client = store::insert_client(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "client",
        Some(client.id),
        None,
        to_json(&client),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(client)))
}

/// Get a client.
#[utoipa::path(get, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Client), (status = 404, body = crate::error::ErrorBody)))]
async fn get_client(
    auth: Authorized<require::ClientsRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Client>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a client (JSON merge patch).
#[utoipa::path(patch, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    request_body = ClientRequest, responses((status = 200, body = Client), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Client>> {
    let mut tx = ctx.db.begin().await?;
    let current: Client = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, ClientRequest>(&current, patch)?.validate()?;
    check_client_references(&mut tx, auth.organization_id, &input).await?;
    let updated =
        store::update_client(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "client",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Delete a client.
#[utoipa::path(delete, path = "/clients/{id}", tag = "clients", security(("bearer" = ["clients.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_client(
    auth: Authorized<require::ClientsWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Client = resource::get_in(&mut tx, auth.organization_id, id).await?;
    resource::delete::<Client>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "client",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SupplierRequest {
    /// Generated (`FRN-00001`, …) when absent.
    pub code: Option<String>,
    #[serde(flatten)]
    pub identity: IdentityFields,
    pub active: Option<bool>,
}

impl SupplierRequest {
    pub(crate) fn validate(self) -> Result<SupplierInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let code = parsed(&mut errors, "code", self.code, Code::parse);
        let identity = self.identity.validate(&mut errors);
        errors.finish(|| SupplierInput {
            code,
            identity,
            active: self.active.unwrap_or(true),
        })
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierFilters {
    pub active: Option<bool>,
    /// Inactive (archived) suppliers are left out unless this is `true` or `active` asks for them.
    pub include_archived: Option<bool>,
}

/// List suppliers.
#[utoipa::path(get, path = "/suppliers", tag = "suppliers", security(("bearer" = ["suppliers.read"])),
    params(ListParams, SupplierFilters), responses((status = 200, body = PageOf<Supplier>)))]
async fn list_suppliers(
    auth: Authorized<require::SuppliersRead>,
    State(ctx): State<ApiContext>,
    Query(params): Query<ListParams>,
    Query(filters): Query<SupplierFilters>,
) -> ApiResult<axum::Json<PageOf<Supplier>>> {
    let page = params.page()?;
    let filter = supplier_filter(auth.organization_id, filters, params.q.as_deref());
    let listing = resource::list(&ctx.db, filter, params.sort::<Supplier>()?, page).await?;
    Ok(axum::Json(PageOf::new(listing, page)))
}

/// Create a supplier.
#[utoipa::path(post, path = "/suppliers", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    request_body = SupplierRequest, responses((status = 201, body = Supplier), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Json(request): Json<SupplierRequest>,
) -> ApiResult<(StatusCode, axum::Json<Supplier>)> {
    let input = request.validate()?;
    let mut tx = ctx.db.begin().await?;
    let supplier = store::insert_supplier(&mut tx, auth.organization_id, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "create",
        "supplier",
        Some(supplier.id),
        None,
        to_json(&supplier),
    )
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(supplier)))
}

/// Get a supplier.
#[utoipa::path(get, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.read"])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Supplier), (status = 404, body = crate::error::ErrorBody)))]
async fn get_supplier(
    auth: Authorized<require::SuppliersRead>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<Supplier>> {
    Ok(axum::Json(
        resource::get(&ctx.db, auth.organization_id, id).await?,
    ))
}

/// Change a supplier (JSON merge patch).
#[utoipa::path(patch, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    request_body = SupplierRequest, responses((status = 200, body = Supplier), (status = 412, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    if_match: IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<axum::Json<Supplier>> {
    let mut tx = ctx.db.begin().await?;
    let current: Supplier = resource::get_in(&mut tx, auth.organization_id, id).await?;
    if_match.check(current.version)?;
    let input = merge_patch::<_, SupplierRequest>(&current, patch)?.validate()?;
    let updated =
        store::update_supplier(&mut tx, auth.organization_id, id, current.version, &input).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "update",
        "supplier",
        Some(id),
        to_json(&current),
        to_json(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(axum::Json(updated))
}

/// Delete a supplier no product lists; deactivate it instead to keep its
/// history.
#[utoipa::path(delete, path = "/suppliers/{id}", tag = "suppliers", security(("bearer" = ["suppliers.write"])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_supplier(
    auth: Authorized<require::SuppliersWrite>,
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    let mut tx = ctx.db.begin().await?;
    let current: Supplier = resource::get_in(&mut tx, auth.organization_id, id).await?;
    let references = resource::references(
        &mut tx,
        auth.organization_id,
        id,
        &[("product_suppliers", "supplier_id")],
    )
    .await?;
    if !references.is_empty() {
        return Err(ApiError::still_referenced(&references));
    }
    resource::delete::<Supplier>(&mut tx, auth.organization_id, id).await?;
    audit::record(
        &mut tx,
        &auth.actor(),
        "delete",
        "supplier",
        Some(id),
        to_json(&current),
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
