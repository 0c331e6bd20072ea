//! The stock scenario's report: a line per run as it ends, so a long run
//! shows progress, then the two Markdown tables.

use crate::load::PAGE_SIZE;
use crate::report::{Phase, mib};
use crate::stats::ms;

/// Products the movements are spread over, so the one asked for has about
/// a hundredth of the ledger.
pub const PRODUCTS: u32 = 100;

/// One client count on the hot product: the server's figures beside the
/// database's own.
pub struct HotLevel {
    pub clients: u32,
    pub movements: Phase,
    pub issue_ceiling_tps: f64,
    pub reservations: Phase,
    pub reserve_ceiling_tps: f64,
}

/// One connection count reading the ledger.
pub struct LedgerRun {
    pub connections: u32,
    pub reads: Phase,
}

/// What was measured, run by run, so a failure part-way still reports the
/// runs before it.
#[derive(Default)]
pub struct StockReport {
    pub levels: Vec<HotLevel>,
    pub ledger: Vec<LedgerRun>,
}

impl StockReport {
    /// The tables of the parts that measured anything.
    pub fn print(&self, ledger_movements: u32) {
        if !self.levels.is_empty() {
            println!();
            println!("Hot product (PostgreSQL), server vs pgbench on the same conditional UPDATE:");
            println!();
            println!(
                "| clients | movements/s | pgbench issue tps | ratio % | reservations/s \
                 | pgbench reserve tps | ratio % | HTTP p99 ms (movements) \
                 | HTTP p99 ms (reservations) |"
            );
            println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for level in &self.levels {
                let (movements, reservations) = (&level.movements, &level.reservations);
                println!(
                    "| {} | {:.0} | {:.0} | {} | {:.0} | {:.0} | {} | {} | {} |",
                    level.clients,
                    movements.throughput(),
                    level.issue_ceiling_tps,
                    ratio(movements.throughput(), level.issue_ceiling_tps),
                    reservations.throughput(),
                    level.reserve_ceiling_tps,
                    ratio(reservations.throughput(), level.reserve_ceiling_tps),
                    ms(movements.stats.percentile(99.0)),
                    ms(reservations.stats.percentile(99.0)),
                );
            }
        }
        if !self.ledger.is_empty() {
            println!();
            println!(
                "Ledger (PostgreSQL), GET /api/v1/stock/movements?product_id=P&page_size={PAGE_SIZE}, \
                 first page of a random product, {ledger_movements} movements over {PRODUCTS} products:"
            );
            println!();
            println!("| connections | req/s | p50 ms | p99 ms |");
            println!("|---:|---:|---:|---:|");
            for run in &self.ledger {
                println!(
                    "| {} | {:.0} | {} | {} |",
                    run.connections,
                    run.reads.throughput(),
                    ms(run.reads.stats.percentile(50.0)),
                    ms(run.reads.stats.percentile(99.0)),
                );
            }
        }
    }

    /// A message per run that had errors.
    pub fn failures(&self) -> Vec<String> {
        let levels = self.levels.iter().flat_map(|level| {
            let clients = level.clients;
            [
                level
                    .movements
                    .failure(&format!("movements at {clients} clients")),
                level
                    .reservations
                    .failure(&format!("reservations at {clients} clients")),
            ]
        });
        let ledger = self.ledger.iter().map(|run| {
            run.reads
                .failure(&format!("ledger at {} connections", run.connections))
        });
        levels
            .chain(ledger)
            .flatten()
            .map(|failure| format!("stock: {failure}"))
            .collect()
    }
}

/// The line printed as soon as a run ends.
pub fn print_run(name: &str, phase: &Phase) {
    println!(
        "{name}: {} requests in {:.2} s = {:.1}/s; latency ms p50 {} p99 {} max {}; \
         errors {}; peak RSS {} MiB",
        phase.stats.count(),
        phase.elapsed.as_secs_f64(),
        phase.throughput(),
        ms(phase.stats.percentile(50.0)),
        ms(phase.stats.percentile(99.0)),
        ms(phase.stats.max()),
        phase.errors,
        mib(phase.peak_rss_kib),
    );
}

/// The server's throughput as a percentage of the ceiling's.
fn ratio(server: f64, ceiling: f64) -> String {
    format!("{:.1}", server / ceiling * 100.0)
}
