//! Business events: what happened to a document, written in the
//! transaction of the change they describe.

use crate::{Actor, ServiceResult};
use comptoir_db::Tx;
use comptoir_db::sales::{self as store, NewEvent, SalesDocument};
use serde_json::Value;
use uuid::Uuid;

/// Records a business event about `document`, in the caller's transaction.
pub(super) async fn event(
    tx: &mut Tx,
    actor: &Actor,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ServiceResult<()> {
    write_event(
        tx,
        actor.organization_id,
        Some(actor.user_id),
        event_type,
        document,
        data,
    )
    .await
}

/// Records a business event of a background job: no actor.
pub(super) async fn job_event(
    tx: &mut Tx,
    organization_id: Uuid,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ServiceResult<()> {
    write_event(tx, organization_id, None, event_type, document, data).await
}

async fn write_event(
    tx: &mut Tx,
    organization_id: Uuid,
    actor_id: Option<Uuid>,
    event_type: &str,
    document: &SalesDocument,
    data: Value,
) -> ServiceResult<()> {
    store::record_event(
        tx,
        organization_id,
        NewEvent {
            event_type,
            subject_type: document.kind.as_str(),
            subject_id: document.id,
            client_id: Some(document.client_id),
            actor_id,
            data: store::event_data(document, data),
        },
    )
    .await?;
    Ok(())
}
