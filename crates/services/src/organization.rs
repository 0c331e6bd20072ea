//! The organization's own settings: its name and its time zone, in which
//! the pages show instants and "today" is reckoned.

use crate::audit::log;
use crate::validate::{MAX_NAME, check_version, required, required_parsed};
use crate::{Actor, ServiceResult};
use comptoir_db::Db;
use comptoir_db::auth::{self as store, Organization};
use comptoir_domain::FieldErrors;
use comptoir_domain::time_zone::TimeZone;
use serde::Deserialize;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct OrganizationRequest {
    #[schema(required = true, nullable = false, example = "Comptoir Démo SARL")]
    pub name: Option<String>,
    /// An IANA time zone.
    #[schema(required = true, nullable = false, example = "Europe/Paris")]
    pub time_zone: Option<String>,
}

/// The actor's organization.
pub async fn settings(db: &Db, actor: &Actor) -> ServiceResult<Organization> {
    Ok(store::get_organization(db, actor.organization_id).await?)
}

/// Replaces the organization's settings, if it is still at
/// `expected_version` when one is given.
pub async fn update(
    db: &Db,
    actor: &Actor,
    expected_version: Option<i64>,
    request: OrganizationRequest,
) -> ServiceResult<Organization> {
    let mut errors = FieldErrors::new();
    let name = required(&mut errors, "name", request.name, MAX_NAME);
    let time_zone = required_parsed(&mut errors, "time_zone", request.time_zone, TimeZone::parse);
    errors.finish(|| ())?;
    let (name, time_zone) = (name.expect("checked"), time_zone.expect("checked"));
    let mut tx = db.begin().await?;
    let current = store::lock_organization(&mut tx, actor.organization_id).await?;
    check_version(expected_version, current.version)?;
    let updated =
        store::update_organization(&mut tx, actor.organization_id, &name, time_zone).await?;
    log(
        &mut tx,
        actor,
        "update",
        "organization",
        updated.id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}
