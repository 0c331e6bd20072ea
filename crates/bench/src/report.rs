//! Turning measurements into the per-backend report and the summary table.

use crate::Backend;
use crate::load::Run;
use crate::stats::{Stats, ms};
use std::time::Duration;

/// One phase's measurements, with the server's peak memory during it.
pub struct Phase {
    pub stats: Stats,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    pub peak_rss_kib: u64,
}

impl Phase {
    pub fn new(run: Run, peak_rss_kib: u64) -> Self {
        Self {
            stats: Stats::new(run.latencies),
            errors: run.errors,
            first_error: run.first_error,
            elapsed: run.elapsed,
            peak_rss_kib,
        }
    }

    /// Successful requests per second of wall time.
    pub fn throughput(&self) -> f64 {
        self.stats.count() as f64 / self.elapsed.as_secs_f64()
    }

    pub fn failure(&self, name: &str) -> Option<String> {
        (self.errors > 0).then(|| {
            format!(
                "{name} phase had {} errors; first: {}",
                self.errors,
                self.first_error.as_deref().unwrap_or("unknown")
            )
        })
    }
}

pub struct BackendReport {
    pub backend: Backend,
    pub idle_rss_kib: u64,
    pub create: Phase,
    pub list: Phase,
}

impl BackendReport {
    pub fn print(&self) {
        let (create, list) = (&self.create, &self.list);
        println!("== {} ==", self.backend);
        println!("idle RSS: {} MiB", mib(self.idle_rss_kib));
        println!(
            "create: {} products in {:.2} s = {:.1}/s; latency ms p50 {} p99 {} max {}; \
             errors {}; peak RSS {} MiB",
            create.stats.count(),
            create.elapsed.as_secs_f64(),
            create.throughput(),
            ms(create.stats.percentile(50.0)),
            ms(create.stats.percentile(99.0)),
            ms(create.stats.max()),
            create.errors,
            mib(create.peak_rss_kib),
        );
        println!(
            "list: {} requests in {:.2} s = {:.1}/s; latency ms p50 {} p90 {} p99 {} max {}; \
             errors {}; peak RSS {} MiB",
            list.stats.count(),
            list.elapsed.as_secs_f64(),
            list.throughput(),
            ms(list.stats.percentile(50.0)),
            ms(list.stats.percentile(90.0)),
            ms(list.stats.percentile(99.0)),
            ms(list.stats.max()),
            list.errors,
            mib(list.peak_rss_kib),
        );
        println!();
    }

    /// A message per phase that had errors.
    pub fn failures(&self) -> Vec<String> {
        [self.create.failure("creation"), self.list.failure("list")]
            .into_iter()
            .flatten()
            .map(|failure| format!("{}: {failure}", self.backend))
            .collect()
    }

    fn peak_rss_kib(&self) -> u64 {
        self.idle_rss_kib
            .max(self.create.peak_rss_kib)
            .max(self.list.peak_rss_kib)
    }
}

/// The Markdown summary, one row per backend that completed.
pub fn print_table(reports: &[BackendReport], create_concurrency: u32, list_concurrency: u32) {
    println!(
        "| backend | creations/s ({create_concurrency} clients) | create p99 ms \
         | list req/s ({list_concurrency} conns) | list p50 ms | list p99 ms \
         | RSS idle MiB | RSS peak MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for report in reports {
        println!(
            "| {} | {:.0} | {} | {:.0} | {} | {} | {} | {} |",
            report.backend,
            report.create.throughput(),
            ms(report.create.stats.percentile(99.0)),
            report.list.throughput(),
            ms(report.list.stats.percentile(50.0)),
            ms(report.list.stats.percentile(99.0)),
            mib(report.idle_rss_kib),
            mib(report.peak_rss_kib()),
        );
    }
}

pub fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
