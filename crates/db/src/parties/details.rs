//! Addresses and contacts: each belongs to one party ([`Party`]). The
//! default address of each kind and the primary contact move inside the
//! writing transaction (the old holder loses the flag first), and partial
//! unique indexes make a second default impossible even between instances.

use crate::error::DbError;
use crate::pool::{Sql, Tx};
use crate::resource::{self, Table, Values};
use chrono::{DateTime, Utc};
use comptoir_domain::catalog::AddressKind;
use comptoir_domain::identifiers::Email;
use serde::Serialize;
use uuid::Uuid;

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
