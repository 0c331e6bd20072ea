//! The clients and suppliers writer of an import: one generic writer over
//! `PartyRows`, which says how each kind of party is validated, checked
//! for references and stored.

use crate::parties::{ClientRequest, SupplierRequest, check_client_references};
use crate::transfer::imports::records::{Coded, Outcome, RowOutcome, change, existing_by_code};
use crate::transfer::imports::rows::{ParsedRow, object_code, validated};
use comptoir_db::parties::{self as party_store, Client, Supplier};
use comptoir_db::resource::Table;
use comptoir_db::{DbError, Tx};
use comptoir_domain::FieldErrors;
use uuid::Uuid;

/// How rows of one kind of party are checked and written.
pub(super) trait PartyRows:
    comptoir_db::Record + Table + Coded + serde::Serialize + Sized
{
    type Request: serde::de::DeserializeOwned;
    type Input;
    const RESOURCE: &'static str;
    fn validate(request: Self::Request) -> Result<Self::Input, FieldErrors>;
    /// The field naming a record that does not exist, if any.
    async fn missing_reference(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Option<&'static str>;
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError>;
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError>;
}

impl PartyRows for Client {
    type Request = ClientRequest;
    type Input = party_store::ClientInput;
    const RESOURCE: &'static str = "client";
    fn validate(request: ClientRequest) -> Result<Self::Input, FieldErrors> {
        request.validate()
    }
    async fn missing_reference(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Option<&'static str> {
        let found = check_client_references(tx, organization_id, input).await;
        found.is_err().then_some("price_list_id")
    }
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::insert_client(tx, organization_id, input).await
    }
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::update_client(tx, organization_id, current.id, current.version, input).await
    }
}

impl PartyRows for Supplier {
    type Request = SupplierRequest;
    type Input = party_store::SupplierInput;
    const RESOURCE: &'static str = "supplier";
    fn validate(request: SupplierRequest) -> Result<Self::Input, FieldErrors> {
        request.validate()
    }
    async fn missing_reference(_: &mut Tx, _: Uuid, _: &Self::Input) -> Option<&'static str> {
        None
    }
    async fn insert(
        tx: &mut Tx,
        organization_id: Uuid,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::insert_supplier(tx, organization_id, input).await
    }
    async fn update(
        tx: &mut Tx,
        organization_id: Uuid,
        current: &Self,
        input: &Self::Input,
    ) -> Result<Self, DbError> {
        party_store::update_supplier(tx, organization_id, current.id, current.version, input).await
    }
}

/// Clients or suppliers: one lookup of the chunk's codes, then a write
/// per row.
pub(super) async fn write_parties<P: PartyRows>(
    tx: &mut Tx,
    organization_id: Uuid,
    rows: Vec<ParsedRow<'_>>,
) -> Result<Vec<RowOutcome>, DbError> {
    let mut existing = existing_by_code::<P>(tx, organization_id, &rows).await?;
    let mut outcomes = Vec::with_capacity(rows.len());
    for ParsedRow {
        cells,
        object,
        problems,
    } in rows
    {
        let current = object_code(&object).and_then(|code| existing.remove(&code));
        let (current, input) = match validated(current, object, problems, P::validate, &cells) {
            Ok(valid) => valid,
            Err(problems) => {
                outcomes.push(Err(problems));
                continue;
            }
        };
        if let Some(field) = P::missing_reference(tx, organization_id, &input).await {
            outcomes.push(Err(vec![cells.problem(field, "no such record".into())]));
            continue;
        }
        outcomes.push(Ok(match current {
            Some(current) => {
                let after = P::update(tx, organization_id, &current, &input).await?;
                let change = change(P::RESOURCE, after.id(), Some(&current), &after);
                (Outcome::Updated, Some(change))
            }
            None => {
                let after = P::insert(tx, organization_id, &input).await?;
                (
                    Outcome::Created,
                    Some(change(P::RESOURCE, after.id(), None, &after)),
                )
            }
        }));
    }
    Ok(outcomes)
}
