//! The audit entry of a mutation, written in the transaction making it.

use crate::{Actor, ServiceResult};
use comptoir_db::Tx;
use comptoir_db::audit as store;
use serde::Serialize;
use uuid::Uuid;

/// Records a mutation in the audit log, inside the transaction making it.
pub(crate) async fn log<T: Serialize>(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    resource_type: &str,
    id: Uuid,
    before: Option<&T>,
    after: Option<&T>,
) -> ServiceResult<()> {
    let as_json = |row: Option<&T>| row.and_then(|row| serde_json::to_value(row).ok());
    store::record(
        tx,
        &actor.audit(),
        action,
        resource_type,
        Some(id),
        as_json(before),
        as_json(after),
    )
    .await?;
    Ok(())
}
