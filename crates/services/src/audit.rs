//! The audit log: the entry of a mutation, written in the transaction
//! making it, and the organization's log as an auditor reads it.

use crate::validate::query_filter;
use crate::{Actor, ServiceResult};
use chrono::{DateTime, Utc};
use comptoir_db::audit::{self as store, AuditEntry, AuditQuery};
use comptoir_db::auth::User;
use comptoir_db::resource::{Listing, Page, Sort};
use comptoir_db::{Db, Filter, Tx};
use serde::{Deserialize, Serialize};
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilters {
    /// `create`, `update`, `delete`, `close`…
    pub action: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    /// RFC 3339 timestamp, inclusive.
    pub from: Option<String>,
    /// RFC 3339 timestamp, inclusive.
    pub to: Option<String>,
}

fn timestamp(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

/// One page of the organization's audit entries, each linked into the
/// chain before it is shown.
pub async fn list(
    db: &Db,
    actor: &Actor,
    filters: AuditFilters,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<AuditEntry>> {
    let query = audit_query(filters)?;
    Ok(store::list(db, actor.organization_id, query, sort, page).await?)
}

fn audit_query(filters: AuditFilters) -> ServiceResult<AuditQuery> {
    Ok(AuditQuery {
        action: filters.action,
        resource_type: filters.resource_type,
        resource_id: filters.resource_id,
        user_id: filters.user_id,
        from: query_filter("from", filters.from.as_deref(), timestamp)?,
        to: query_filter("to", filters.to.as_deref(), timestamp)?,
    })
}

/// The entries a list's export shows (the export links what is pending
/// into the chain before it reads them, as the list does).
pub fn audit_filter(organization_id: Uuid, filters: AuditFilters) -> ServiceResult<Filter> {
    Ok(store::filter(organization_id, audit_query(filters)?))
}

/// Users listed at most beside a page of the log; an organization with
/// more shows the others by id.
const MAX_AUTHORS: i64 = 1000;

/// A page of the log and the organization's users, so that a reader
/// sees who acted by name and may pick whose entries to show.
pub struct AuditLog {
    pub entries: Listing<AuditEntry>,
    pub users: Vec<User>,
}

pub async fn list_with_users(
    db: &Db,
    actor: &Actor,
    filters: AuditFilters,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<AuditLog> {
    let entries = list(db, actor, filters, sort, page).await?;
    let users = crate::users::list(
        db,
        actor,
        None,
        None,
        Page {
            page: 1,
            page_size: MAX_AUTHORS,
        },
    )
    .await?
    .items;
    Ok(AuditLog { entries, users })
}
