//! The web pages under load, on PostgreSQL: the demo's data plus ten
//! thousand products and a hundred thousand invoices (`pages_seed`), then
//! 16 signed-in browsers reading the dashboard, the invoice list and
//! invoice pages, one page kind per run; the dashboard's figures through
//! the API (`GET /api/v1/dashboard/kpis`, over a million invoice lines);
//! and the JavaScript and CSS a browser downloads, compressed.

use crate::database::Database;
use crate::load::{self, Requester};
use crate::pages_seed::{self, DEMO_ADMIN, DEMO_PASSWORD, INVOICES, LINES_PER_INVOICE, PRODUCTS};
use crate::report::{Phase, mib};
use crate::server::{RssSampler, Server};
use crate::stats::ms;
use crate::{Backend, Cli};
use reqwest::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, COOKIE, HeaderMap, HeaderValue, SET_COOKIE,
};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// A run of the same page by every reader.
struct PageRun {
    label: &'static str,
    users: u32,
    phase: Phase,
}

/// Runs the scenario on a database of its own; returns what failed.
pub async fn run(cli: &Cli) -> Vec<String> {
    let database = match Database::create(Backend::Postgres, &cli.postgres_url).await {
        Ok(database) => database,
        Err(message) => return vec![format!("postgres: {message}")],
    };
    let outcome = measure(cli, database.url()).await;
    if let Err(message) = database.remove().await {
        eprintln!("warning: postgres: {message}");
    }
    match outcome {
        Ok(failures) => failures,
        Err(message) => vec![format!("postgres: {message}")],
    }
}

async fn measure(cli: &Cli, database_url: &str) -> Result<Vec<String>, String> {
    println!("starting the server with the demo's data");
    let server = Server::start_with(&cli.server_binary, database_url, &["--demo"])
        .await
        .map_err(|e| format!("server failed to start: {e}"))?;
    println!("seeding {PRODUCTS} products and {INVOICES} invoices of {LINES_PER_INVOICE} lines");
    pages_seed::seed(database_url).await?;
    let base_url = server.base_url();
    let cookie = web_login(base_url).await?;
    let token = load::login_as(base_url, DEMO_ADMIN, DEMO_PASSWORD).await?;
    let invoices = seeded_invoices(base_url, &token).await?;
    let asset_bytes = shipped_assets(base_url, &cookie).await?;

    let mut runs = Vec::new();
    let measured = Duration::from_secs(cli.seconds);
    let pages: [(&'static str, Vec<String>, &'static str); 3] = [
        ("dashboard `/`", vec!["/".into()], "<svg"),
        (
            "invoice list `/invoices`",
            vec!["/invoices".into()],
            "<table",
        ),
        (
            "invoice page `/invoices/{id}`",
            invoices
                .iter()
                .map(|id| format!("/invoices/{id}"))
                .collect(),
            "<table",
        ),
    ];
    for (label, paths, marker) in pages {
        let http = session_client(&cookie, cli.page_users as usize)?;
        let run = read(
            &server,
            &http,
            label,
            cli.page_users,
            paths,
            marker,
            measured,
        )
        .await;
        runs.push(run);
    }
    // The API's figures, one request at a time: what one dashboard costs.
    let http = load::client(&token, 1)?;
    let api: [(&'static str, &str, &'static str); 2] = [
        (
            "kpis API `/api/v1/dashboard/kpis`",
            "/api/v1/dashboard/kpis",
            "revenue",
        ),
        (
            "top products API (sums invoice lines)",
            "/api/v1/dashboard/series?metric=top_products",
            "points",
        ),
    ];
    for (label, path, marker) in api {
        runs.push(
            read(
                &server,
                &http,
                label,
                1,
                vec![path.to_owned()],
                marker,
                measured,
            )
            .await,
        );
    }
    server.stop().await?;

    print_table(&runs, asset_bytes);
    Ok(runs
        .iter()
        .filter(|run| run.phase.errors > 0)
        .map(|run| {
            format!(
                "{}: {} failed requests, first: {}",
                run.label,
                run.phase.errors,
                run.phase.first_error.as_deref().unwrap_or_default()
            )
        })
        .collect())
}

/// `users` readers of `paths` (one at random per request) for the
/// measured time, after the warm-up.
async fn read(
    server: &Server,
    http: &Client,
    label: &'static str,
    users: u32,
    paths: Vec<String>,
    marker: &'static str,
    measured: Duration,
) -> PageRun {
    let paths: Arc<[String]> = paths.into();
    let readers = (0..users)
        .map(|_| PageReader {
            http: http.clone(),
            base_url: server.base_url().to_owned(),
            paths: Arc::clone(&paths),
            marker,
            checked: false,
        })
        .collect();
    let sampler = RssSampler::start(server.pid());
    let run = load::timed(readers, load::WARMUP, measured).await;
    let run = PageRun {
        label,
        users,
        phase: Phase::new(run, sampler.stop()),
    };
    println!(
        "{label}, {users} users: {} requests, p50 {} ms, p99 {} ms, {} errors",
        run.phase.stats.count(),
        ms(run.phase.stats.percentile(50.0)),
        ms(run.phase.stats.percentile(99.0)),
        run.phase.errors
    );
    run
}

