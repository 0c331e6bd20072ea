//! The dashboard page's figures: today's key figures and the default
//! range's series, computed together ([`overview`]) and kept a while
//! ([`OverviewCache`]).
//!
//! Why a cache: the series sum a year of invoice lines (a hundred thousand
//! invoices are half a second of database time), and a dashboard is the
//! page every user opens first. A cached overview is served until it is
//! `max_age` old; then the next reader still gets it at once while one
//! background task computes the next, so no reader waits behind the sums
//! and readers never stampede the database. Only the first reader of the
//! day (or of an organization) waits for the computation. The page says
//! when its figures were computed; the API always computes afresh.

use super::{DashboardSeries, Kpis, SeriesQuery, kpis, series};
use crate::{Actor, ServiceResult};
use chrono::{DateTime, Months, NaiveDate, Utc};
use comptoir_db::{Db, now};
use comptoir_domain::dashboard::default_range;
use comptoir_domain::permissions::Permission;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Everything the dashboard page draws.
#[derive(Debug)]
pub struct Overview {
    pub computed_at: DateTime<Utc>,
    pub kpis: Kpis,
    /// Net revenue per month over the default range (`default_range`)…
    pub revenue: DashboardSeries,
    /// …and over the twelve months before it, to compare.
    pub revenue_year_before: DashboardSeries,
    pub orders: DashboardSeries,
    pub top_clients: DashboardSeries,
    pub top_products: DashboardSeries,
    /// `None` for a role that may not see the stock valuation.
    pub stock_per_warehouse: Option<DashboardSeries>,
}

/// Computes the overview of the actor's organization now.
pub async fn overview(db: &Db, actor: &Actor) -> ServiceResult<Overview> {
    let kpis = kpis(db, actor).await?;
    let (from, to) = default_range(kpis.as_of);
    let year_before = |date: NaiveDate| date.checked_sub_months(Months::new(12));
    let of = async |metric: &str, from, to| {
        let query = SeriesQuery {
            metric: Some(metric.to_owned()),
            from,
            to,
        };
        series(db, actor, query).await
    };
    Ok(Overview {
        computed_at: now(),
        revenue: of("revenue_per_month", Some(from), Some(to)).await?,
        revenue_year_before: of("revenue_per_month", year_before(from), year_before(to)).await?,
        orders: of("orders_per_week", Some(from), Some(to)).await?,
        top_clients: of("top_clients", Some(from), Some(to)).await?,
        top_products: of("top_products", Some(from), Some(to)).await?,
        stock_per_warehouse: if actor.may(Permission::ValuationRead) {
            Some(of("stock_value_per_warehouse", None, None).await?)
        } else {
            None
        },
        kpis,
    })
}

/// Overviews per organization, and per whether the reader sees the stock
/// valuation (the only part a role changes).
pub struct OverviewCache {
    max_age: Duration,
    entries: Mutex<HashMap<Key, Entry>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    organization_id: Uuid,
    with_valuation: bool,
}

struct Entry {
    overview: Arc<Overview>,
    computed: Instant,
    refreshing: bool,
}

/// What a reader gets from the cache without waiting.
enum Cached {
    Fresh(Arc<Overview>),
    /// Too old: served while the caller starts the next computation.
    Refresh(Arc<Overview>),
    /// Too old, and another reader already started the next computation.
    Stale(Arc<Overview>),
    Missing,
}

impl OverviewCache {
    /// A cache whose overviews are recomputed once `max_age` old; zero
    /// computes one for every reader.
    pub fn new(max_age: Duration) -> Arc<Self> {
        Arc::new(OverviewCache {
            max_age,
            entries: Mutex::new(HashMap::new()),
        })
    }

    /// The overview for `actor`: the cached one when there is one of
    /// today, recomputed in the background once too old.
    pub async fn get(self: &Arc<Self>, db: &Db, actor: &Actor) -> ServiceResult<Arc<Overview>> {
        let key = Key {
            organization_id: actor.organization_id,
            with_valuation: actor.may(Permission::ValuationRead),
        };
        if self.max_age.is_zero() {
            return Ok(Arc::new(overview(db, actor).await?));
        }
        match self.cached(key, actor.today()) {
            Cached::Fresh(overview) | Cached::Stale(overview) => Ok(overview),
            Cached::Refresh(overview) => {
                let (cache, db, actor) = (Arc::clone(self), db.clone(), actor.clone());
                tokio::spawn(async move {
                    if let Err(error) = cache.compute(key, &db, &actor).await {
                        tracing::warn!(%error, "the dashboard's figures could not be recomputed");
                        cache.refresh_failed(key);
                    }
                });
                Ok(overview)
            }
            Cached::Missing => self.compute(key, db, actor).await,
        }
    }

    fn cached(&self, key: Key, today: NaiveDate) -> Cached {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get_mut(&key) else {
            return Cached::Missing;
        };
        let overview = Arc::clone(&entry.overview);
        if overview.kpis.as_of != today {
            Cached::Missing
        } else if entry.computed.elapsed() < self.max_age {
            Cached::Fresh(overview)
        } else if entry.refreshing {
            Cached::Stale(overview)
        } else {
            entry.refreshing = true;
            Cached::Refresh(overview)
        }
    }

    async fn compute(&self, key: Key, db: &Db, actor: &Actor) -> ServiceResult<Arc<Overview>> {
        let overview = Arc::new(overview(db, actor).await?);
        let entry = Entry {
            overview: Arc::clone(&overview),
            computed: Instant::now(),
            refreshing: false,
        };
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, entry);
        Ok(overview)
    }

    /// Lets the next reader try again.
    fn refresh_failed(&self, key: Key) {
        if let Some(entry) = self
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(&key)
        {
            entry.refreshing = false;
        }
    }
}
