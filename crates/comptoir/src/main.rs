use clap::{Parser, Subcommand};
use comptoir::{
    DEFAULT_DATABASE_URL, ExportCommand, ImportCommand, demo, export_file, import_file,
    init_organization, open_database, start,
};
use comptoir_api::Config;
use comptoir_db::files::{FileStore, S3Settings};
use comptoir_domain::numbers::Quantity;
use comptoir_domain::transfer::ImportStatus;
use comptoir_services::transfer::imports::problems_csv;
use std::path::PathBuf;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "comptoir",
    version,
    about = "Comptoir: business management server (catalog, clients, stock, sales)"
)]
struct Cli {
    /// Database URL: sqlite://FILE?mode=rwc or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(flatten)]
    files: FileStoreArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the stored files (logo, product images, issued PDFs, received
/// e-invoices) are kept: a folder, or an S3-compatible bucket when one is
/// named.
#[derive(clap::Args)]
struct FileStoreArgs {
    /// Folder of the stored files. Default: beside a SQLite file
    /// (`comptoir.db.files/`), else `comptoir-files/` in the working folder.
    #[arg(long, env = "COMPTOIR_FILES_DIR", global = true)]
    files_dir: Option<PathBuf>,
    /// Keep the stored files in this S3 bucket instead of a folder.
    #[arg(long, env = "COMPTOIR_FILES_S3_BUCKET", global = true)]
    files_s3_bucket: Option<String>,
    /// The S3-compatible service's address (`http://127.0.0.1:9000`),
    /// addressed path-style; AWS itself when absent.
    #[arg(long, env = "COMPTOIR_FILES_S3_ENDPOINT", global = true)]
    files_s3_endpoint: Option<String>,
    #[arg(
        long,
        env = "COMPTOIR_FILES_S3_REGION",
        default_value = "us-east-1",
        global = true
    )]
    files_s3_region: String,
    /// Without keys, the usual AWS sources (`AWS_ACCESS_KEY_ID`…) are read.
    #[arg(long, env = "COMPTOIR_FILES_S3_ACCESS_KEY_ID", global = true)]
    files_s3_access_key_id: Option<String>,
    #[arg(
        long,
        env = "COMPTOIR_FILES_S3_SECRET_ACCESS_KEY",
        hide_env_values = true,
        global = true
    )]
    files_s3_secret_access_key: Option<String>,
}

