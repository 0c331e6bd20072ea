//! Clients and suppliers: the parties the business sells to and buys from.

use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{self, Fixed, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::{AddressKind, ClientStatus, PartyKind};
use comptoir_domain::identifiers::{Code, Email, Siren, Siret, VatNumber};
use comptoir_domain::numbers::{Money, Percent};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Client {
    pub id: Uuid,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: PartyKind,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub vat_number: Option<String>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ClientStatus,
    pub payment_terms_days: i64,
    #[schema(value_type = String, example = "5.00")]
    pub discount_percent: Fixed<Percent>,
    #[schema(value_type = Option<String>, example = "10000.00")]
    pub credit_limit: Option<Fixed<Money>>,
    pub price_list_id: Option<Uuid>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Client {
    const TABLE: &'static str = "clients";
    const COLUMNS: &'static str = "id, code, kind, name, email, phone, vat_number, siren, siret, status, \
        payment_terms_days, discount_percent, credit_limit, price_list_id, notes, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("status", "status"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] =
        &["code", "name", "email", "phone", "siret", "vat_number"];
    const DEFAULT_SORT: &'static str = "code";
}

/// Identity fields shared by clients and suppliers.
pub struct PartyIdentity {
    pub kind: PartyKind,
    pub name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub vat_number: Option<VatNumber>,
    pub siren: Option<Siren>,
    pub siret: Option<Siret>,
    pub payment_terms_days: i64,
    pub notes: Option<String>,
}

pub struct ClientInput {
    /// `None` on creation: the next `CLI-NNNNN` is generated.
    pub code: Option<Code>,
    pub identity: PartyIdentity,
    pub status: ClientStatus,
    pub discount_percent: Percent,
    pub credit_limit: Option<Money>,
    pub price_list_id: Option<Uuid>,
}

fn bind_identity(sql: Sql, identity: &PartyIdentity) -> Sql {
    sql.bind(identity.kind)
        .bind(identity.name.as_str())
        .bind(identity.email.as_ref().map(|e| e.as_str()))
        .bind(identity.phone.as_deref())
        .bind(identity.vat_number.as_ref().map(|v| v.as_str()))
        .bind(identity.siren.as_ref().map(|s| s.as_str()))
        .bind(identity.siret.as_ref().map(|s| s.as_str()))
        .bind(identity.payment_terms_days)
        .bind(identity.notes.as_deref())
}

/// The given code, or the next generated one (`PREFIX-00001`, …) that is
/// not already taken by a hand-chosen code.
async fn code_or_next(
    tx: &mut Tx,
    organization_id: Uuid,
    code: Option<&Code>,
    table: &str,
    prefix: &str,
) -> Result<String, DbError> {
    if let Some(code) = code {
        return Ok(code.as_str().to_owned());
    }
    loop {
        let number = crate::resource::next_counter(tx, organization_id, table).await?;
        let candidate = Code::generated(prefix, number);
        if crate::resource::count_where(tx, table, organization_id, "code", candidate.as_str())
            .await?
            == 0
        {
            return Ok(candidate.into_inner());
        }
    }
}

pub async fn insert_client(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &ClientInput,
) -> Result<Client, DbError> {
    let code = code_or_next(tx, organization_id, input.code.as_ref(), "clients", "CLI").await?;
    let at = now();
    let sql = Sql::new(format!(
        "INSERT INTO clients (id, organization_id, code, status, discount_percent, credit_limit, price_list_id, \
         created_at, updated_at, version, kind, name, email, phone, vat_number, siren, siret, payment_terms_days, notes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING {}",
        Client::COLUMNS
    ))
    .bind(Uuid::now_v7())
    .bind(organization_id)
    .bind(code)
    .bind(input.status)
    .bind(input.discount_percent)
    .bind(input.credit_limit)
    .bind(input.price_list_id)
    .bind(at);
    tx.fetch_one(bind_identity(sql, &input.identity)).await
}

pub async fn update_client(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &ClientInput,
) -> Result<Client, DbError> {
    let sql = Sql::new(format!(
        "UPDATE clients SET id = $1, organization_id = $2, code = COALESCE($3, code), status = $4, discount_percent = $5, \
         credit_limit = $6, price_list_id = $7, updated_at = $8, version = version + 1, kind = $9, name = $10, \
         email = $11, phone = $12, vat_number = $13, siren = $14, siret = $15, payment_terms_days = $16, notes = $17 \
         WHERE id = $1 AND organization_id = $2 AND version = $18 RETURNING {}",
        Client::COLUMNS
    ))
    .bind(id)
    .bind(organization_id)
    .bind(input.code.as_ref())
    .bind(input.status)
    .bind(input.discount_percent)
    .bind(input.credit_limit)
    .bind(input.price_list_id)
    .bind(now());
    tx.fetch_optional(bind_identity(sql, &input.identity).bind(version))
        .await?
        .ok_or(DbError::VersionMismatch)
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Supplier {
    pub id: Uuid,
    pub code: String,
    #[sqlx(try_from = "String")]
    pub kind: PartyKind,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub vat_number: Option<String>,
    pub siren: Option<String>,
    pub siret: Option<String>,
    pub payment_terms_days: i64,
    pub active: bool,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Supplier {
    const TABLE: &'static str = "suppliers";
    const COLUMNS: &'static str = "id, code, kind, name, email, phone, vat_number, siren, siret, payment_terms_days, \
        active, notes, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("code", "code"),
        ("name", "name"),
        ("created_at", "created_at"),
        ("updated_at", "updated_at"),
    ];
    const SEARCHABLE: &'static [&'static str] =
        &["code", "name", "email", "phone", "siret", "vat_number"];
    const DEFAULT_SORT: &'static str = "code";
}

pub struct SupplierInput {
    /// `None` on creation: the next `FRN-NNNNN` is generated.
    pub code: Option<Code>,
    pub identity: PartyIdentity,
    pub active: bool,
}

pub async fn insert_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    input: &SupplierInput,
) -> Result<Supplier, DbError> {
    let code = code_or_next(tx, organization_id, input.code.as_ref(), "suppliers", "FRN").await?;
    let sql = Sql::new(format!(
        "INSERT INTO suppliers (id, organization_id, code, active, created_at, updated_at, version, \
         kind, name, email, phone, vat_number, siren, siret, payment_terms_days, notes) \
         VALUES ($1, $2, $3, $4, $5, $5, 1, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING {}",
        Supplier::COLUMNS
    ))
    .bind(Uuid::now_v7())
    .bind(organization_id)
    .bind(code)
    .bind(input.active)
    .bind(now());
    tx.fetch_one(bind_identity(sql, &input.identity)).await
}

pub async fn update_supplier(
    tx: &mut Tx,
    organization_id: Uuid,
    id: Uuid,
    version: i64,
    input: &SupplierInput,
) -> Result<Supplier, DbError> {
    let sql = Sql::new(format!(
        "UPDATE suppliers SET id = $1, organization_id = $2, code = COALESCE($3, code), active = $4, updated_at = $5, \
         version = version + 1, kind = $6, name = $7, email = $8, phone = $9, vat_number = $10, siren = $11, \
         siret = $12, payment_terms_days = $13, notes = $14 \
         WHERE id = $1 AND organization_id = $2 AND version = $15 RETURNING {}",
        Supplier::COLUMNS
    ))
    .bind(id)
    .bind(organization_id)
    .bind(input.code.as_ref())
    .bind(input.active)
    .bind(now());
    tx.fetch_optional(bind_identity(sql, &input.identity).bind(version))
        .await?
        .ok_or(DbError::VersionMismatch)
}

/// Whose address or contact a row is.
#[derive(Debug, Clone, Copy)]
pub enum Party {
    Client(Uuid),
    Supplier(Uuid),
}

impl Party {
    pub fn column(self) -> &'static str {
        match self {
            Party::Client(_) => "client_id",
            Party::Supplier(_) => "supplier_id",
        }
    }

    pub fn id(self) -> Uuid {
        match self {
            Party::Client(id) | Party::Supplier(id) => id,
        }
    }

    /// Whether a row with these owner columns belongs to this party.
    pub fn owns(self, client_id: Option<Uuid>, supplier_id: Option<Uuid>) -> bool {
        match self {
            Party::Client(id) => client_id == Some(id),
            Party::Supplier(id) => supplier_id == Some(id),
        }
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Address {
    pub id: Uuid,
    pub client_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    #[sqlx(try_from = "String")]
    pub kind: AddressKind,
    pub label: Option<String>,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Address {
    const TABLE: &'static str = "addresses";
    const COLUMNS: &'static str = "id, client_id, supplier_id, kind, label, line1, line2, postal_code, city, \
        country, is_default, created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] = &[
        ("kind", "kind"),
        ("city", "city"),
        ("postal_code", "postal_code"),
        ("created_at", "created_at"),
    ];
    const SEARCHABLE: &'static [&'static str] = &["label", "line1", "line2", "postal_code", "city"];
    const DEFAULT_SORT: &'static str = "created_at";
}

pub struct AddressInput {
    pub kind: AddressKind,
    pub label: Option<String>,
    pub line1: String,
    pub line2: Option<String>,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub is_default: bool,
}

fn address_values(input: &AddressInput, is_default: bool) -> Values {
    vec![
        ("kind", input.kind.into()),
        ("label", input.label.as_deref().into()),
        ("line1", input.line1.as_str().into()),
        ("line2", input.line2.as_deref().into()),
        ("postal_code", input.postal_code.as_str().into()),
        ("city", input.city.as_str().into()),
        ("country", input.country.as_str().into()),
        ("is_default", is_default.into()),
    ]
}

/// Withdraws the default flag from the party's other rows of `table`
/// (of the same address kind when given), so the row being written can
/// take it.
async fn clear_default(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    table: &str,
    flag: &str,
    kind: Option<AddressKind>,
) -> Result<(), DbError> {
    let mut sql = Sql::new(format!(
        "UPDATE {table} SET {flag} = FALSE, version = version + 1 \
         WHERE {} = $1 AND organization_id = $2 AND {flag}",
        party.column()
    ))
    .bind(party.id())
    .bind(organization_id);
    if let Some(kind) = kind {
        sql.push(" AND kind = $3");
        sql = sql.bind(kind);
    }
    tx.execute(sql).await?;
    Ok(())
}

async fn has_any(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    table: &str,
    kind: Option<AddressKind>,
) -> Result<bool, DbError> {
    let mut sql = Sql::new(format!(
        "SELECT COUNT(*) FROM {table} WHERE {} = $1 AND organization_id = $2",
        party.column()
    ))
    .bind(party.id())
    .bind(organization_id);
    if let Some(kind) = kind {
        sql.push(" AND kind = $3");
        sql = sql.bind(kind);
    }
    let (n,): (i64,) = tx.fetch_one(sql).await?;
    Ok(n > 0)
}

/// Adds an address; the first of its kind, or one asked to be the default,
/// becomes the party's default address of that kind.
pub async fn insert_address(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    input: &AddressInput,
) -> Result<Address, DbError> {
    let is_default = input.is_default
        || !has_any(tx, organization_id, party, "addresses", Some(input.kind)).await?;
    if is_default {
        clear_default(
            tx,
            organization_id,
            party,
            "addresses",
            "is_default",
            Some(input.kind),
        )
        .await?;
    }
    let mut values = address_values(input, is_default);
    values.push((party.column(), party.id().into()));
    resource::insert(tx, organization_id, values).await
}

/// Changes an address; made the default, it takes the flag from the
/// party's previous default of its kind.
pub async fn update_address(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    current: &Address,
    input: &AddressInput,
) -> Result<Address, DbError> {
    if input.is_default && !(current.is_default && current.kind == input.kind) {
        clear_default(
            tx,
            organization_id,
            party,
            "addresses",
            "is_default",
            Some(input.kind),
        )
        .await?;
    }
    let values = address_values(input, input.is_default);
    resource::update(tx, organization_id, current.id, current.version, values).await
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Contact {
    pub id: Uuid,
    pub client_id: Option<Uuid>,
    pub supplier_id: Option<Uuid>,
    pub name: String,
    /// The contact's role at the party ("Comptabilité", "Gérant", …).
    #[serde(rename = "role")]
    pub job_title: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub is_primary: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl Table for Contact {
    const TABLE: &'static str = "contacts";
    const COLUMNS: &'static str = "id, client_id, supplier_id, name, job_title, email, phone, is_primary, \
        created_at, updated_at, version";
    const SORTABLE: &'static [(&'static str, &'static str)] =
        &[("name", "name"), ("created_at", "created_at")];
    const SEARCHABLE: &'static [&'static str] = &["name", "job_title", "email", "phone"];
    const DEFAULT_SORT: &'static str = "name";
}

pub struct ContactInput {
    pub name: String,
    pub job_title: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub is_primary: bool,
}

fn contact_values(input: &ContactInput, is_primary: bool) -> Values {
    vec![
        ("name", input.name.as_str().into()),
        ("job_title", input.job_title.as_deref().into()),
        ("email", input.email.as_ref().map(Email::as_str).into()),
        ("phone", input.phone.as_deref().into()),
        ("is_primary", is_primary.into()),
    ]
}

/// Adds a contact; the party's first contact, or one asked to be primary,
/// becomes its primary contact.
pub async fn insert_contact(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    input: &ContactInput,
) -> Result<Contact, DbError> {
    let is_primary =
        input.is_primary || !has_any(tx, organization_id, party, "contacts", None).await?;
    if is_primary {
        clear_default(tx, organization_id, party, "contacts", "is_primary", None).await?;
    }
    let mut values = contact_values(input, is_primary);
    values.push((party.column(), party.id().into()));
    resource::insert(tx, organization_id, values).await
}

pub async fn update_contact(
    tx: &mut Tx,
    organization_id: Uuid,
    party: Party,
    current: &Contact,
    input: &ContactInput,
) -> Result<Contact, DbError> {
    if input.is_primary && !current.is_primary {
        clear_default(tx, organization_id, party, "contacts", "is_primary", None).await?;
    }
    let values = contact_values(input, input.is_primary);
    resource::update(tx, organization_id, current.id, current.version, values).await
}