/// Signs in through the login form as a browser does; returns the
/// session's `Cookie` header value.
async fn web_login(base_url: &str) -> Result<String, String> {
    let http = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))?;
    let url = format!("{base_url}/login");
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let login_cookie = cookie_named(response.headers(), "comptoir_login")
        .ok_or_else(|| format!("GET {url}: no login cookie"))?;
    let page = load::expect_status(response, StatusCode::OK, &url).await?;
    let page = String::from_utf8_lossy(&page);
    let csrf = hidden_value(&page, "_csrf").ok_or_else(|| format!("GET {url}: no _csrf field"))?;
    let response = http
        .post(&url)
        .header(COOKIE, &login_cookie)
        .form(&[
            ("email", DEMO_ADMIN),
            ("password", DEMO_PASSWORD),
            ("_csrf", &csrf),
            ("next", "/"),
            ("lang", ""),
        ])
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    if !response.status().is_redirection() {
        return Err(format!(
            "POST {url}: expected a redirect, got {}",
            response.status()
        ));
    }
    cookie_named(response.headers(), "comptoir_session")
        .ok_or_else(|| format!("POST {url}: no session cookie"))
}

/// `name=value` of the cookie `name` a response sets.
fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|text| text.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn hidden_value(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker)? + marker.len();
    page[start..].split('"').next().map(str::to_owned)
}

/// A client whose every request carries the session cookie.
fn session_client(cookie: &str, concurrency: usize) -> Result<Client, String> {
    let mut value =
        HeaderValue::from_str(cookie).map_err(|e| format!("unusable session cookie: {e}"))?;
    value.set_sensitive(true);
    Client::builder()
        .default_headers(HeaderMap::from_iter([(COOKIE, value)]))
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))
}

/// A hundred of the seeded invoices, to open at random.
async fn seeded_invoices(base_url: &str, token: &str) -> Result<Vec<String>, String> {
    let http = load::client(token, 1)?;
    let url = format!(
        "{base_url}/api/v1/invoices?q={}&page_size=100",
        pages_seed::NUMBER_PREFIX
    );
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let body = load::expect_status(response, StatusCode::OK, &url).await?;
    let page: Value = serde_json::from_slice(&body).map_err(|e| format!("GET {url}: {e}"))?;
    let ids: Vec<String> = page["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item["id"].as_str().map(str::to_owned))
        .collect();
    if ids.is_empty() {
        return Err(format!("GET {url}: no seeded invoice listed"));
    }
    Ok(ids)
}

/// The compressed bytes of every script and style sheet the dashboard
/// links, as a browser receives them.
async fn shipped_assets(base_url: &str, cookie: &str) -> Result<u64, String> {
    let http = session_client(cookie, 1)?;
    let url = format!("{base_url}/");
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let page = load::expect_status(response, StatusCode::OK, &url).await?;
    let page = String::from_utf8_lossy(&page);
    let mut total = 0;
    for path in page.split('"').filter(|part| part.starts_with("/assets/")) {
        let url = format!("{base_url}{path}");
        let response = http
            .get(&url)
            .header(ACCEPT_ENCODING, "gzip")
            .send()
            .await
            .map_err(|e| format!("GET {url}: {e}"))?;
        if response
            .headers()
            .get(CONTENT_ENCODING)
            .is_none_or(|v| v != "gzip")
        {
            return Err(format!("GET {url}: not served compressed"));
        }
        let body = load::expect_status(response, StatusCode::OK, &url).await?;
        println!("  {path}: {} bytes compressed", body.len());
        total += body.len() as u64;
    }
    Ok(total)
}

/// One browser reading a page after another; only the first answer is
/// checked, as checking each would load the client more than the server.
struct PageReader {
    http: Client,
    base_url: String,
    paths: Arc<[String]>,
    marker: &'static str,
    checked: bool,
}

impl Requester for PageReader {
    async fn send(&mut self) -> Result<(), String> {
        // A v4 UUID's bits are random: a random page with no generator to keep.
        let index = (uuid::Uuid::new_v4().as_u128() % self.paths.len() as u128) as usize;
        let url = format!("{}{}", self.base_url, self.paths[index]);
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
        if String::from_utf8_lossy(&body).contains(self.marker) {
            Ok(())
        } else {
            Err(format!("GET {url}: the answer lacks {}", self.marker))
        }
    }
}

fn print_table(runs: &[PageRun], asset_bytes: u64) {
    println!();
    println!(
        "Pages (PostgreSQL, demo + {PRODUCTS} products + {INVOICES} invoices of \
         {LINES_PER_INVOICE} lines):"
    );
    println!();
    println!("| what | users | requests/s | p50 ms | p99 ms | max ms | peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for run in runs {
        let phase = &run.phase;
        println!(
            "| {} | {} | {:.0} | {} | {} | {} | {} |",
            run.label,
            run.users,
            phase.throughput(),
            ms(phase.stats.percentile(50.0)),
            ms(phase.stats.percentile(99.0)),
            ms(phase.stats.max()),
            mib(phase.peak_rss_kib)
        );
    }
    println!();
    println!(
        "JavaScript + CSS shipped, gzip: {asset_bytes} bytes ({:.1} KiB)",
        asset_bytes as f64 / 1024.0
    );
}
