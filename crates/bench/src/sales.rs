//! The sales scenario, on PostgreSQL only: order confirmations, each
//! reserving 5 goods lines on 5 of 10 000 stocked products, beside pgbench
//! running the house's 5-line order transaction straight on the database;
//! then invoice issues, each taking the next number of one gapless series.
//! With `--sales-issues-only`, only the invoice issues: no products, no
//! orders, no pgbench, so that servers of different versions can be
//! compared on what issuing costs (`--server-binary`).
//!
//! The organization is given its legal identity first (VAT number,
//! SIREN, address), which issuing an invoice asks for. The orders and
//! invoices are drafted before each timed phase (not measured), then
//! confirmed or issued all at once from the given number of clients; the
//! figure is what was done over the wall time.

use crate::ceiling::{Ceiling, Script};
use crate::database::Database;
use crate::load;
use crate::load::create_stocked_product;
use crate::report::Phase;
use crate::server::{self, RssSampler, Server};
use crate::stats::ms;
use crate::stock_report::print_run;
use crate::{Backend, Cli};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;
use tokio::task::JoinSet;

/// Products the orders draw their lines from, as in the house script.
const PRODUCTS: u32 = 10_000;
/// Received for each product before the load: more than the orders take.
const RECEIVED: &str = "100000";
/// Tasks drafting orders and invoices and seeding the catalog.
const SETUP_CLIENTS: usize = 32;

/// One client count's figures.
struct SalesLevel {
    clients: u32,
    /// None when only the issues ran.
    orders: Option<Orders>,
    issues: Phase,
}

/// The order confirmations of one client count, and pgbench's ceiling.
struct Orders {
    confirmations: Phase,
    ceiling_tps: f64,
}

pub async fn run(cli: &Cli) -> Vec<String> {
    let mut levels = Vec::new();
    let outcome = on_scratch_databases(cli, &mut levels).await;
    print_table(&levels);
    let mut failures: Vec<String> = levels
        .iter()
        .flat_map(|level| {
            [
                level
                    .orders
                    .as_ref()
                    .and_then(|orders| orders.confirmations.failure("confirmation")),
                level.issues.failure("invoice issue"),
            ]
        })
        .flatten()
        .map(|failure| format!("sales, {failure}"))
        .collect();
    failures.extend(outcome.err().map(|message| format!("sales: {message}")));
    failures
}

async fn on_scratch_databases(cli: &Cli, levels: &mut Vec<SalesLevel>) -> Result<(), String> {
    let database = Database::create(Backend::Postgres, &cli.postgres_url).await?;
    let outcome = if cli.sales_issues_only {
        measure(cli, database.url(), None, levels).await
    } else {
        with_ceiling(cli, database.url(), levels).await
    };
    if let Err(message) = database.remove().await {
        eprintln!("warning: postgres: {message}");
    }
    outcome
}

async fn with_ceiling(
    cli: &Cli,
    database_url: &str,
    levels: &mut Vec<SalesLevel>,
) -> Result<(), String> {
    match Ceiling::create(&cli.postgres_url).await {
        Ok(ceiling) => {
            let outcome = measure(cli, database_url, Some(&ceiling), levels).await;
            if let Err(message) = ceiling.remove().await {
                eprintln!("warning: ceiling: {message}");
            }
            outcome
        }
        Err(message) => Err(message),
    }
}

