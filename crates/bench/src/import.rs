//! The import scenario: `comptoir import` of a generated product file
//! (French Excel CSV, valid EAN-13 barcodes), then `comptoir export` of
//! the same products to XLSX, each timed as a child process whose peak
//! resident memory is sampled, on each backend chosen.

use crate::database::Database;
use crate::server::{self, RssSampler};
use crate::{Backend, Cli};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// What one command did: how long it took and its peak memory.
struct Timed {
    elapsed: Duration,
    peak_rss_kib: u64,
}

struct ImportReport {
    backend: Backend,
    import: Timed,
    export: Timed,
}

/// Runs the scenario on each backend chosen; returns what failed.
pub async fn run(cli: &Cli) -> Vec<String> {
    let file = std::env::temp_dir().join(format!("comptoir-bench-{}.csv", uuid::Uuid::new_v4()));
    if let Err(error) = write_products(&file, cli.import_rows) {
        return vec![format!("cannot write {}: {error}", file.display())];
    }
    let mut reports = Vec::new();
    let mut failures = Vec::new();
    for &backend in cli.backend.backends() {
        match on_scratch_database(cli, backend, &file).await {
            Ok(report) => reports.push(report),
            Err(message) => failures.push(format!("import, {backend}: {message}")),
        }
    }
    let _ = std::fs::remove_file(&file);
    println!(
        "\n{} products, `comptoir import` (commit, one transaction) then `comptoir export --format xlsx`:\n",
        cli.import_rows
    );
    println!("| backend | import s | import peak RSS MiB | XLSX export s | export peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|");
    for report in &reports {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            report.backend,
            report.import.elapsed.as_secs_f64(),
            report.import.peak_rss_kib as f64 / 1024.0,
            report.export.elapsed.as_secs_f64(),
            report.export.peak_rss_kib as f64 / 1024.0,
        );
    }
    failures
}

/// One EAN-13 per row, so barcodes are checked and registered too.
fn write_products(path: &Path, rows: u32) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    out.write_all("code;désignation;prix_ht;tva;code_barre\r\n".as_bytes())?;
    for i in 0..rows {
        let digits = format!("{:012}", 200_000_000_000_u64 + u64::from(i));
        let sum: u32 = digits
            .bytes()
            .enumerate()
            .map(|(index, digit)| u32::from(digit - b'0') * if index % 2 == 0 { 1 } else { 3 })
            .sum();
        let check = (10 - sum % 10) % 10;
        writeln!(
            out,
            "B{i:07};Produit {i};{},50;20;{digits}{check}\r",
            i % 1000
        )?;
    }
    out.flush()
}

async fn on_scratch_database(
    cli: &Cli,
    backend: Backend,
    file: &Path,
) -> Result<ImportReport, String> {
    let database = Database::create(backend, &cli.postgres_url).await?;
    let outcome = measure(cli, backend, database.url(), file).await;
    if let Err(message) = database.remove().await {
        eprintln!("warning: {backend}: {message}");
    }
    outcome
}

async fn measure(
    cli: &Cli,
    backend: Backend,
    database_url: &str,
    file: &Path,
) -> Result<ImportReport, String> {
    server::init(&cli.server_binary, database_url).await?;
    let file = file
        .to_str()
        .ok_or("the temporary directory's path is not UTF-8")?;
    let import = timed(
        &cli.server_binary,
        database_url,
        &["import", "products", file],
    )
    .await?;
    let out: PathBuf =
        std::env::temp_dir().join(format!("comptoir-bench-{}.xlsx", uuid::Uuid::new_v4()));
    let out_arg = out
        .to_str()
        .ok_or("the temporary directory's path is not UTF-8")?;
    let export = timed(
        &cli.server_binary,
        database_url,
        &["export", "products", "--format", "xlsx", "--out", out_arg],
    )
    .await;
    let _ = std::fs::remove_file(&out);
    Ok(ImportReport {
        backend,
        import,
        export: export?,
    })
}

/// Runs one `comptoir` command to its end, sampling its memory.
async fn timed(binary: &Path, database_url: &str, args: &[&str]) -> Result<Timed, String> {
    let started = Instant::now();
    let child = Command::new(binary)
        .args(["--database-url", database_url])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let pid = child
        .id()
        .ok_or("the command exited as soon as it started")?;
    let sampler = RssSampler::start(pid);
    let output = child
        .wait_with_output()
        .await
        .map_err(|e| format!("`{}` failed: {e}", args.join(" ")))?;
    let elapsed = started.elapsed();
    let peak_rss_kib = sampler.stop();
    if !output.status.success() {
        return Err(format!(
            "`{}` failed ({}): {}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    println!(
        "{}: {}",
        args[0],
        String::from_utf8_lossy(&output.stdout).trim()
    );
    Ok(Timed {
        elapsed,
        peak_rss_kib,
    })
}
