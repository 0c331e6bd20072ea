//! Load benchmark for the Comptoir server.
//!
//! It runs the real `comptoir` binary as a separate process on a fresh
//! database and reports throughput, latency percentiles and the server's
//! resident memory (read from `/proc`, so Linux only). The scenarios:
//!
//! - `catalog` (the default), on each backend: creates products from
//!   concurrent clients, then pages through them.
//! - `stock`, on PostgreSQL only: stock issues and reservations on one hot
//!   product, each beside pgbench running the same conditional UPDATE
//!   straight on the database, then reading a product's history out of a
//!   ledger of a million movements (see `stock` and `ledger`).
//! - `import`, on each backend: `comptoir import` of a generated file of
//!   products, then `comptoir export` of them to XLSX (see `import`).
//! - `sales`, on PostgreSQL only: 5-line order confirmations beside
//!   pgbench's 5-line order transaction, then invoice issues (see `sales`);
//!   `--sales-issues-only` runs the issues alone, so that two server
//!   builds (`--server-binary`) compare on what issuing costs.
//! - `pages`, on PostgreSQL only: the web pages (dashboard, invoice list,
//!   invoice page) read by signed-in browsers over the demo's data plus
//!   100 000 invoices, the dashboard's API figures, and the size of the
//!   shipped scripts and styles (see `pages`).
//! - `documents`, in process, no server: a 20-line invoice's PDF with its
//!   Factur-X XML embedded, rendered `--renders` times on one thread
//!   (renders per second, p50, p99, size), then a 500-line invoice (see
//!   `documents`).
//!
//! Run it from the workspace root, against a release build of the server:
//!
//! ```sh
//! cargo build --release && cargo run --release -p comptoir-bench -- --backend both
//! cargo build --release && cargo run --release -p comptoir-bench -- --scenario stock
//! cargo build --release && cargo run --release -p comptoir-bench -- --scenario import
//! cargo build --release && cargo run --release -p comptoir-bench -- --scenario sales
//! cargo build --release && cargo run --release -p comptoir-bench -- --scenario pages
//! taskset -c 0 cargo run --release -p comptoir-bench -- --scenario documents
//! ```
//!
//! Issuing compared with an older build of the server, built in a
//! worktree of its own:
//!
//! ```sh
//! git worktree add ../before COMMIT && (cd ../before && cargo build --release -p comptoir)
//! cargo run --release -p comptoir-bench -- --scenario sales --sales-issues-only \
//!     --server-binary ../before/target/release/comptoir
//! ```
//!
//! A PostgreSQL run needs `psql` on the PATH and a server reachable at
//! `--postgres-url`, where it creates, then drops, its own database; the
//! stock scenario needs `pgbench` too, and a second scratch database.
//! The exit code is non-zero if the server failed to start or any request failed.

mod ceiling;
mod database;
mod documents;
mod import;
mod ledger;
mod load;
mod pages;
mod pages_seed;
mod report;
mod sales;
mod server;
mod stats;
mod stock;
mod stock_report;

use clap::{Parser, ValueEnum, value_parser};
use database::Database;
use load::{ListPlan, PAGE_SIZE};
use report::{BackendReport, Phase};
use server::{RssSampler, Server};
use std::fmt;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// How long the server idles after start before its baseline memory is read,
/// so that start-up allocations have settled.
const IDLE_SETTLE: Duration = Duration::from_secs(1);

