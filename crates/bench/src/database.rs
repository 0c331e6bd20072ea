//! A throwaway database per backend, so every run starts from an empty one.

use crate::Backend;
use std::path::PathBuf;
use tokio::process::Command;
use uuid::Uuid;

pub enum Database {
    Sqlite {
        dir: PathBuf,
        url: String,
    },
    Postgres {
        admin_url: String,
        name: String,
        url: String,
    },
}

impl Database {
    /// Creates an empty database; `admin_url` is only used for PostgreSQL.
    pub async fn create(backend: Backend, admin_url: &str) -> Result<Self, String> {
        let suffix = Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("comptoir-bench-{suffix}"));
                std::fs::create_dir_all(&dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
                let url = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
                Ok(Self::Sqlite { dir, url })
            }
            Backend::Postgres => {
                let name = format!("comptoir_bench_{suffix}");
                psql(admin_url, &format!("CREATE DATABASE {name}")).await?;
                let url = with_database(admin_url, &name);
                Ok(Self::Postgres {
                    admin_url: admin_url.to_owned(),
                    name,
                    url,
                })
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url, .. } => url,
        }
    }

    pub async fn remove(self) -> Result<(), String> {
        match self {
            Self::Sqlite { dir, .. } => std::fs::remove_dir_all(&dir)
                .map_err(|e| format!("cannot remove {}: {e}", dir.display())),
            // FORCE: a server killed a moment ago may still hold connections.
            Self::Postgres {
                admin_url, name, ..
            } => psql(&admin_url, &format!("DROP DATABASE {name} WITH (FORCE)")).await,
        }
    }
}

/// Runs `sql` through psql, stopping at the first error; several statements
/// in one call run as one transaction.
pub async fn psql(url: &str, sql: &str) -> Result<(), String> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql])
        .output()
        .await
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "psql `{sql}` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// `admin_url` with its database name replaced by `name`, keeping the same
/// host, credentials and query parameters.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, String::new()), |(base, query)| {
            (base, format!("?{query}"))
        });
    let authority = base.find("://").map_or(0, |scheme_end| scheme_end + 3);
    let server = base[authority..]
        .find('/')
        .map_or(base, |path| &base[..authority + path]);
    format!("{server}/{name}{query}")
}
