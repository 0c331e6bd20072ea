//! Addresses and contacts of clients and suppliers. A detail belongs to
//! one party and is not found under another; a party has one default
//! address per kind and one primary contact, which the storage functions
//! keep while the party's row is locked.

use crate::patch::merge_patch;
use crate::records::{self, Audited, audited};
use crate::validate::{MAX_NAME, check_version, optional, parsed, required};
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::parties::{
    self as store, Address, AddressInput, Client, Contact, ContactInput, Party, Supplier,
};
use comptoir_db::resource::{self, Listing, Page, Sort};
use comptoir_db::{Db, DbError, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::AddressKind;
use comptoir_domain::identifiers::{CountryCode, Email};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

audited!(Address => "address", Contact => "contact");

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

/// An address or contact row: its request, who owns it, and how it is
/// written.
pub trait Detail: Audited + Sized {
    type Request: DeserializeOwned;
    type Input;

    fn validate(request: Self::Request) -> Result<Self::Input, FieldErrors>;
    fn owners(&self) -> (Option<Uuid>, Option<Uuid>);
    fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Self, DbError>> + Send;
    fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        current: &Self,
        input: &Self::Input,
    ) -> impl Future<Output = Result<Self, DbError>> + Send;
}

impl Detail for Address {
    type Request = AddressRequest;
    type Input = AddressInput;

    fn validate(request: AddressRequest) -> Result<AddressInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let kind = match request.kind {
            None => {
                errors.add("kind", "is required");
                None
            }
            value => parsed(&mut errors, "kind", value, AddressKind::parse),
        };
        let label = optional(&mut errors, "label", request.label, MAX_NAME);
        let line1 = required(&mut errors, "line1", request.line1, MAX_NAME);
        let line2 = optional(&mut errors, "line2", request.line2, MAX_NAME);
        let postal_code = required(&mut errors, "postal_code", request.postal_code, 20);
        let city = required(&mut errors, "city", request.city, MAX_NAME);
        let country = errors.check(
            "country",
            CountryCode::parse(request.country.as_deref().unwrap_or("FR")),
        );
        errors.finish(|| AddressInput {
            kind: kind.expect("checked"),
            label,
            line1: line1.unwrap_or_default(),
            line2,
            postal_code: postal_code.unwrap_or_default(),
            city: city.unwrap_or_default(),
            country: country.map(CountryCode::into_inner).unwrap_or_default(),
            is_default: request.is_default.unwrap_or(false),
        })
    }

    fn owners(&self) -> (Option<Uuid>, Option<Uuid>) {
        (self.client_id, self.supplier_id)
    }

    fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        input: &AddressInput,
    ) -> impl Future<Output = Result<Self, DbError>> + Send {
        store::insert_address(tx, organization_id, party, input)
    }

    fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        current: &Self,
        input: &AddressInput,
    ) -> impl Future<Output = Result<Self, DbError>> + Send {
        store::update_address(tx, organization_id, party, current, input)
    }
}

impl Detail for Contact {
    type Request = ContactRequest;
    type Input = ContactInput;

    fn validate(request: ContactRequest) -> Result<ContactInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = required(&mut errors, "name", request.name, MAX_NAME);
        let job_title = optional(&mut errors, "role", request.role, MAX_NAME);
        let email = parsed(&mut errors, "email", request.email, Email::parse);
        let phone = optional(&mut errors, "phone", request.phone, 40);
        errors.finish(|| ContactInput {
            name: name.unwrap_or_default(),
            job_title,
            email,
            phone,
            is_primary: request.is_primary.unwrap_or(false),
        })
    }

    fn owners(&self) -> (Option<Uuid>, Option<Uuid>) {
        (self.client_id, self.supplier_id)
    }

    fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        input: &ContactInput,
    ) -> impl Future<Output = Result<Self, DbError>> + Send {
        store::insert_contact(tx, organization_id, party, input)
    }

    fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        party: Party,
        current: &Self,
        input: &ContactInput,
    ) -> impl Future<Output = Result<Self, DbError>> + Send {
        store::update_contact(tx, organization_id, party, current, input)
    }
}

/// 404 unless the party is one of the organization's.
async fn check_party(db: &Db, actor: &Actor, party: Party) -> ServiceResult<()> {
    match party {
        Party::Client(id) => records::get::<Client>(db, actor, id).await.map(drop),
        Party::Supplier(id) => records::get::<Supplier>(db, actor, id).await.map(drop),
    }
}

/// Locks the party, so that its default address and primary contact are
/// chosen by one writer at a time.
async fn lock_party(tx: &mut Tx, organization_id: Uuid, party: Party) -> ServiceResult<()> {
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

/// 404 unless the detail belongs to the party.
fn owned<T: Detail>(row: &T, party: Party) -> ServiceResult<()> {
    let (client_id, supplier_id) = row.owners();
    if party.owns(client_id, supplier_id) {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// One page of the party's addresses or contacts.
pub async fn list<T: Detail>(
    db: &Db,
    actor: &Actor,
    party: Party,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<T>> {
    check_party(db, actor, party).await?;
    let filter = Filter::organization(actor.organization_id)
        .eq(party.column(), Some(party.id()))
        .search(T::SEARCHABLE, q);
    records::list(db, filter, sort, page).await
}

pub async fn create<T: Detail>(
    db: &Db,
    actor: &Actor,
    party: Party,
    request: T::Request,
) -> ServiceResult<T> {
    let organization_id = actor.organization_id;
    records::create(db, actor, async |tx: &mut Tx| {
        lock_party(tx, organization_id, party).await?;
        let input = T::validate(request)?;
        Ok(T::insert(tx, organization_id, party, &input).await?)
    })
    .await
}

pub async fn get<T: Detail>(db: &Db, actor: &Actor, party: Party, id: Uuid) -> ServiceResult<T> {
    let row: T = records::get(db, actor, id).await?;
    owned(&row, party)?;
    Ok(row)
}

/// Changes a detail by a JSON merge patch; one of another party answers
/// 404 before its version is compared or the patch read.
pub async fn update<T: Detail>(
    db: &Db,
    actor: &Actor,
    party: Party,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
) -> ServiceResult<T> {
    let organization_id = actor.organization_id;
    records::change_under(
        db,
        actor,
        id,
        async |tx: &mut Tx| lock_party(tx, organization_id, party).await,
        async |tx: &mut Tx, (), current: &T| {
            owned(current, party)?;
            check_version(expected_version, current.version())?;
            let input = T::validate(merge_patch(current, patch)?)?;
            Ok(T::update(tx, organization_id, party, current, &input).await?)
        },
    )
    .await
}

pub async fn delete<T: Detail>(
    db: &Db,
    actor: &Actor,
    party: Party,
    id: Uuid,
) -> ServiceResult<()> {
    records::delete(db, actor, id, async |_: &mut Tx, current: &T| {
        owned(current, party)
    })
    .await
}
