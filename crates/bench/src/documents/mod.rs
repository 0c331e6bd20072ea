//! The documents scenario, in process and on one thread: what issuing an
//! invoice adds to the issuing transaction, that is its PDF laid out by
//! the shipped template, its Factur-X (CII) XML, and the XML embedded in
//! the PDF.
//!
//! A 20-line invoice (rates of 20, 10 and 5.5 %, line discounts, a
//! document discount, descriptions long enough to wrap) is rendered
//! `--renders` times after a warm-up, each render timed alone. Each
//! invoice has its own number, starts at another product and bills other
//! quantities (1 to 97 times the catalog's, mixed per line), so its
//! amounts, VAT breakdown and totals are its own; what
//! it shares with the invoices before it is what a business's invoices
//! share, its products' descriptions, whose layout Typst reuses as it
//! would in the server. Then a 500-line invoice once. The figures are set
//! against issue 15's targets.
//!
//! The renders are timed one after another on one thread, but Typst may
//! lay out in parallel on its own threads: the CPU time the process spent
//! is reported beside the wall time, and running the bench under
//! `taskset -c 0` holds the whole process to one core.

mod invoices;

use crate::Cli;
use crate::report::mib;
use crate::server::rss_kib;
use crate::stats::{Stats, ms};
use comptoir_documents::DEFAULT_TEMPLATE;
use comptoir_documents::embed::embed_facturx;
use comptoir_documents::facturx::cii_xml;
use comptoir_documents::pdf::{Render, render};
use comptoir_documents::printed;
use comptoir_domain::einvoice;
use invoices::{Sale, issued_at, sale};
use std::time::{Duration, Instant};

/// Renders before the timed ones: fonts loaded, the template parsed.
const WARMUP_RENDERS: u32 = 30;
/// The serials of the warm-up invoices and of the long one, apart from
/// the timed ones'.
const WARMUP_SERIALS: usize = 90_000;
const LONG_SERIAL: usize = 99_999;
/// The lines of the invoice the targets are set for.
const LINES: usize = 20;
/// The long invoice rendered once.
const LONG_LINES: usize = 500;
/// Issue 15's targets for the 20-line invoice.
const TARGET_PER_SECOND: f64 = 50.0;
const TARGET_P99: Duration = Duration::from_millis(50);
const TARGET_BYTES: usize = 60_000;
/// The kernel's clock ticks per second in `/proc` (`USER_HZ`, 100 on
/// every Linux architecture's ABI).
const USER_HZ: f64 = 100.0;

/// One invoice's figures.
struct Measured {
    name: String,
    stats: Stats,
    /// The renders' time, end to end.
    wall: Duration,
    /// The process's CPU time over the same renders, all its threads
    /// (and the invoices' building, a few microseconds each).
    cpu: Duration,
    bytes: usize,
    /// What the process's resident memory grew by over the renders: what
    /// a server rendering as many documents keeps.
    rss_growth_kib: u64,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.stats.count() as f64 / self.wall.as_secs_f64()
    }
}

pub fn run(cli: &Cli) -> Vec<String> {
    match measure(cli.renders) {
        Ok(measured) => {
            print_table(&measured);
            Vec::new()
        }
        Err(message) => vec![format!("documents: {message}")],
    }
}

fn measure(renders: u32) -> Result<Vec<Measured>, String> {
    let check = sale(0, LINES);
    einvoice::check(&check.invoice).map_err(|e| format!("the 20-line invoice fails: {e}"))?;
    for n in 0..WARMUP_RENDERS {
        issue_render(&sale(WARMUP_SERIALS + n as usize, LINES))?;
    }
    println!("{WARMUP_RENDERS} warm-up renders done; timing {renders}");
    let twenty = timed(
        format!("{LINES} lines"),
        (1..=renders as usize).map(|serial| sale(serial, LINES)),
    )?;
    let long = timed(
        format!("{LONG_LINES} lines"),
        std::iter::once(sale(LONG_SERIAL, LONG_LINES)),
    )?;
    Ok(vec![twenty, long])
}