async fn measure(
    cli: &Cli,
    database_url: &str,
    ceiling: Option<&Ceiling>,
    levels: &mut Vec<SalesLevel>,
) -> Result<(), String> {
    server::init(&cli.server_binary, database_url).await?;
    let server = Server::start(&cli.server_binary, database_url)
        .await
        .map_err(|e| format!("server failed to start: {e}"))?;
    let base_url = server.base_url().to_owned();
    let client_id = seed_client(&base_url).await?;
    let products = match ceiling {
        Some(_) => {
            println!("seeding {PRODUCTS} stocked products");
            seed_products(&base_url).await?
        }
        None => Vec::new(),
    };
    for &clients in &cli.sales_clients {
        // Tokens last 15 minutes: a fresh one per level.
        let token = load::login(&base_url).await?;
        let setup = load::client(&token, SETUP_CLIENTS)?;
        let http = load::client(&token, clients as usize)?;
        let orders = match ceiling {
            Some(ceiling) => {
                let drafted = draft_orders(
                    &setup,
                    &base_url,
                    &products,
                    &client_id,
                    cli.sales_documents,
                )
                .await?;
                let confirmations = timed_posts(&server, &http, drafted, clients).await;
                print_run(&format!("confirmations, {clients} clients"), &confirmations);
                let ceiling_tps = ceiling.tps(Script::Order, clients, cli.seconds).await?;
                println!("pgbench order, {clients} clients: {ceiling_tps:.1} tps");
                Some(Orders {
                    confirmations,
                    ceiling_tps,
                })
            }
            None => None,
        };
        let invoices = draft_invoices(&setup, &base_url, &client_id, cli.sales_documents).await?;
        let issues = timed_posts(&server, &http, invoices, clients).await;
        print_run(&format!("invoice issues, {clients} clients"), &issues);
        levels.push(SalesLevel {
            clients,
            orders,
            issues,
        });
    }
    server.stop().await
}

/// Confirms or issues every document of `urls` from `clients` tasks.
async fn timed_posts(server: &Server, http: &Client, urls: Vec<String>, clients: u32) -> Phase {
    let sampler = RssSampler::start(server.pid());
    let run = load::post_each(http, urls, clients as usize, StatusCode::OK).await;
    Phase::new(run, sampler.stop())
}

/// Gives the organization its legal identity and creates the client the
/// documents are for; returns the client's id.
async fn seed_client(base_url: &str) -> Result<String, String> {
    let token = load::login(base_url).await?;
    let http = load::client(&token, 1)?;
    let url = format!("{base_url}/api/v1/settings/organization");
    let identity = json!({
        "name": "Bench", "time_zone": "Europe/Paris",
        "legal_name": "Banc d'essai SARL", "legal_form": "SARL",
        "address_line1": "18 rue des Artisans", "postal_code": "44000", "city": "Nantes",
        "country": "FR", "siren": "303265045", "vat_number": "FR40303265045",
    });
    let response = http
        .put(&url)
        .json(&identity)
        .send()
        .await
        .map_err(|e| format!("PUT {url}: {e}"))?;
    load::expect_status(response, StatusCode::OK, &url).await?;
    let client = load::create(
        &http,
        &format!("{base_url}/api/v1/clients"),
        &json!({ "name": "Client du banc d'essai" }),
    )
    .await?;
    text(&client, "id")
}

/// Creates the warehouse and the products with their stock; returns the
/// product ids.
async fn seed_products(base_url: &str) -> Result<Vec<String>, String> {
    let token = load::login(base_url).await?;
    let http = load::client(&token, SETUP_CLIENTS)?;
    let warehouse = load::create(
        &http,
        &format!("{base_url}/api/v1/warehouses"),
        &json!({ "code": "VENTES", "name": "Ventes" }),
    )
    .await?;
    let location = text(&warehouse, "default_location_id")?;
    in_parallel((0..PRODUCTS).collect(), |number| {
        let (http, base_url, location) = (http.clone(), base_url.to_owned(), location.clone());
        async move {
            let code = format!("S-{number:05}");
            let id = create_stocked_product(&http, &base_url, &code, &format!("Article {number}"))
                .await?
                .to_string();
            let receipt = json!({
                "type": "receipt", "product_id": id, "quantity": RECEIVED, "to_location_id": location,
            });
            load::create(&http, &format!("{base_url}/api/v1/stock/movements"), &receipt).await?;
            Ok(id)
        }
    })
    .await
}

