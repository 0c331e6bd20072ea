//! Latency statistics for one phase.

use std::time::Duration;

/// The latencies of one phase, kept sorted so a percentile is a lookup.
pub struct Stats {
    sorted: Vec<Duration>,
}

impl Stats {
    pub fn new(mut latencies: Vec<Duration>) -> Self {
        latencies.sort_unstable();
        Self { sorted: latencies }
    }

    pub fn count(&self) -> usize {
        self.sorted.len()
    }

    /// Nearest-rank percentile, `p` from 0 to 100: always a latency that was
    /// actually observed, never an interpolation. Zero when nothing was measured.
    pub fn percentile(&self, p: f64) -> Duration {
        if self.sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = (p / 100.0 * self.sorted.len() as f64).ceil() as usize;
        self.sorted[rank.clamp(1, self.sorted.len()) - 1]
    }

    pub fn max(&self) -> Duration {
        self.sorted.last().copied().unwrap_or_default()
    }
}

/// Milliseconds with two decimals, the unit of every latency in the report.
pub fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}
