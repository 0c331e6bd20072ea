//! The state every handler receives.

use crate::state::keys::Keys;
use crate::state::sessions::SessionCache;
use comptoir_db::Db;
use comptoir_services::transfer::imports::RunningImports;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;
use std::time::Duration;

/// Tunable limits of the API.
#[derive(Debug, Clone)]
pub struct Config {
    pub access_token_ttl: Duration,
    pub session_idle_timeout: Duration,
    pub login_window: Duration,
    /// Failed logins for one account from one address within the window
    /// before that pair is refused: the account's holder elsewhere, or
    /// colleagues behind the same address, are not locked out by them.
    pub login_max_failures: i64,
    /// Failed logins from one address, whatever the accounts, within the
    /// window: high enough for an office behind one address.
    pub login_max_failures_per_ip: i64,
    pub body_limit_bytes: usize,
    /// Largest import file.
    pub upload_limit_bytes: usize,
    /// How often background jobs (quote expiry and reminders) run.
    pub job_interval: Duration,
    /// How old the dashboard page's figures may be before they are
    /// recomputed (the API's are computed on every call).
    pub dashboard_max_age: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            access_token_ttl: Duration::from_secs(15 * 60),
            session_idle_timeout: Duration::from_secs(30 * 60),
            login_window: Duration::from_secs(15 * 60),
            login_max_failures: 10,
            login_max_failures_per_ip: 100,
            body_limit_bytes: 1024 * 1024,
            upload_limit_bytes: 50 * 1024 * 1024,
            job_interval: Duration::from_secs(60),
            dashboard_max_age: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct ApiContext {
    pub db: Db,
    pub config: Arc<Config>,
    pub keys: Arc<Keys>,
    pub metrics: PrometheusHandle,
    /// Progress of the imports running in this process (SQLite cannot
    /// record it in the database while the import's transaction is open).
    pub imports: RunningImports,
    pub sessions: SessionCache,
}
