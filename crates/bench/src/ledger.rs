//! The movement ledger of a long-lived database: a product's history read
//! from a million movements, first page, as its stock screen opens.
//!
//! The movements are seeded straight into the database, since recording a
//! million through the API would take far longer than the measurement.
//! Only receipts, with a level per product equal to their sum, so the
//! database stays as consistent as the server would have left it.

use crate::Cli;
use crate::database::psql;
use crate::load::{self, PAGE_SIZE, Requester, WARMUP, create_stocked_product};
use crate::report::Phase;
use crate::server::{RssSampler, Server};
use crate::stock_report::{self, LedgerRun, PRODUCTS};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// The `variant_key` of a product without variants.
const NO_VARIANT: &str = "00000000-0000-0000-0000-000000000000";

/// Creates the products, seeds the ledger, then reads it at each connection
/// count; each run is added to `runs` as it ends.
pub async fn measure(
    cli: &Cli,
    server: &Server,
    database_url: &str,
    location_id: Uuid,
    runs: &mut Vec<LedgerRun>,
) -> Result<(), String> {
    let products = create_products(server.base_url()).await?;
    println!(
        "seeding {} movements over {PRODUCTS} products",
        cli.ledger_movements
    );
    seed(database_url, &products, location_id, cli.ledger_movements).await?;
    let products: Arc<[Uuid]> = products.into();
    for &connections in &cli.ledger_connections {
        // Seeding takes a while: a fresh token per run, as for the levels.
        let token = load::login(server.base_url()).await?;
        let http = load::client(&token, connections as usize)?;
        let base_url: Arc<str> = server.base_url().into();
        let readers = (0..connections)
            .map(|_| HistoryReader {
                http: http.clone(),
                base_url: Arc::clone(&base_url),
                products: Arc::clone(&products),
                checked: false,
            })
            .collect();
        let sampler = RssSampler::start(server.pid());
        let run = load::timed(readers, WARMUP, Duration::from_secs(cli.seconds)).await;
        let reads = Phase::new(run, sampler.stop());
        stock_report::print_run(&format!("ledger, {connections} connections"), &reads);
        runs.push(LedgerRun { connections, reads });
    }
    Ok(())
}

/// Real products, through the API, for the movements to refer to.
async fn create_products(base_url: &str) -> Result<Vec<Uuid>, String> {
    let token = load::login(base_url).await?;
    let http = load::client(&token, 1)?;
    let mut products = Vec::new();
    for number in 1..=PRODUCTS {
        let code = format!("L-{number:03}");
        let name = format!("Ledger product {number}");
        products.push(create_stocked_product(&http, base_url, &code, &name).await?);
    }
    Ok(products)
}

/// Inserts `movements` receipts round-robin over `products` into
/// `location_id`, dated over the last year, and the matching levels, in one
/// transaction.
async fn seed(
    database_url: &str,
    products: &[Uuid],
    location_id: Uuid,
    movements: u32,
) -> Result<(), String> {
    let ids = products
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let ids = format!("'{{{ids}}}'::uuid[]");
    let count = products.len();
    // Quantities from 1 to 7 units, stored in ten-thousandths. The select
    // list's literals need their casts: INSERT ... SELECT would take them as text.
    let sql = format!(
        "INSERT INTO stock_movements (id, organization_id, movement_type, product_id, \
             variant_key, quantity, to_location_id, created_at) \
         SELECT gen_random_uuid(), o.id, 'receipt', ({ids})[1 + g % {count}], \
             '{NO_VARIANT}'::uuid, 10000 * (1 + g % 7), '{location_id}'::uuid, \
             now() - random() * interval '365 days' \
         FROM generate_series(0, {last}) AS g, (SELECT id FROM organizations LIMIT 1) AS o; \
         INSERT INTO stock_levels (id, organization_id, location_id, product_id, variant_key, \
             physical, reserved, updated_at) \
         SELECT gen_random_uuid(), organization_id, to_location_id, product_id, variant_key, \
             sum(quantity)::bigint, 0, now() \
         FROM stock_movements WHERE product_id = ANY({ids}) \
         GROUP BY organization_id, to_location_id, product_id, variant_key;",
        last = movements - 1,
    );
    psql(database_url, &sql).await?;
    // VACUUM as well as ANALYZE, as autovacuum would have left a long-lived
    // ledger; otherwise it starts on this one in the middle of the measurement.
    psql(database_url, "VACUUM (ANALYZE) stock_movements").await
}

/// One connection reading the first page of a random product's history,
/// one request after another.
struct HistoryReader {
    http: Client,
    base_url: Arc<str>,
    products: Arc<[Uuid]>,
    /// Only the first answer is parsed: parsing every one would load the
    /// client more than the server.
    checked: bool,
}

impl Requester for HistoryReader {
    async fn send(&mut self) -> Result<(), String> {
        // A v4 UUID's bits are random: a random product with no generator to keep.
        let index = (Uuid::new_v4().as_u128() % self.products.len() as u128) as usize;
        let url = format!(
            "{}/api/v1/stock/movements?product_id={}&page_size={PAGE_SIZE}&page=1",
            self.base_url, self.products[index]
        );
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        let body = load::expect_status(response, StatusCode::OK, &url).await?;
        if self.checked {
            return Ok(());
        }
        self.checked = true;
        check_history(&body).map_err(|e| format!("GET {url}: {e}"))
    }
}

fn check_history(body: &[u8]) -> Result<(), String> {
    let page: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = page["items"].as_array().map_or(0, Vec::len) as u64;
    let total = page["total"].as_u64().unwrap_or(0);
    if total > 0 && items == total.min(u64::from(PAGE_SIZE)) {
        Ok(())
    } else {
        Err(format!(
            "expected a history and its first page, got {items} items and total {total}"
        ))
    }
}
