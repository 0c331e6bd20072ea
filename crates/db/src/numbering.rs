//! Document numbers: each series' per-organization, per-year counter, and
//! the format each organization spells it with.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use comptoir_domain::numbering::{NumberFormat, Series};
use std::collections::HashMap;
use uuid::Uuid;

/// The next number of a series in `year`, e.g. `FAC-2026-00042`, spelled
/// with the organization's format, in one statement. The counter row
/// stays locked until the caller's transaction ends, so a rolled-back
/// caller leaves no gap and concurrent callers queue.
pub async fn next_number(
    tx: &mut Tx,
    organization_id: Uuid,
    series: Series,
    year: i32,
) -> Result<String, DbError> {
    let (value, pattern): (i64, Option<String>) = tx
        .fetch_one(
            Sql::new(
                "INSERT INTO counters (organization_id, name, value) VALUES ($1, $2, 1) \
                 ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + 1 \
                 RETURNING value, (SELECT pattern FROM number_formats f \
                     WHERE f.organization_id = $1 AND f.series = $3)",
            )
            .bind(organization_id)
            .bind(series.counter(year))
            .bind(series.as_str()),
        )
        .await?;
    // Formats are checked when they are stored.
    let format = pattern
        .and_then(|pattern| NumberFormat::parse(&pattern).ok())
        .unwrap_or_else(|| series.default_format());
    Ok(format.render(year, value))
}

/// The format of every series of the organization, its own or the default.
pub async fn formats(
    db: &Db,
    organization_id: Uuid,
) -> Result<Vec<(Series, NumberFormat)>, DbError> {
    let stored: HashMap<String, String> = db
        .fetch_all::<(String, String)>(
            Sql::new("SELECT series, pattern FROM number_formats WHERE organization_id = $1")
                .bind(organization_id),
        )
        .await?
        .into_iter()
        .collect();
    Ok(Series::ALL
        .iter()
        .map(|&series| {
            let format = stored
                .get(series.as_str())
                .and_then(|pattern| NumberFormat::parse(pattern).ok())
                .unwrap_or_else(|| series.default_format());
            (series, format)
        })
        .collect())
}

/// Sets the format a series is spelled with from now on.
pub async fn set_format(
    tx: &mut Tx,
    organization_id: Uuid,
    series: Series,
    format: &NumberFormat,
) -> Result<(), DbError> {
    tx.execute(
        Sql::new(
            "INSERT INTO number_formats (organization_id, series, pattern, updated_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (organization_id, series) DO UPDATE \
             SET pattern = excluded.pattern, updated_at = excluded.updated_at",
        )
        .bind(organization_id)
        .bind(series.as_str())
        .bind(format.as_str())
        .bind(now()),
    )
    .await?;
    Ok(())
}

/// The value every counter of the organization last gave, by counter name
/// (`FAC:2026`…); a counter never used is absent.
pub async fn counters(db: &Db, organization_id: Uuid) -> Result<HashMap<String, i64>, DbError> {
    Ok(db
        .fetch_all::<(String, i64)>(
            Sql::new("SELECT name, value FROM counters WHERE organization_id = $1")
                .bind(organization_id),
        )
        .await?
        .into_iter()
        .collect())
}