impl FileStoreArgs {
    /// The store these settings name; `None` keeps the database's default.
    fn store(&self) -> Result<Option<FileStore>, String> {
        if let Some(bucket) = &self.files_s3_bucket {
            let settings = S3Settings {
                bucket: bucket.clone(),
                endpoint: self.files_s3_endpoint.clone(),
                region: self.files_s3_region.clone(),
                access_key_id: self.files_s3_access_key_id.clone(),
                secret_access_key: self.files_s3_secret_access_key.clone(),
            };
            return FileStore::s3(&settings)
                .map(Some)
                .map_err(|e| e.to_string());
        }
        Ok(self.files_dir.as_ref().map(FileStore::local))
    }
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve the API.
    Serve {
        #[arg(long, env = "COMPTOIR_LISTEN", default_value = "127.0.0.1:8080")]
        listen: String,
        /// Create a demo organization, users and data if absent.
        #[arg(long)]
        demo: bool,
        /// Minutes a session may stay idle before refresh is refused.
        #[arg(long, env = "COMPTOIR_SESSION_IDLE_MINUTES", default_value_t = 30)]
        session_idle_minutes: u64,
        /// Largest accepted request body, in bytes.
        #[arg(long, env = "COMPTOIR_BODY_LIMIT", default_value_t = 1024 * 1024)]
        body_limit: usize,
        /// Seconds between runs of the background jobs (quote expiry and reminders).
        #[arg(long, env = "COMPTOIR_JOB_INTERVAL_SECONDS", default_value_t = 60)]
        job_interval_seconds: u64,
        /// Failed logins for one account from one address, within 15
        /// minutes, before that account is refused from that address.
        #[arg(long, env = "COMPTOIR_LOGIN_MAX_FAILURES", default_value_t = 10)]
        login_max_failures: i64,
        /// Failed logins from one address, whatever the accounts, within
        /// 15 minutes, before the address is refused (an office shares one).
        #[arg(
            long,
            env = "COMPTOIR_LOGIN_MAX_FAILURES_PER_IP",
            default_value_t = 100
        )]
        login_max_failures_per_ip: i64,
        /// Seconds the dashboard page's figures are kept before they are
        /// recomputed in the background (0: on every view).
        #[arg(long, env = "COMPTOIR_DASHBOARD_MAX_AGE_SECONDS", default_value_t = 60)]
        dashboard_max_age_seconds: u64,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Create an organization and its first admin.
    Init {
        #[arg(long)]
        org: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long, env = "COMPTOIR_ADMIN_PASSWORD")]
        admin_password: String,
    },
    /// Check every organization's audit hash chain.
    VerifyAudit,
    /// Recompute every stock level from the movement ledger and the active
    /// reservations, and report any level that differs.
    VerifyStock,
    /// Check every organization's chain of issued invoices, credit notes,
    /// payments and closings, each rebuilt from its record.
    VerifyChain,
    /// Import a CSV or XLSX file as `POST /api/v1/imports` does, showing
    /// progress; prints the summary and writes the problem report.
    Import {
        /// `products`, `clients`, `suppliers` or `stock_levels`.
        entity: String,
        file: PathBuf,
        /// The organization's name or id; not needed when there is only one.
        #[arg(long)]
        org: Option<String>,
        /// Check every row and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write the good rows even when some are bad (otherwise a bad row
        /// means nothing is written).
        #[arg(long)]
        skip_bad_rows: bool,
        /// XLSX: the sheet to read, the first one by default.
        #[arg(long)]
        sheet: Option<String>,
        /// Where to write the problems, one line per problem; default
        /// FILE.errors.csv, written only when there are problems.
        #[arg(long)]
        errors: Option<PathBuf>,
    },
    /// Write every row of a list, archived ones included, to a file with
    /// the import's columns.
    Export {
        /// `products`, `clients`, `suppliers`, `stock`, `movements`, `quotes`,
        /// `orders` or `invoices`.
        entity: String,
        #[arg(long)]
        out: PathBuf,
        /// `csv` or `xlsx`.
        #[arg(long, default_value = "csv")]
        format: String,
        /// CSV for French Excel: `;`, decimal commas and a BOM.
        #[arg(long)]
        excel: bool,
        /// The organization's name or id; not needed when there is only one.
        #[arg(long)]
        org: Option<String>,
    },
    /// Write a consistent snapshot of the database to a file while the
    /// server runs: a SQLite database file, whichever backend it comes from.
    Backup {
        /// The backup file to create; it must not exist.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into the database, which must hold no data; a
    /// backup of either backend restores into either backend.
    Restore {
        /// A file written by `comptoir backup`.
        file: PathBuf,
    },
}

/// `default_filter` applies unless `COMPTOIR_LOG` says otherwise.
fn init_logging(default_filter: &str) {
    let filter =
        EnvFilter::try_from_env("COMPTOIR_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("COMPTOIR_LOG_FORMAT").as_deref() == Ok("text") {
        builder.init();
    } else {
        builder.json().with_current_span(true).init();
    }
}

