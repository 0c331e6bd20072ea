//! Number formats: how each series of an organization's documents is
//! spelled. A format is checked before it is stored, and changing it never
//! touches the sequence, which goes on where it was.

use crate::audit::log;
use crate::validate::required_parsed;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{Datelike, Utc};
use comptoir_db::Db;
use comptoir_db::numbering as store;
use comptoir_domain::FieldErrors;
use comptoir_domain::numbering::{NumberFormat, Series};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How one series is numbered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SeriesFormat {
    /// `DEV`, `CMD`, `BL`, `FAC`, `AV` or `ACH`.
    pub series: Series,
    /// What the series numbers: `invoices`, `credit notes`…
    pub numbers: &'static str,
    /// `{YYYY}` or `{YY}` for the year, `{N}` or `{N:5}` for the sequence.
    #[schema(example = "FAC-{YYYY}-{N:5}")]
    pub pattern: String,
    /// The first number of this year in this format.
    #[schema(example = "FAC-2026-00001")]
    pub example: String,
    /// The number the series' next document of this year will get.
    #[schema(example = "FAC-2026-00042")]
    pub next: String,
}

impl SeriesFormat {
    /// `counters` holds the value each counter last gave.
    fn new(series: Series, format: &NumberFormat, counters: &HashMap<String, i64>) -> Self {
        let year = Utc::now().year();
        let last = counters.get(&series.counter(year)).copied().unwrap_or(0);
        Self {
            series,
            numbers: series.numbers(),
            pattern: format.as_str().to_owned(),
            example: format.render(year, 1),
            next: format.render(year, last + 1),
        }
    }
}

/// How each series of the organization is numbered.
pub async fn formats(db: &Db, actor: &Actor) -> ServiceResult<Vec<SeriesFormat>> {
    let formats = store::formats(db, actor.organization_id).await?;
    let counters = store::counters(db, actor.organization_id).await?;
    Ok(formats
        .iter()
        .map(|(series, format)| SeriesFormat::new(*series, format, &counters))
        .collect())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct FormatRequest {
    #[schema(required = true, nullable = false, example = "F{YY}/{N:6}")]
    pub pattern: Option<String>,
}

/// Changes how `series` (its code, e.g. `FAC`) is spelled from its next
/// number on; an unknown series is not found.
pub async fn set_format(
    db: &Db,
    actor: &Actor,
    series: &str,
    request: FormatRequest,
) -> ServiceResult<SeriesFormat> {
    let series = Series::parse(series).map_err(|_| ServiceError::NotFound)?;
    let mut errors = FieldErrors::new();
    let format = required_parsed(&mut errors, "pattern", request.pattern, NumberFormat::parse);
    errors.finish(|| ())?;
    let format = format.expect("checked");
    let counters = store::counters(db, actor.organization_id).await?;
    let before = store::formats(db, actor.organization_id)
        .await?
        .into_iter()
        .find(|(s, _)| *s == series)
        .map(|(s, f)| SeriesFormat::new(s, &f, &counters));
    let after = SeriesFormat::new(series, &format, &counters);
    let mut tx = db.begin().await?;
    store::set_format(&mut tx, actor.organization_id, series, &format).await?;
    log(
        &mut tx,
        actor,
        "update",
        "number_format",
        actor.organization_id,
        before.as_ref(),
        Some(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
