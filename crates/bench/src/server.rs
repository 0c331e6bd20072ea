//! The server under test, run as a child process so that its memory is
//! measured apart from the load generator's.

use reqwest::StatusCode;
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

pub const ADMIN_EMAIL: &str = "admin@bench.test";
pub const ADMIN_PASSWORD: &str = "bench-password-1";
const JWT_SECRET: &str = "bench-secret-bench-secret-bench-secret";
/// Long enough for `serve --demo`, which writes the demo's history before it listens.
const READY_TIMEOUT: Duration = Duration::from_secs(180);
const READY_POLL: Duration = Duration::from_millis(100);
const RSS_SAMPLE: Duration = Duration::from_millis(100);

/// Runs `init`, which migrates the database and creates the admin to log in as.
pub async fn init(binary: &Path, database_url: &str) -> Result<(), String> {
    let output = Command::new(binary)
        .args(["init", "--database-url", database_url, "--org", "Bench"])
        .args([
            "--admin-email",
            ADMIN_EMAIL,
            "--admin-password",
            ADMIN_PASSWORD,
        ])
        .output()
        .await
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{} init` failed ({}): {}",
            binary.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

pub struct Server {
    child: Child,
    pid: u32,
    base_url: String,
}

impl Server {
    /// Spawns `serve` and waits until `/ready` answers 200.
    pub async fn start(binary: &Path, database_url: &str) -> Result<Self, String> {
        Self::start_with(binary, database_url, &[]).await
    }

    /// [`Server::start`] with more arguments to `serve`, such as `--demo`.
    pub async fn start_with(
        binary: &Path,
        database_url: &str,
        serve_args: &[&str],
    ) -> Result<Self, String> {
        let port = free_port().map_err(|e| format!("cannot find a free port: {e}"))?;
        let child = Command::new(binary)
            .args(["serve", "--database-url", database_url])
            .args(serve_args)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .env("COMPTOIR_JWT_SECRET", JWT_SECRET)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // An error path that returns early must not leave the server running.
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
        let pid = child.id().ok_or("server exited as soon as it started")?;
        let mut server = Self {
            child,
            pid,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        server.wait_ready().await?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(1))
            .build()
            .map_err(|e| format!("cannot build HTTP client: {e}"))?;
        let url = format!("{}/ready", self.base_url);
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().map_err(|e| e.to_string())? {
                return Err(format!("server exited ({status}) before becoming ready"));
            }
            if let Ok(response) = http.get(&url).send().await
                && response.status() == StatusCode::OK
            {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "{url} did not answer 200 within {} s",
                    READY_TIMEOUT.as_secs()
                ));
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn stop(mut self) -> Result<(), String> {
        self.child
            .kill()
            .await
            .map_err(|e| format!("cannot stop the server: {e}"))
    }
}

/// A port that was free a moment ago: the OS picks it, and the short race
/// until the server binds it is acceptable for a benchmark.
fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Resident set size of a process in KiB, as the kernel accounts it.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))?;
    line.trim().strip_suffix("kB")?.trim().parse().ok()
}

/// Tracks a process's peak RSS in the background, since a single reading at
/// the end of a phase would miss transient allocations.
pub struct RssSampler {
    pid: u32,
    peak: Arc<AtomicU64>,
    task: JoinHandle<()>,
}

impl RssSampler {
    pub fn start(pid: u32) -> Self {
        let peak = Arc::new(AtomicU64::new(0));
        let task = tokio::spawn(sample(pid, Arc::clone(&peak)));
        Self { pid, peak, task }
    }

    /// Stops sampling; returns the peak in KiB.
    pub fn stop(self) -> u64 {
        self.task.abort();
        // One last reading, so a phase shorter than the interval is covered too.
        if let Some(kib) = rss_kib(self.pid) {
            self.peak.fetch_max(kib, Ordering::Relaxed);
        }
        self.peak.load(Ordering::Relaxed)
    }
}

async fn sample(pid: u32, peak: Arc<AtomicU64>) {
    let mut ticks = tokio::time::interval(RSS_SAMPLE);
    loop {
        ticks.tick().await;
        if let Some(kib) = rss_kib(pid) {
            peak.fetch_max(kib, Ordering::Relaxed);
        }
    }
}
