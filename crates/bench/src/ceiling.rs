//! The database ceiling: pgbench runs the hot product's conditional UPDATE
//! straight against PostgreSQL, with no HTTP, JSON or application code in
//! between, on a scratch database of its own. The server's figure is then
//! reported as a share of it, measured in the same run on the same machine,
//! since absolute figures drift between machines and runs while the ratio
//! holds (see `shared/bench/ceiling/README.md`).

use crate::database::{psql, with_database};
use std::path::PathBuf;
use tokio::process::Command;
use uuid::Uuid;

/// The hot row, with the same checks as `stock_levels` and room for far
/// more updates than a run makes; then the house's order tables
/// (`shared/bench/ceiling/erp_schema.sql`): 10 000 stocked products.
const SCHEMA: &str = "CREATE TABLE hot_stock (id int primary key, physical bigint not null, \
     reserved bigint not null, CHECK (physical >= 0), CHECK (reserved >= 0 AND reserved <= physical)); \
     INSERT INTO hot_stock VALUES (1, 1000000000000, 0); \
     CREATE TABLE stock(id int primary key, physical int, reserved int); \
     INSERT INTO stock SELECT g, 2000000000, 0 FROM generate_series(1,10000) g; \
     CREATE TABLE orders(id bigserial primary key, client_id int, total numeric(14,2), created_at timestamptz default now()); \
     CREATE TABLE order_lines(order_id bigint, product_id int, qty int, unit_price numeric); \
     CREATE INDEX ON order_lines(order_id); \
     ANALYZE;";

/// The house's order transaction (`shared/bench/ceiling/order.sql`): one
/// order of 5 lines reserving 5 random products of 10 000.
const ORDER: &str = r"\set c random(1, 100000)
\set p1 random(1, 10000)
\set p2 random(1, 10000)
\set p3 random(1, 10000)
\set p4 random(1, 10000)
\set p5 random(1, 10000)
\set q1 random(1, 5)
\set q2 random(1, 5)
\set q3 random(1, 5)
\set q4 random(1, 5)
\set q5 random(1, 5)
BEGIN;
INSERT INTO orders(client_id, total) VALUES (:c, 123.45) RETURNING id \gset
INSERT INTO order_lines(order_id, product_id, qty, unit_price) VALUES (:id, :p1, :q1, 9.99), (:id, :p2, :q2, 9.99), (:id, :p3, :q3, 9.99), (:id, :p4, :q4, 9.99), (:id, :p5, :q5, 9.99);
UPDATE stock SET reserved = reserved + :q1 WHERE id = :p1 AND physical - reserved >= :q1;
UPDATE stock SET reserved = reserved + :q2 WHERE id = :p2 AND physical - reserved >= :q2;
UPDATE stock SET reserved = reserved + :q3 WHERE id = :p3 AND physical - reserved >= :q3;
UPDATE stock SET reserved = reserved + :q4 WHERE id = :p4 AND physical - reserved >= :q4;
UPDATE stock SET reserved = reserved + :q5 WHERE id = :p5 AND physical - reserved >= :q5;
COMMIT;
";

/// pgbench's own threads: two, as in the house figures, and never more than
/// there are clients.
const MAX_THREADS: u32 = 2;

/// What one request of a hot-product phase does to the level; here, as the
/// statement the server runs for it, one unit stored as 10 000 as in
/// `stock_levels`.
#[derive(Clone, Copy)]
pub enum Operation {
    Issue,
    Reserve,
}

/// What pgbench runs.
#[derive(Clone, Copy)]
pub enum Script {
    /// One conditional update of the hot row.
    Hot(Operation),
    /// A 5-line order reserving its products, in one transaction.
    Order,
}

impl Script {
    const ALL: [Script; 3] = [
        Script::Hot(Operation::Issue),
        Script::Hot(Operation::Reserve),
        Script::Order,
    ];

    fn sql(self) -> &'static str {
        match self {
            Self::Hot(operation) => operation.sql(),
            Self::Order => ORDER,
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Self::Hot(operation) => operation.file_name(),
            Self::Order => "order.sql",
        }
    }
}