/// Drafts `count` orders of 5 distinct products each, drawn with a fixed
/// seed; returns their confirmation URLs.
async fn draft_orders(
    http: &Client,
    base_url: &str,
    products: &[String],
    client_id: &str,
    count: u32,
) -> Result<Vec<String>, String> {
    let products: Arc<[String]> = products.into();
    in_parallel((0..count).collect(), |n| {
        let (http, base_url, products) = (http.clone(), base_url.to_owned(), Arc::clone(&products));
        let client_id = client_id.to_owned();
        async move {
            let mut draw = Draw(u64::from(n) * 2_654_435_761 + 1);
            let mut picked: Vec<usize> = Vec::new();
            while picked.len() < 5 {
                let index = draw.below(products.len());
                if !picked.contains(&index) {
                    picked.push(index);
                }
            }
            let lines: Vec<Value> = picked
                .iter()
                .map(|&index| {
                    json!({ "product_id": products[index], "quantity": (draw.below(5) + 1).to_string() })
                })
                .collect();
            let order = load::create(
                &http,
                &format!("{base_url}/api/v1/orders"),
                &json!({ "client_id": client_id, "lines": lines }),
            )
            .await?;
            Ok(format!("{base_url}/api/v1/orders/{}/confirm", text(&order, "id")?))
        }
    })
    .await
}

/// Drafts `count` one-line invoices; returns their issue URLs.
async fn draft_invoices(
    http: &Client,
    base_url: &str,
    client_id: &str,
    count: u32,
) -> Result<Vec<String>, String> {
    in_parallel((0..count).collect(), |n| {
        let (http, base_url, client_id) = (http.clone(), base_url.to_owned(), client_id.to_owned());
        async move {
            let body = json!({ "client_id": client_id, "lines": [{
                "description": format!("Prestation {n}"), "quantity": "1", "unit_price": "120", "vat_rate": "20",
            }] });
            let invoice =
                load::create(&http, &format!("{base_url}/api/v1/invoices"), &body).await?;
            Ok(format!("{base_url}/api/v1/invoices/{}/issue", text(&invoice, "id")?))
        }
    })
    .await
}

/// Runs `make(item)` for every item, `SETUP_CLIENTS` at a time; returns
/// the results in the items' order, or the first error.
async fn in_parallel<T, F, Fut>(items: Vec<u32>, make: F) -> Result<Vec<T>, String>
where
    T: Send + 'static,
    F: Fn(u32) -> Fut,
    Fut: Future<Output = Result<T, String>> + Send + 'static,
{
    let mut results: Vec<Option<T>> = (0..items.len()).map(|_| None).collect();
    let mut running = JoinSet::new();
    for (position, item) in items.into_iter().enumerate() {
        if running.len() >= SETUP_CLIENTS
            && let Some(done) = running.join_next().await
        {
            let (at, result) = done.map_err(|e| format!("set-up task failed: {e}"))?;
            results[at] = Some(result?);
        }
        let future = make(item);
        running.spawn(async move { (position, future.await) });
    }
    while let Some(done) = running.join_next().await {
        let (at, result) = done.map_err(|e| format!("set-up task failed: {e}"))?;
        results[at] = Some(result?);
    }
    Ok(results.into_iter().flatten().collect())
}

fn text(value: &Value, field: &str) -> Result<String, String> {
    value[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no `{field}` in {value}"))
}

/// A small deterministic generator (xorshift), so every run drafts the
/// same orders.
struct Draw(u64);

impl Draw {
    fn below(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

fn print_table(levels: &[SalesLevel]) {
    if levels.is_empty() {
        return;
    }
    println!();
    println!(
        "Sales (PostgreSQL): 5-line order confirmations beside pgbench's 5-line order, and one-line invoice issues:"
    );
    println!(
        "| clients | confirmations/s | pgbench order tps | ratio % | confirm p99 ms | invoice issues/s | issue p50 ms | issue p99 ms |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for level in levels {
        let orders = level.orders.as_ref().map_or_else(
            || "– | – | – | –".to_owned(),
            |orders| {
                let rate = orders.confirmations.throughput();
                format!(
                    "{rate:.1} | {:.1} | {:.1} | {}",
                    orders.ceiling_tps,
                    rate / orders.ceiling_tps * 100.0,
                    ms(orders.confirmations.stats.percentile(99.0)),
                )
            },
        );
        println!(
            "| {} | {orders} | {:.1} | {} | {} |",
            level.clients,
            level.issues.throughput(),
            ms(level.issues.stats.percentile(50.0)),
            ms(level.issues.stats.percentile(99.0)),
        );
    }
}
