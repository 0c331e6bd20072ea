//! The stock scenario, on PostgreSQL only: one hot product that every
//! request contends for, as a best-seller's level is, then the movement
//! ledger of a long-lived database (see `ledger`).
//!
//! At each client count, stock issues then reservations go through the
//! server, each followed by pgbench running the same conditional UPDATE
//! straight on the database, so the report gives the server's share of what
//! PostgreSQL itself allows on this machine.

use crate::ceiling::{Ceiling, Operation, Script};
use crate::database::Database;
use crate::load::{self, Requester, WARMUP, create_stocked_product, uuid_field};
use crate::report::Phase;
use crate::server::{self, RssSampler, Server};
use crate::stock_report::{self, HotLevel, StockReport};
use crate::{Backend, Cli, ledger};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Received once before the load: far more than a run issues and reserves,
/// so no request can meet a shortage.
const RECEIVED: &str = "100000000";

/// Runs the scenario on databases of its own, removed afterwards whatever
/// the outcome; prints what was measured, even if a later step failed, and
/// returns what failed.
pub async fn run(cli: &Cli) -> Vec<String> {
    let mut report = StockReport::default();
    let outcome = on_scratch_databases(cli, &mut report).await;
    report.print(cli.ledger_movements);
    let mut failures = report.failures();
    failures.extend(outcome.err().map(|message| format!("stock: {message}")));
    failures
}

async fn on_scratch_databases(cli: &Cli, report: &mut StockReport) -> Result<(), String> {
    let database = Database::create(Backend::Postgres, &cli.postgres_url).await?;
    let outcome = match Ceiling::create(&cli.postgres_url).await {
        Ok(ceiling) => {
            let outcome = measure(cli, database.url(), &ceiling, report).await;
            // A leftover database is worth a warning, not a failed benchmark.
            if let Err(message) = ceiling.remove().await {
                eprintln!("warning: ceiling: {message}");
            }
            outcome
        }
        Err(message) => Err(message),
    };
    if let Err(message) = database.remove().await {
        eprintln!("warning: postgres: {message}");
    }
    outcome
}

async fn measure(
    cli: &Cli,
    database_url: &str,
    ceiling: &Ceiling,
    report: &mut StockReport,
) -> Result<(), String> {
    server::init(&cli.server_binary, database_url).await?;
    let server = Server::start(&cli.server_binary, database_url)
        .await
        .map_err(|e| format!("server failed to start: {e}"))?;
    let item = HotItem::create(server.base_url()).await?;
    for &clients in &cli.clients {
        report
            .levels
            .push(hot_level(cli, &server, ceiling, item, clients).await?);
    }
    ledger::measure(
        cli,
        &server,
        database_url,
        item.location_id,
        &mut report.ledger,
    )
    .await?;
    server.stop().await
}

/// The hot product and the location holding its stock.
#[derive(Clone, Copy)]
struct HotItem {
    product_id: Uuid,
    location_id: Uuid,
}

impl HotItem {
    /// Creates a warehouse and the product through the API, and receives
    /// the stock the load will take.
    async fn create(base_url: &str) -> Result<Self, String> {
        let token = load::login(base_url).await?;
        let http = load::client(&token, 1)?;
        let warehouse = load::create(
            &http,
            &format!("{base_url}/api/v1/warehouses"),
            &json!({ "code": "BENCH", "name": "Bench" }),
        )
        .await?;
        let location_id = uuid_field(&warehouse, "default_location_id")?;
        let product_id = create_stocked_product(&http, base_url, "HOT", "Hot product").await?;
        let receipt = json!({
            "type": "receipt",
            "product_id": product_id,
            "quantity": RECEIVED,
            "to_location_id": location_id,
        });
        load::create(
            &http,
            &format!("{base_url}/api/v1/stock/movements"),
            &receipt,
        )
        .await?;
        Ok(Self {
            product_id,
            location_id,
        })
    }
}