/// Renders every sale, timing each render alone; the size is the last
/// PDF's.
fn timed(name: String, sales: impl Iterator<Item = Sale>) -> Result<Measured, String> {
    let mut latencies = Vec::new();
    let mut bytes = 0;
    let rss_before = own_rss_kib()?;
    let cpu_before = process_cpu()?;
    for sale in sales {
        let started = Instant::now();
        let pdf = issue_render(&sale)?;
        latencies.push(started.elapsed());
        bytes = pdf.len();
    }
    let cpu = process_cpu()?.saturating_sub(cpu_before);
    let measured = Measured {
        name,
        wall: latencies.iter().sum(),
        stats: Stats::new(latencies),
        cpu,
        bytes,
        rss_growth_kib: own_rss_kib()?.saturating_sub(rss_before),
    };
    println!(
        "{}: {} renders, {:.1}/s; ms p50 {} p99 {} max {}; CPU {:.2} s over {:.2} s; \
         PDF {} bytes; RSS +{} MiB",
        measured.name,
        measured.stats.count(),
        measured.per_second(),
        ms(measured.stats.percentile(50.0)),
        ms(measured.stats.percentile(99.0)),
        ms(measured.stats.max()),
        measured.cpu.as_secs_f64(),
        measured.wall.as_secs_f64(),
        measured.bytes,
        mib(measured.rss_growth_kib),
    );
    Ok(measured)
}

/// What issuing adds for the document: the PDF, the CII XML, the XML
/// embedded in the PDF.
fn issue_render(sale: &Sale) -> Result<Vec<u8>, String> {
    let created_at = issued_at();
    let data = serde_json::to_value(printed::printed(&sale.facts))
        .map_err(|e| format!("cannot serialize the printed invoice: {e}"))?;
    let pdf = render(&Render {
        template: DEFAULT_TEMPLATE,
        data: &data,
        images: &[],
        created_at,
        ident: &sale.facts.number,
    })
    .map_err(|e| format!("{}: {e}", sale.facts.number))?;
    let xml = cii_xml(&sale.invoice);
    embed_facturx(&pdf, xml.as_bytes(), created_at)
        .map_err(|e| format!("{}: cannot embed the XML: {e}", sale.facts.number))
}

fn own_rss_kib() -> Result<u64, String> {
    rss_kib(std::process::id()).ok_or_else(|| "cannot read the bench's own VmRSS".to_owned())
}

/// The process's user and system CPU time, all threads included.
fn process_cpu() -> Result<Duration, String> {
    let stat = std::fs::read_to_string("/proc/self/stat")
        .map_err(|e| format!("cannot read /proc/self/stat: {e}"))?;
    // The fields after the command name, which may hold spaces, start
    // with the state (field 3); utime and stime are fields 14 and 15.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |index: usize| {
        fields
            .get(index)
            .and_then(|field| field.parse::<u64>().ok())
    };
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => Ok(Duration::from_secs_f64((user + system) as f64 / USER_HZ)),
        _ => Err(format!("unexpected /proc/self/stat: {stat}")),
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "MISSED" }
}

fn print_table(measured: &[Measured]) {
    println!();
    println!(
        "Documents (in process, one thread): invoice PDF + Factur-X XML embedded, shipped template, no logo:"
    );
    println!(
        "| invoice | renders | renders/s | p50 ms | p99 ms | max ms | CPU ms per render | PDF bytes | RSS growth MiB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for run in measured {
        println!(
            "| {} | {} | {:.1} | {} | {} | {} | {:.1} | {} | {} |",
            run.name,
            run.stats.count(),
            run.per_second(),
            ms(run.stats.percentile(50.0)),
            ms(run.stats.percentile(99.0)),
            ms(run.stats.max()),
            run.cpu.as_secs_f64() * 1000.0 / run.stats.count() as f64,
            run.bytes,
            mib(run.rss_growth_kib),
        );
    }
    if let Some(twenty) = measured.first() {
        println!(
            "targets for {LINES} lines: ≥ {TARGET_PER_SECOND}/s {}, p99 < {} ms {}, < {TARGET_BYTES} bytes {}",
            verdict(twenty.per_second() >= TARGET_PER_SECOND),
            TARGET_P99.as_millis(),
            verdict(twenty.stats.percentile(99.0) < TARGET_P99),
            verdict(twenty.bytes < TARGET_BYTES),
        );
    }
}