#[derive(Parser)]
#[command(about = "Measure the Comptoir server's throughput, latency and memory under load")]
struct Cli {
    /// The server binary to run.
    #[arg(long, default_value = "target/release/comptoir")]
    server_binary: PathBuf,
    #[arg(long, value_enum, default_value_t = Scenario::Catalog)]
    scenario: Scenario,
    /// Catalog scenario only: the stock scenario runs on PostgreSQL.
    #[arg(long, value_enum, default_value_t = BackendChoice::Both)]
    backend: BackendChoice,
    /// Maintenance database URL; the bench creates and drops its own database beside it.
    #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres_url: String,
    /// Products to create, at least one page of 50.
    #[arg(long, default_value_t = 10_000, value_parser = value_parser!(u32).range(i64::from(PAGE_SIZE)..))]
    products: u32,
    /// Concurrent clients in the creation phase.
    #[arg(long, default_value_t = 32, value_parser = value_parser!(u32).range(1..))]
    create_concurrency: u32,
    /// Concurrent connections in the list phase.
    #[arg(long, default_value_t = 64, value_parser = value_parser!(u32).range(1..))]
    list_concurrency: u32,
    /// Measured duration of the list phase.
    #[arg(long, default_value_t = 20, value_parser = value_parser!(u64).range(1..))]
    list_seconds: u64,
    /// Unrecorded list load before measuring, to fill caches and connection pools.
    #[arg(long, default_value_t = 3)]
    warmup_seconds: u64,
    /// `first`: every request asks for the first page, as a list screen
    /// opens; `all`: tasks walk every page, deep offsets included.
    #[arg(long, value_enum, default_value_t = ListPages::First)]
    list_pages: ListPages,
    /// Stock scenario: the concurrent clients on the hot product, one level
    /// after another.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,64",
          value_parser = value_parser!(u32).range(1..))]
    clients: Vec<u32>,
    /// Stock and pages scenarios: measured duration of every run, after a 2 s warm-up
    /// (none for pgbench).
    #[arg(long, default_value_t = 10, value_parser = value_parser!(u64).range(1..))]
    seconds: u64,
    /// Stock scenario: movements seeded in the ledger, spread over 100 products.
    #[arg(long, default_value_t = 1_000_000,
          value_parser = value_parser!(u32).range(i64::from(stock_report::PRODUCTS)..))]
    ledger_movements: u32,
    /// Stock scenario: the concurrent connections reading the ledger, one
    /// run after another.
    #[arg(long, value_delimiter = ',', default_value = "1,8",
          value_parser = value_parser!(u32).range(1..))]
    ledger_connections: Vec<u32>,
    /// Sales scenario: the concurrent clients confirming orders and issuing
    /// invoices, one level after another.
    #[arg(long, value_delimiter = ',', default_value = "8,32",
          value_parser = value_parser!(u32).range(1..))]
    sales_clients: Vec<u32>,
    /// Sales scenario: orders confirmed, and invoices issued, per level.
    #[arg(long, default_value_t = 3_000, value_parser = value_parser!(u32).range(1..))]
    sales_documents: u32,
    /// Pages scenario: the signed-in browsers reading a page at once.
    #[arg(long, default_value_t = 16, value_parser = value_parser!(u32).range(1..))]
    page_users: u32,
    /// Sales scenario: only the invoice issues, on a server that needs no
    /// products (no order confirmations, no pgbench).
    #[arg(long)]
    sales_issues_only: bool,
    /// Documents scenario: the timed renders of the 20-line invoice.
    #[arg(long, default_value_t = 300, value_parser = value_parser!(u32).range(1..))]
    renders: u32,
    /// Import scenario: product rows in the generated file.
    #[arg(long, default_value_t = 100_000, value_parser = value_parser!(u32).range(1..))]
    import_rows: u32,
}

#[derive(Clone, Copy, ValueEnum)]
enum Scenario {
    /// Create then list products, on each backend chosen.
    Catalog,
    /// Hot-product movements and reservations against the database's
    /// ceiling, then the movement ledger; PostgreSQL only.
    Stock,
    /// `comptoir import` of a generated product file, then `comptoir
    /// export` to XLSX, on each backend chosen.
    Import,
    /// Order confirmations against the database's ceiling, then invoice
    /// issues; PostgreSQL only.
    Sales,
    /// Web pages and dashboard figures over 100 000 invoices; PostgreSQL
    /// only.
    Pages,
    /// Invoice PDF and Factur-X renders, in process: no server, no
    /// database.
    Documents,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListPages {
    First,
    All,
}

#[derive(Clone, Copy, ValueEnum)]
enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

impl BackendChoice {
    fn backends(self) -> &'static [Backend] {
        match self {
            Self::Sqlite => &[Backend::Sqlite],
            Self::Postgres => &[Backend::Postgres],
            Self::Both => &[Backend::Sqlite, Backend::Postgres],
        }
    }
}