/// Issues, then reservations, at one client count, each followed by its
/// ceiling: pgbench runs while the server idles, right after the same load
/// went through it.
async fn hot_level(
    cli: &Cli,
    server: &Server,
    ceiling: &Ceiling,
    item: HotItem,
    clients: u32,
) -> Result<HotLevel, String> {
    // Tokens last 15 minutes, a whole run longer: a fresh one per level.
    let token = load::login(server.base_url()).await?;
    let http = load::client(&token, clients as usize)?;
    let run = |operation| hot_run(server, &http, item, operation, clients, cli.seconds);
    let ceiling_of = |operation| ceiling.tps(Script::Hot(operation), clients, cli.seconds);
    let movements = run(Operation::Issue).await;
    stock_report::print_run(&format!("movements, {clients} clients"), &movements);
    let issue_ceiling_tps = ceiling_of(Operation::Issue).await?;
    println!("pgbench issue, {clients} clients: {issue_ceiling_tps:.1} tps");
    let reservations = run(Operation::Reserve).await;
    stock_report::print_run(&format!("reservations, {clients} clients"), &reservations);
    let reserve_ceiling_tps = ceiling_of(Operation::Reserve).await?;
    println!("pgbench reserve, {clients} clients: {reserve_ceiling_tps:.1} tps");
    Ok(HotLevel {
        clients,
        movements,
        issue_ceiling_tps,
        reservations,
        reserve_ceiling_tps,
    })
}

async fn hot_run(
    server: &Server,
    http: &Client,
    item: HotItem,
    operation: Operation,
    clients: u32,
    seconds: u64,
) -> Phase {
    let path = match operation {
        Operation::Issue => "movements",
        Operation::Reserve => "reservations",
    };
    let url: Arc<str> = format!("{}/api/v1/stock/{path}", server.base_url()).into();
    let requesters = (0..clients)
        .map(|_| HotRequester {
            http: http.clone(),
            url: Arc::clone(&url),
            item,
            operation,
            checked: false,
        })
        .collect();
    // The warm-up counts too: memory grown then is still the server's.
    let sampler = RssSampler::start(server.pid());
    let run = load::timed(requesters, WARMUP, Duration::from_secs(seconds)).await;
    Phase::new(run, sampler.stop())
}

/// One client taking a unit of the hot product, one request after another.
struct HotRequester {
    http: Client,
    url: Arc<str>,
    item: HotItem,
    operation: Operation,
    /// Only the first answer is parsed: parsing every one would load the
    /// client more than the server.
    checked: bool,
}

impl Requester for HotRequester {
    async fn send(&mut self) -> Result<(), String> {
        let HotItem {
            product_id,
            location_id,
        } = self.item;
        let body = match self.operation {
            Operation::Issue => json!({
                "type": "issue",
                "product_id": product_id,
                "quantity": "1",
                "from_location_id": location_id,
            }),
            // A fresh line each time, as every order line reserves its own.
            Operation::Reserve => json!({ "lines": [{
                "line_id": Uuid::new_v4(),
                "product_id": product_id,
                "quantity": "1",
                "location_id": location_id,
            }] }),
        };
        let url = &*self.url;
        let response = self
            .http
            .post(url)
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("POST {url}: {e}"))?;
        // Any other status fails the run, a 409 `insufficient_stock` included:
        // the stock received beforehand rules a shortage out.
        let body = load::expect_status(response, StatusCode::CREATED, url).await?;
        if self.checked {
            return Ok(());
        }
        self.checked = true;
        check_created(self.operation, &body).map_err(|e| format!("POST {url}: {e}"))
    }
}

/// An issue answers the movement recorded; a reservation, the array of the
/// reservations made, here one.
fn check_created(operation: Operation, body: &[u8]) -> Result<(), String> {
    let created: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let expected = match operation {
        Operation::Issue => created["type"] == "issue",
        Operation::Reserve => {
            created.as_array().map(Vec::len) == Some(1) && created[0]["status"] == "active"
        }
    };
    if expected {
        Ok(())
    } else {
        Err(format!("unexpected answer: {created}"))
    }
}
