//! Records that live under a parent in the URL (a product's variants and
//! suppliers, a price list's rules): one belonging to another parent is
//! not found, like one of another organization, whatever else is wrong
//! with the request.

use crate::patch::merge_patch;
use crate::records::{self, Audited};
use crate::validate::check_version;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::{Db, Tx};
use serde::de::DeserializeOwned;
use serde_json::Value;
use uuid::Uuid;

pub(crate) trait Nested: Audited {
    fn parent_id(&self) -> Uuid;
}

fn under<T: Nested>(row: &T, parent_id: Uuid) -> ServiceResult<()> {
    if row.parent_id() == parent_id {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The record `id` under `parent_id`.
pub(crate) async fn get<T: Nested>(
    db: &Db,
    actor: &Actor,
    parent_id: Uuid,
    id: Uuid,
) -> ServiceResult<T> {
    let row: T = records::get(db, actor, id).await?;
    under(&row, parent_id)?;
    Ok(row)
}

/// Changes the record `id` under `parent_id` by a JSON merge patch read as
/// a full request `R`, like [`records::update`]; but a record of another
/// parent answers 404 before its version is compared or the patch read.
pub(crate) async fn update<T: Nested, R: DeserializeOwned>(
    db: &Db,
    actor: &Actor,
    parent_id: Uuid,
    id: Uuid,
    expected_version: Option<i64>,
    patch: Value,
    write: impl AsyncFnOnce(&mut Tx, &T, R) -> ServiceResult<T>,
) -> ServiceResult<T> {
    records::change(db, actor, id, None, async |tx: &mut Tx, current: &T| {
        under(current, parent_id)?;
        check_version(expected_version, current.version())?;
        let request = merge_patch(current, patch)?;
        write(tx, current, request).await
    })
    .await
}

/// Like [`update`], for records whose writers lock the parent first:
/// `lock_parent` locks it (and answers what `write` needs of it) before
/// the record is locked, as `records::change_under` does.
pub(crate) async fn update_under<T: Nested, R: DeserializeOwned, P>(
    db: &Db,
    actor: &Actor,
    [parent_id, id]: [Uuid; 2],
    expected_version: Option<i64>,
    patch: Value,
    lock_parent: impl AsyncFnOnce(&mut Tx) -> ServiceResult<P>,
    write: impl AsyncFnOnce(&mut Tx, P, &T, R) -> ServiceResult<T>,
) -> ServiceResult<T> {
    records::change_under(
        db,
        actor,
        id,
        lock_parent,
        async |tx: &mut Tx, parent: P, current: &T| {
            under(current, parent_id)?;
            check_version(expected_version, current.version())?;
            let request = merge_patch(current, patch)?;
            write(tx, parent, current, request).await
        },
    )
    .await
}

/// Deletes the record `id` under `parent_id` once `check` lets it go.
pub(crate) async fn delete<T: Nested>(
    db: &Db,
    actor: &Actor,
    parent_id: Uuid,
    id: Uuid,
    check: impl AsyncFnOnce(&mut Tx, &T) -> ServiceResult<()>,
) -> ServiceResult<()> {
    records::delete(db, actor, id, async |tx: &mut Tx, current: &T| {
        under(current, parent_id)?;
        check(tx, current).await
    })
    .await
}