#[derive(Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let needs_server = !matches!(cli.scenario, Scenario::Documents);
    if needs_server && !cli.server_binary.is_file() {
        eprintln!(
            "error: server binary {} not found; build it first with `cargo build --release`",
            cli.server_binary.display()
        );
        return ExitCode::FAILURE;
    }
    let failures = match cli.scenario {
        Scenario::Catalog => catalog(&cli).await,
        Scenario::Stock => stock::run(&cli).await,
        Scenario::Import => import::run(&cli).await,
        Scenario::Sales => sales::run(&cli).await,
        Scenario::Pages => pages::run(&cli).await,
        Scenario::Documents => documents::run(&cli),
    };
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        for failure in &failures {
            eprintln!("FAILED {failure}");
        }
        ExitCode::FAILURE
    }
}

/// Runs the catalog scenario on each backend chosen; returns what failed.
async fn catalog(cli: &Cli) -> Vec<String> {
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for &backend in cli.backend.backends() {
        match run_backend(cli, backend).await {
            Ok(report) => {
                report.print();
                failures.extend(report.failures());
                reports.push(report);
            }
            Err(message) => failures.push(format!("{backend}: {message}")),
        }
    }
    report::print_table(&reports, cli.create_concurrency, cli.list_concurrency);
    failures
}

/// Measures one backend on a database of its own, removed afterwards
/// whatever the outcome.
async fn run_backend(cli: &Cli, backend: Backend) -> Result<BackendReport, String> {
    let database = Database::create(backend, &cli.postgres_url).await?;
    let report = measure(cli, backend, database.url()).await;
    // A leftover database is worth a warning, not a failed benchmark.
    if let Err(message) = database.remove().await {
        eprintln!("warning: {backend}: {message}");
    }
    report
}

async fn measure(cli: &Cli, backend: Backend, database_url: &str) -> Result<BackendReport, String> {
    server::init(&cli.server_binary, database_url).await?;
    let server = Server::start(&cli.server_binary, database_url)
        .await
        .map_err(|e| format!("server failed to start: {e}"))?;
    tokio::time::sleep(IDLE_SETTLE).await;
    let idle_rss_kib = server::rss_kib(server.pid()).ok_or("cannot read the server's VmRSS")?;
    let token = load::login(server.base_url()).await?;
    let create = create_phase(cli, &server, &token).await?;
    let list = list_phase(cli, &server, &token).await?;
    server.stop().await?;
    Ok(BackendReport {
        backend,
        idle_rss_kib,
        create,
        list,
    })
}

async fn create_phase(cli: &Cli, server: &Server, token: &str) -> Result<Phase, String> {
    let concurrency = cli.create_concurrency as usize;
    let http = load::client(token, concurrency)?;
    let sampler = RssSampler::start(server.pid());
    let run = load::create_products(&http, server.base_url(), cli.products, concurrency).await;
    Ok(Phase::new(run, sampler.stop()))
}

async fn list_phase(cli: &Cli, server: &Server, token: &str) -> Result<Phase, String> {
    let plan = ListPlan {
        products: cli.products,
        pages: match cli.list_pages {
            ListPages::First => 1,
            ListPages::All => cli.products / PAGE_SIZE,
        },
        concurrency: cli.list_concurrency as usize,
        warmup: Duration::from_secs(cli.warmup_seconds),
        measured: Duration::from_secs(cli.list_seconds),
    };
    let http = load::client(token, plan.concurrency)?;
    // The warm-up counts too: memory grown then is still the server's.
    let sampler = RssSampler::start(server.pid());
    let run = load::list_products(&http, server.base_url(), plan).await;
    Ok(Phase::new(run, sampler.stop()))
}
