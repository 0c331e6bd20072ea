//! The load itself: login, then the creation and list phases, each driven by
//! concurrent tokio tasks over one shared HTTP client, and the timed driver
//! the other scenarios' phases run on too.

use crate::server::{ADMIN_EMAIL, ADMIN_PASSWORD};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use uuid::Uuid;

pub const PAGE_SIZE: u32 = 50;

/// Unrecorded load before each measured run, to fill caches and pools.
pub const WARMUP: Duration = Duration::from_secs(2);
/// Generous, so only a hung server, not a slow one, turns into errors.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What one phase measured.
pub struct Run {
    /// Only successful requests are timed: a fast error would flatter the percentiles.
    pub latencies: Vec<Duration>,
    pub errors: u64,
    pub first_error: Option<String>,
    /// The wall time the throughput is computed over.
    pub elapsed: Duration,
}

/// Errors shared by all the tasks of a phase.
#[derive(Default)]
struct Failures {
    count: AtomicU64,
    first: OnceLock<String>,
}

impl Failures {
    fn record(&self, message: String) {
        self.count.fetch_add(1, Ordering::Relaxed);
        // Only the first is kept: the others are usually the same error again.
        let _ = self.first.set(message);
    }

    fn to_run(&self, latencies: Vec<Duration>, elapsed: Duration) -> Run {
        Run {
            latencies,
            errors: self.count.load(Ordering::Relaxed),
            first_error: self.first.get().cloned(),
            elapsed,
        }
    }
}

pub async fn login(base_url: &str) -> Result<String, String> {
    login_as(base_url, ADMIN_EMAIL, ADMIN_PASSWORD).await
}

/// An access token for `email`.
pub async fn login_as(base_url: &str, email: &str, password: &str) -> Result<String, String> {
    let url = format!("{base_url}/api/v1/auth/login");
    let body = json!({ "email": email, "password": password });
    let response = Client::new()
        .post(&url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let body = expect_status(response, StatusCode::OK, &url).await?;
    let tokens: Value =
        serde_json::from_slice(&body).map_err(|e| format!("POST {url}: invalid JSON: {e}"))?;
    tokens["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("POST {url}: no access_token in the response"))
}

/// A client that authenticates every request and keeps one idle connection
/// per task, so connections are reused rather than reopened.
pub fn client(token: &str, concurrency: usize) -> Result<Client, String> {
    let mut bearer = HeaderValue::from_str(&format!("Bearer {token}"))
        .map_err(|e| format!("unusable access token: {e}"))?;
    bearer.set_sensitive(true);
    Client::builder()
        .default_headers(HeaderMap::from_iter([(AUTHORIZATION, bearer)]))
        .pool_max_idle_per_host(concurrency)
        .timeout(REQUEST_TIMEOUT)
        .build()
        .map_err(|e| format!("cannot build HTTP client: {e}"))
}

/// What one task of a timed phase sends, over and over. Each task owns its
/// requester, so it can keep state of its own, such as whether its first
/// answer was checked.
pub trait Requester: Send + 'static {
    fn send(&mut self) -> impl Future<Output = Result<(), String>> + Send;
}

/// Runs one task per requester, each sending one request after another:
/// nothing is recorded during the warm-up, then everything for the measured
/// duration. A request still in flight at the end is waited for and counted,
/// and the throughput's wall time covers it.
pub async fn timed<R: Requester>(requesters: Vec<R>, warmup: Duration, measured: Duration) -> Run {
    let failures = Arc::new(Failures::default());
    let record_from = Instant::now() + warmup;
    let stop_at = record_from + measured;
    let mut workers = JoinSet::new();
    for mut requester in requesters {
        let failures = Arc::clone(&failures);
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let sent = Instant::now();
                if sent >= stop_at {
                    return latencies;
                }
                match requester.send().await {
                    Ok(()) if sent >= record_from => latencies.push(sent.elapsed()),
                    Ok(()) => {}
                    Err(message) => failures.record(message),
                }
            }
        });
    }
    let latencies = join_all(workers, &failures).await;
    let elapsed = record_from.elapsed();
    failures.to_run(latencies, elapsed)
}

/// Creates products 1 to `products`, `concurrency` requests at a time.
pub async fn create_products(
    http: &Client,
    base_url: &str,
    products: u32,
    concurrency: usize,
) -> Run {
    let url: Arc<str> = format!("{base_url}/api/v1/products").into();
    // A shared counter rather than fixed slices, so a slow task does not hold
    // back the end of the phase while the others sit idle.
    let next = Arc::new(AtomicU32::new(1));
    let failures = Arc::new(Failures::default());
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let (http, url, next, failures) = (
            http.clone(),
            Arc::clone(&url),
            Arc::clone(&next),
            Arc::clone(&failures),
        );
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let number = next.fetch_add(1, Ordering::Relaxed);
                if number > products {
                    return latencies;
                }
                let sent = Instant::now();
                match create_product(&http, &url, number).await {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(message) => failures.record(message),
                }
            }
        });
    }
    let latencies = join_all(workers, &failures).await;
    let elapsed = started.elapsed();
    failures.to_run(latencies, elapsed)
}

async fn create_product(http: &Client, url: &str, number: u32) -> Result<(), String> {
    let body = json!({
        "code": format!("B-{number:06}"),
        "name": format!("Bench product {number}"),
        "sale_price": "12.50",
        "purchase_price": "7.20",
        "vat_rate": "20.00",
        "kind": "goods",
        "unit": "unit",
        "description": format!("benchmark product number {number}"),
    });
    let response = http
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    expect_status(response, StatusCode::CREATED, url)
        .await
        .map(drop)
}

