//! Inalterability of sales records: verifying the organization's chain of
//! issued invoices, credit notes, payments and closings, and closing a
//! month or a year.

use crate::audit::log;
use crate::validate::required_parsed;
use crate::{Actor, ServiceError, ServiceResult};
use comptoir_db::Db;
use comptoir_db::compliance::{self as store, BrokenLink, Closing};
use comptoir_domain::FieldErrors;
use comptoir_domain::compliance::Period;
use serde::{Deserialize, Serialize};

/// The chain's state.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    /// `ok` or `broken`.
    pub status: &'static str,
    /// Links verified before the first broken one (all of them when ok).
    pub verified: u64,
    pub first_broken: Option<BrokenLink>,
}

/// Verifies the organization's chain: each issued invoice, credit note,
/// payment and closing is rebuilt from the record and hashed with the link
/// before; the first that does not match is reported.
pub async fn verify_chain(db: &Db, actor: &Actor) -> ServiceResult<ChainReport> {
    let (verified, first_broken) = store::verify(db, Some(actor.organization_id)).await?;
    Ok(ChainReport {
        status: if first_broken.is_none() {
            "ok"
        } else {
            "broken"
        },
        verified,
        first_broken,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ClosingRequest {
    /// A month `2026-11` or a year `2026`.
    #[schema(required = true, nullable = false)]
    pub period: Option<String>,
}

/// Closes a month or a year: its totals (invoices less credit notes) and
/// the running total are recorded and chained; nothing dated in a closed
/// period can be issued or paid afterwards. Only a period that is over can
/// be closed, and only once.
pub async fn close_period(
    db: &Db,
    actor: &Actor,
    request: ClosingRequest,
) -> ServiceResult<Closing> {
    let mut errors = FieldErrors::new();
    let period = required_parsed(&mut errors, "period", request.period, Period::parse);
    if period.is_some_and(|period| !period.has_ended(actor.today())) {
        errors.add(
            "period",
            "has not ended yet: a period is closed once it is over",
        );
    }
    let Some(period) = errors.finish(|| period)? else {
        return Err(ServiceError::field("period", "is required"));
    };
    let mut tx = db.begin().await?;
    let closing = store::close(&mut tx, actor.organization_id, period, actor.user_id)
        .await?
        .ok_or_else(|| ServiceError::conflict(format!("{} is already closed", period.name())))?;
    log(
        &mut tx,
        actor,
        "close",
        "sales_period",
        closing.id,
        None,
        Some(&closing),
    )
    .await?;
    tx.commit().await?;
    Ok(closing)
}

/// The closed periods, oldest first.
pub async fn closings(db: &Db, actor: &Actor) -> ServiceResult<Vec<Closing>> {
    Ok(store::closings(db, actor.organization_id).await?)
}