impl Operation {
    fn sql(self) -> &'static str {
        match self {
            Self::Issue => {
                "UPDATE hot_stock SET physical = physical - 10000 \
                 WHERE id = 1 AND physical - reserved >= 10000;\n"
            }
            Self::Reserve => {
                "UPDATE hot_stock SET reserved = reserved + 10000 \
                 WHERE id = 1 AND physical - reserved >= 10000;\n"
            }
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Self::Issue => "issue.sql",
            Self::Reserve => "reserve.sql",
        }
    }
}

/// The scratch database and the pgbench scripts, removed together.
pub struct Ceiling {
    admin_url: String,
    name: String,
    url: String,
    scripts: PathBuf,
}

impl Ceiling {
    /// Creates the database beside the bench's own, on the same server, so
    /// both figures come from one PostgreSQL.
    pub async fn create(admin_url: &str) -> Result<Self, String> {
        let suffix = Uuid::new_v4().simple().to_string();
        let name = format!("comptoir_ceiling_{suffix}");
        let ceiling = Self {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
            scripts: std::env::temp_dir().join(format!("comptoir-ceiling-{suffix}")),
        };
        match ceiling.prepare().await {
            Ok(()) => Ok(ceiling),
            Err(message) => {
                if let Err(cleanup) = ceiling.remove().await {
                    eprintln!("warning: ceiling: {cleanup}");
                }
                Err(message)
            }
        }
    }

    async fn prepare(&self) -> Result<(), String> {
        std::fs::create_dir_all(&self.scripts)
            .map_err(|e| format!("cannot create {}: {e}", self.scripts.display()))?;
        for script in Script::ALL {
            let path = self.script(script);
            std::fs::write(&path, script.sql())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        // Checked now: a missing pgbench would otherwise only show once the
        // first HTTP level has run.
        run_pgbench(&["--version"]).await?;
        psql(&self.admin_url, &format!("CREATE DATABASE {}", self.name)).await?;
        psql(&self.url, SCHEMA).await
    }

    fn script(&self, script: Script) -> PathBuf {
        self.scripts.join(script.file_name())
    }

    /// Transactions per second of `script` from `clients` connections
    /// for `seconds`, connection time excluded.
    pub async fn tps(&self, script: Script, clients: u32, seconds: u64) -> Result<f64, String> {
        let (seconds, threads) = (seconds.to_string(), clients.min(MAX_THREADS).to_string());
        let clients = clients.to_string();
        let path = self.script(script);
        let path = path
            .to_str()
            .ok_or("the temporary directory's path is not UTF-8")?;
        // The URL as the database name: pgbench expands it into host, port
        // and user, so it reaches the server `--postgres-url` names.
        let mut args = vec![
            "-n", "-T", &seconds, "-c", &clients, "-j", &threads, "-f", path,
        ];
        // The house script locks its products in random order: a deadlock
        // is retried, as the house figures were measured.
        if matches!(script, Script::Order) {
            args.push("--max-tries=10");
        }
        args.push(&self.url);
        let stdout = run_pgbench(&args).await?;
        parse_tps(&stdout).ok_or_else(|| {
            format!("pgbench printed no `tps = N (without initial connection time)`:\n{stdout}")
        })
    }

    /// Drops the database, whatever connections are left, and the scripts.
    pub async fn remove(self) -> Result<(), String> {
        let dropped = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        )
        .await;
        let deleted = std::fs::remove_dir_all(&self.scripts)
            .map_err(|e| format!("cannot remove {}: {e}", self.scripts.display()));
        dropped.and(deleted)
    }
}

/// Runs pgbench; returns its standard output if it succeeded. The arguments
/// stay out of the error, since the URL among them may hold a password.
async fn run_pgbench(args: &[&str]) -> Result<String, String> {
    let output = Command::new("pgbench")
        .args(args)
        .output()
        .await
        .map_err(|e| format!("cannot run pgbench: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "pgbench failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn parse_tps(output: &str) -> Option<f64> {
    output.lines().find_map(|line| {
        line.strip_prefix("tps = ")?
            .strip_suffix(" (without initial connection time)")?
            .parse()
            .ok()
    })
}
