//! The one audited path by which a business record is created, changed
//! and deleted. Each write runs in its own transaction together with its
//! audit entry, so a record never changes without the log saying who did
//! it, and the log never names a change that did not happen.
//!
//! An update is always: lock the current row, compare the version the
//! caller expects, apply the JSON merge patch to the current
//! representation and read the result as a full request (so updates
//! validate exactly like creations), let the resource check and write,
//! then log the before and after states.

use crate::audit;
use crate::patch::merge_patch;
use crate::validate::check_version;
use crate::{Actor, ServiceResult};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Record, Tx};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

/// A business record as the audit log files it.
pub trait Audited: Record + Table + Serialize {
    /// The resource name in the audit log (`product`, `client`, …).
    const RESOURCE: &'static str;
    fn id(&self) -> Uuid;
    fn version(&self) -> i64;
}

/// Implements [`Audited`] for storage rows with `id` and `version` fields.
macro_rules! audited {
    ($($row:ty => $name:literal),* $(,)?) => {$(
        impl $crate::records::Audited for $row {
            const RESOURCE: &'static str = $name;
            fn id(&self) -> uuid::Uuid {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        }
    )*};
}
pub(crate) use audited;

/// One page of the organization's records matching `filter`.
pub async fn list<T: Record + Table>(
    db: &Db,
    filter: Filter,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<T>> {
    Ok(resource::list(db, filter, sort, page).await?)
}

/// A record of the actor's organization.
pub async fn get<T: Record + Table>(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<T> {
    Ok(resource::get(db, actor.organization_id, id).await?)
}

/// The records among `ids`, read at once; unknown ids are left out.
pub async fn get_many<T: Record + Table>(
    db: &Db,
    actor: &Actor,
    ids: &[Uuid],
) -> ServiceResult<Vec<T>> {
    Ok(resource::get_many(db, actor.organization_id, ids).await?)
}

/// Creates a record: `write` checks and inserts it in the transaction
/// that also logs it.
pub async fn create<T: Audited>(
    db: &Db,
    actor: &Actor,
    write: impl AsyncFnOnce(&mut Tx) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut tx = db.begin().await?;
    let created = write(&mut tx).await?;
    audit::log(
        &mut tx,
        actor,
        "create",
        T::RESOURCE,
        created.id(),
        None,
        Some(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes a record: `write` gets the locked current row, after the
/// version the caller expects has been compared with it.
pub async fn change<T: Audited>(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    write: impl AsyncFnOnce(&mut Tx, &T) -> ServiceResult<T>,
) -> ServiceResult<T> {
    change_under(
        db,
        actor,
        id,
        async |_: &mut Tx| Ok(()),
        async |tx: &mut Tx, (): (), current: &T| {
            check_version(expected_version, current.version())?;
            write(tx, current).await
        },
    )
    .await
}

/// Changes a record whose writers lock its parent first (a product before
/// its variant, a client before its addresses): `lock_parent` runs before
/// the record is locked, so every writer takes the two locks in the same
/// order and none can deadlock another. `write` gets what `lock_parent`
/// answered and the locked current row, and compares the version itself
/// (a record under another parent is not found, whatever its version).
pub async fn change_under<T: Audited, P>(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    lock_parent: impl AsyncFnOnce(&mut Tx) -> ServiceResult<P>,
    write: impl AsyncFnOnce(&mut Tx, P, &T) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let mut tx = db.begin().await?;
    let parent = lock_parent(&mut tx).await?;
    let current: T = resource::get_in(&mut tx, actor.organization_id, id).await?;
    let updated = write(&mut tx, parent, &current).await?;
    audit::log(
        &mut tx,
        actor,
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

/// Changes a record by a JSON merge patch read as a full request `R`:
/// `write` gets the locked current row and the request, validates, checks
/// and writes.
pub async fn update<T: Audited, R: DeserializeOwned>(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
    write: impl AsyncFnOnce(&mut Tx, &T, R) -> ServiceResult<T>,
) -> ServiceResult<T> {
    change(
        db,
        actor,
        id,
        expected_version,
        async |tx: &mut Tx, current: &T| {
            let request = merge_patch(current, patch)?;
            write(tx, current, request).await
        },
    )
    .await
}

/// Deletes a record once `check` (given the locked row) lets it go; a row
/// still referenced by a foreign key is a conflict.
pub async fn delete<T: Audited>(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    check: impl AsyncFnOnce(&mut Tx, &T) -> ServiceResult<()>,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let current: T = resource::get_in(&mut tx, actor.organization_id, id).await?;
    check(&mut tx, &current).await?;
    resource::delete::<T>(&mut tx, actor.organization_id, id).await?;
    audit::log(
        &mut tx,
        actor,
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