fn summary(written: &comptoir_db::backup::Written) -> String {
    let rows: u64 = written.tables.iter().map(|t| t.rows).sum();
    format!(
        "{} tables, {rows} rows, {} files",
        written.tables.len(),
        written.files
    )
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    // A command prints what was asked of it; its logs stay quiet unless
    // `COMPTOIR_LOG` asks for them. A backup or restore reads whole tables
    // in one statement each: the driver's slow-statement warnings would
    // only be noise there.
    init_logging(match cli.command {
        Command::Serve { .. } => "info",
        Command::Backup { .. } | Command::Restore { .. } => "warn,sqlx::query=error",
        _ => "warn",
    });
    match run(cli).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let mut db = open_database(&cli.database_url)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(files) = cli.files.store()? {
        db = db.with_files(files);
    }
    match cli.command {
        Command::Migrate => {
            println!("migrations applied");
        }
        Command::Init {
            org,
            admin_email,
            admin_password,
        } => match init_organization(&db, &org, &admin_email, &admin_password).await {
            Ok((organization_id, _)) => {
                println!("organization {org} created ({organization_id}); log in as {admin_email}")
            }
            Err(error) => return Err(error.to_string()),
        },
        Command::VerifyAudit => {
            let (checked, broken) = comptoir_db::audit::verify(&db)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(match broken {
                None => {
                    println!("OK: {checked} audit entries verified");
                    ExitCode::SUCCESS
                }
                Some(link) => {
                    println!(
                        "BROKEN: organization {} entry #{} ({}): {}",
                        link.organization_id, link.seq, link.id, link.reason
                    );
                    ExitCode::FAILURE
                }
            });
        }
        Command::VerifyChain => {
            let (checked, broken) = comptoir_db::compliance::verify(&db, None)
                .await
                .map_err(|e| e.to_string())?;
            return Ok(match broken {
                None => {
                    println!("OK: {checked} sales records verified");
                    ExitCode::SUCCESS
                }
                Some(link) => {
                    println!(
                        "BROKEN: organization {} link #{} ({} {}): {}",
                        link.organization_id,
                        link.position,
                        link.record_type,
                        link.record_id,
                        link.reason
                    );
                    ExitCode::FAILURE
                }
            });
        }
        Command::VerifyStock => {
            let differences = comptoir_db::stock::verify(&db)
                .await
                .map_err(|e| e.to_string())?;
            let Some(first) = differences.first() else {
                println!("OK: every stock level matches its ledger");
                return Ok(ExitCode::SUCCESS);
            };
            println!(
                "MISMATCH: {} level(s) differ; first: organization {} location {} product {} variant {}: \
                 physical {} but the ledger sums to {}, reserved {} but active reservations sum to {}",
                differences.len(),
                first.organization_id,
                first.location_id,
                first.product_id,
                first.variant_key,
                Quantity::from_units(first.physical),
                Quantity::from_units(first.ledger),
                Quantity::from_units(first.reserved),
                Quantity::from_units(first.active_reservations)
            );
            return Ok(ExitCode::FAILURE);
        }
        Command::Import {
            entity,
            file,
            org,
            dry_run,
            skip_bad_rows,
            sheet,
            errors,
        } => {
            let request = ImportCommand {
                entity: &entity,
                file: &file,
                organization: org.as_deref(),
                dry_run,
                skip_bad_rows,
                sheet,
            };
            let import = import_file(&db, request).await?;
            println!(
                "{}: {} rows read, {} created, {} updated, {} with problems{}",
                import.status,
                import.total_rows,
                import.created_count,
                import.updated_count,
                import.failed_count,
                import
                    .message
                    .as_deref()
                    .map(|message| format!(" ({message})"))
                    .unwrap_or_default()
            );
            let report = problems_csv(&db, import.id)
                .await
                .map_err(|e| e.to_string())?;
            if report.lines().count() > 1 {
                let path = errors.unwrap_or_else(|| {
                    let mut name = file.clone().into_os_string();
                    name.push(".errors.csv");
                    PathBuf::from(name)
                });
                std::fs::write(&path, report)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                println!("problems written to {}", path.display());
            }
            let clean = import.status == ImportStatus::Done && import.failed_count == 0;
            return Ok(if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Export {
            entity,
            out,
            format,
            excel,
            org,
        } => {
            let command = ExportCommand {
                entity: &entity,
                format: &format,
                excel,
                out: &out,
                organization: org.as_deref(),
            };
            let written = export_file(&db, command).await?;
            println!("{written} rows written to {}", out.display());
        }
        Command::Backup { out } => {
            let written = comptoir_db::backup::backup(&db, &out)
                .await
                .map_err(|e| e.to_string())?;
            println!("backup written to {}: {}", out.display(), summary(&written));
        }
        Command::Restore { file } => {
            let written = comptoir_db::backup::restore(&file, &db)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "restored {}: {}, each checked against the backup",
                file.display(),
                summary(&written)
            );
        }
        Command::Serve {
            listen,
            demo,
            session_idle_minutes,
            body_limit,
            job_interval_seconds,
            login_max_failures,
            login_max_failures_per_ip,
            dashboard_max_age_seconds,
        } => {
            if demo {
                let logins = demo::ensure_demo(&db).await.map_err(|e| e.to_string())?;
                println!("Demo organization ready. Log in with (e-mail / password):");
                for line in logins {
                    println!("{line}");
                }
            }
            let config = Config {
                session_idle_timeout: std::time::Duration::from_secs(session_idle_minutes * 60),
                body_limit_bytes: body_limit,
                job_interval: std::time::Duration::from_secs(job_interval_seconds.max(1)),
                login_max_failures: login_max_failures.max(1),
                login_max_failures_per_ip: login_max_failures_per_ip.max(1),
                dashboard_max_age: std::time::Duration::from_secs(dashboard_max_age_seconds),
                ..Config::default()
            };
            let address = start(db, config, &listen)
                .await
                .map_err(|e| e.to_string())?;
            println!("Comptoir listening on http://{address}");
            println!("  open the application: http://{address}/");
            println!("  API docs: http://{address}/api/docs");
            tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
