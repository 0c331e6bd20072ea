//! Clients and suppliers: their requests as the API receives them and the
//! import reads its rows, their validation, the check of what a client
//! refers to, the filters of their lists and exports, and their writes.

pub mod details;

use crate::records::{self, audited};
use crate::validate::{MAX_NAME, MAX_TEXT, days, optional, parsed, query_filter, required};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::parties::{
    self as store, Client, ClientInput, PartyIdentity, Supplier, SupplierInput,
};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::{ClientStatus, PartyKind};
use comptoir_domain::identifiers::{Code, Email, Siren, Siret, VatNumber, check_company_numbers};
use comptoir_domain::numbers::{Money, Percent};
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

audited!(Client => "client", Supplier => "supplier");

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
        let vat_number = parsed(errors, "vat_number", self.vat_number, VatNumber::parse);
        check_company_numbers(errors, siren.as_ref(), siret.as_ref(), vat_number.as_ref());
        PartyIdentity {
            kind: parsed(errors, "kind", self.kind, PartyKind::parse).unwrap_or(PartyKind::Company),
            name: required(errors, "name", self.name, MAX_NAME).unwrap_or_default(),
            email: parsed(errors, "email", self.email, Email::parse),
            phone: optional(errors, "phone", self.phone, 40),
            vat_number,
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
    pub fn validate(self) -> Result<ClientInput, FieldErrors> {
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SupplierRequest {
    /// Generated (`FRN-00001`, …) when absent.
    pub code: Option<String>,
    #[serde(flatten)]
    pub identity: IdentityFields,
    pub active: Option<bool>,
}

impl SupplierRequest {
    pub fn validate(self) -> Result<SupplierInput, FieldErrors> {
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

/// The clients a list or an export shows.
pub fn client_filter(
    organization_id: Uuid,
    filters: ClientFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), ClientStatus::parse)?;
    let kind = query_filter("kind", filters.kind.as_deref(), PartyKind::parse)?;
    let mut filter = Filter::organization(organization_id)
        .eq("status", status)
        .eq("kind", kind);
    if status.is_none() && filters.include_archived != Some(true) {
        filter = filter.not_eq("status", ClientStatus::Archived);
    }
    Ok(filter.search(Client::SEARCHABLE, q))
}

/// The suppliers a list or an export shows.
pub fn supplier_filter(organization_id: Uuid, filters: SupplierFilters, q: Option<&str>) -> Filter {
    let active = filters
        .active
        .or((filters.include_archived != Some(true)).then_some(true));
    Filter::organization(organization_id)
        .eq("active", active)
        .search(Supplier::SEARCHABLE, q)
}

/// Refuses a client whose price list is not one of the organization's.
pub async fn check_client_references(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ClientInput,
) -> ServiceResult<()> {
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

pub async fn list_clients(
    db: &Db,
    actor: &Actor,
    filters: ClientFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Client>> {
    let filter = client_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// The names of the clients among `ids` (unknown ids are left out): one
/// lookup for a whole list page's rows.
pub async fn client_names(
    db: &Db,
    actor: &Actor,
    ids: &[Uuid],
) -> ServiceResult<std::collections::BTreeMap<Uuid, String>> {
    let clients: Vec<Client> = records::get_many(db, actor, ids).await?;
    Ok(clients.into_iter().map(|c| (c.id, c.name)).collect())
}

pub async fn create_client(
    db: &Db,
    actor: &Actor,
    request: ClientRequest,
) -> ServiceResult<Client> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        check_client_references(tx, organization_id, &input).await?;
        Ok(store::insert_client(tx, organization_id, &input).await?)
    })
    .await
}

pub async fn update_client(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Client> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Client, request: ClientRequest| {
            let input = request.validate()?;
            check_client_references(tx, organization_id, &input).await?;
            Ok(store::update_client(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Deletes a client; one with documents is kept by the database's keys.
pub async fn delete_client(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    records::delete(db, actor, id, async |_: &mut Tx, _: &Client| Ok(())).await
}

pub async fn list_suppliers(
    db: &Db,
    actor: &Actor,
    filters: SupplierFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Supplier>> {
    let filter = supplier_filter(actor.organization_id, filters, q);
    records::list(db, filter, sort, page).await
}

pub async fn create_supplier(
    db: &Db,
    actor: &Actor,
    request: SupplierRequest,
) -> ServiceResult<Supplier> {
    let input = request.validate()?;
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        Ok(store::insert_supplier(tx, organization_id, &input).await?)
    })
    .await
}

pub async fn update_supplier(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<Supplier> {
    let organization_id = actor.organization_id;
    records::update(
        db,
        actor,
        id,
        expected_version,
        patch,
        async |tx: &mut Tx, current: &Supplier, request: SupplierRequest| {
            let input = request.validate()?;
            Ok(store::update_supplier(tx, organization_id, id, current.version, &input).await?)
        },
    )
    .await
}

/// Deletes a supplier no product lists; deactivating it keeps its history.
pub async fn delete_supplier(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<()> {
    let organization_id = actor.organization_id;
    records::delete(db, actor, id, async |tx: &mut Tx, _: &Supplier| {
        let references = resource::references(
            tx,
            organization_id,
            id,
            &[("product_suppliers", "supplier_id")],
        )
        .await?;
        ServiceError::unless_referenced(&references)
    })
    .await
}