/// POSTs an empty body to each of `urls`, `concurrency` at a time, each
/// expected to answer `expected`; the wall time runs from the first to
/// the last answer.
pub async fn post_each(
    http: &Client,
    urls: Vec<String>,
    concurrency: usize,
    expected: StatusCode,
) -> Run {
    let urls: Arc<[String]> = urls.into();
    let next = Arc::new(AtomicU32::new(0));
    let failures = Arc::new(Failures::default());
    let started = Instant::now();
    let mut workers = JoinSet::new();
    for _ in 0..concurrency {
        let (http, urls, next, failures) = (
            http.clone(),
            Arc::clone(&urls),
            Arc::clone(&next),
            Arc::clone(&failures),
        );
        workers.spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed) as usize;
                let Some(url) = urls.get(index) else {
                    return latencies;
                };
                let sent = Instant::now();
                let outcome = match http.post(url).json(&json!({})).send().await {
                    Ok(response) => expect_status(response, expected, url).await.map(drop),
                    Err(e) => Err(format!("POST {url}: {e}")),
                };
                match outcome {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(message) => failures.record(message),
                }
            }
        });
    }
    let latencies = join_all(workers, &failures).await;
    let elapsed = started.elapsed();
    failures.to_run(latencies, elapsed)
}

/// How the list phase runs.
#[derive(Clone, Copy)]
pub struct ListPlan {
    pub products: u32,
    /// Pages 1 to `pages` are asked for in turn.
    pub pages: u32,
    pub concurrency: usize,
    pub warmup: Duration,
    pub measured: Duration,
}

/// Pages through the products from `concurrency` tasks: nothing is recorded
/// during the warm-up, then everything for the measured duration.
pub async fn list_products(http: &Client, base_url: &str, plan: ListPlan) -> Run {
    let base_url: Arc<str> = base_url.into();
    let pages = plan.pages;
    let readers = (0..plan.concurrency)
        .map(|task| PageReader {
            http: http.clone(),
            base_url: Arc::clone(&base_url),
            // Different starting pages, so tasks do not all ask for the same rows.
            page: (task as u32) % pages + 1,
            pages,
            expected_total: Some(plan.products),
        })
        .collect();
    timed(readers, plan.warmup, plan.measured).await
}

/// One list task: walks the pages in turn, checking only its first answer.
struct PageReader {
    http: Client,
    base_url: Arc<str>,
    page: u32,
    pages: u32,
    expected_total: Option<u32>,
}

impl Requester for PageReader {
    async fn send(&mut self) -> Result<(), String> {
        let expected_total = self.expected_total.take();
        let result = list_page(&self.http, &self.base_url, self.page, expected_total).await;
        self.page = self.page % self.pages + 1;
        result
    }
}

/// Fetches one page; checks its content only when `expected_total` is given,
/// since parsing every page would load the client more than the server.
async fn list_page(
    http: &Client,
    base_url: &str,
    page: u32,
    expected_total: Option<u32>,
) -> Result<(), String> {
    let url = format!("{base_url}/api/v1/products?page_size={PAGE_SIZE}&page={page}");
    let response = http
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    let body = expect_status(response, StatusCode::OK, &url).await?;
    match expected_total {
        Some(total) => check_page(&body, total).map_err(|e| format!("GET {url}: {e}")),
        None => Ok(()),
    }
}

fn check_page(body: &[u8], expected_total: u32) -> Result<(), String> {
    let page: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let items = page["items"].as_array().map_or(0, Vec::len);
    let total = page["total"].as_u64();
    if items == PAGE_SIZE as usize && total == Some(u64::from(expected_total)) {
        Ok(())
    } else {
        Err(format!(
            "expected {PAGE_SIZE} items and total {expected_total}, got {items} items and total {total:?}"
        ))
    }
}

/// POSTs `body` as set-up, not load: expects 201 and returns the created
/// resource.
pub async fn create(http: &Client, url: &str, body: &Value) -> Result<Value, String> {
    let response = http
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| format!("POST {url}: {e}"))?;
    let body = expect_status(response, StatusCode::CREATED, url).await?;
    serde_json::from_slice(&body).map_err(|e| format!("POST {url}: invalid JSON: {e}"))
}

/// Reads the whole body, so a request's latency covers the full response,
/// and turns an unexpected status into an error that carries the body.
pub async fn expect_status(
    response: Response,
    expected: StatusCode,
    url: &str,
) -> Result<Vec<u8>, String> {
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("{url}: reading the body: {e}"))?;
    if status == expected {
        Ok(body.into())
    } else {
        Err(format!(
            "{url}: expected {expected}, got {status}: {}",
            String::from_utf8_lossy(&body)
        ))
    }
}

async fn join_all(mut workers: JoinSet<Vec<Duration>>, failures: &Failures) -> Vec<Duration> {
    let mut latencies = Vec::new();
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(task_latencies) => latencies.extend(task_latencies),
            Err(error) => failures.record(format!("load task failed: {error}")),
        }
    }
    latencies
}

/// Creates a stocked product through the API; returns its id.
pub async fn create_stocked_product(
    http: &Client,
    base_url: &str,
    code: &str,
    name: &str,
) -> Result<Uuid, String> {
    let body = json!({ "code": code, "name": name, "sale_price": "10.00" });
    let product = create(http, &format!("{base_url}/api/v1/products"), &body).await?;
    uuid_field(&product, "id")
}

pub fn uuid_field(value: &Value, field: &str) -> Result<Uuid, String> {
    value[field]
        .as_str()
        .and_then(|text| Uuid::parse_str(text).ok())
        .ok_or_else(|| format!("no UUID `{field}` in {value}"))
}
