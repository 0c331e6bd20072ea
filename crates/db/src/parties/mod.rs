//! Clients and suppliers: the parties the business sells to and buys
//! from, and (in `details`) their addresses and contacts.

use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use crate::resource::{Fixed, Table};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::{ClientStatus, PartyKind};
use comptoir_domain::identifiers::{Code, Email, Siren, Siret, VatNumber};
use comptoir_domain::numbers::{Money, Percent};
use serde::Serialize;
use uuid::Uuid;

mod details;

pub use details::{
    Address, AddressInput, Contact, ContactInput, Party, insert_address, insert_contact,
    update_address, update_contact,
};

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
