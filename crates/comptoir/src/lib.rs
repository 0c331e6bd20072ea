//! Wiring: configuration, database, server start, `init`, demo data.
//! The binary (`main.rs`) and the black-box tests both start the server
//! through [`start`].

pub mod demo;

use comptoir_api::auth::Keys;
use comptoir_api::{ApiContext, Config};
use comptoir_db::auth::{self as store, NewUser};
use comptoir_db::imports::Import;
use comptoir_db::{Db, DbError};
use comptoir_domain::identifiers::Email;
use comptoir_domain::permissions::Role;
use comptoir_services::Actor;
use comptoir_services::auth::{check_password, hash_password};
use comptoir_services::transfer::exports::export_to_file;
use comptoir_services::transfer::imports::{
    ImportRequest, RunningImports, fail_abandoned, run_import,
};
use indicatif::{ProgressBar, ProgressStyle};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use tokio::net::TcpListener;
use uuid::Uuid;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://comptoir.db?mode=rwc";

fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // A second server in the same process (tests) reuses the first recorder.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Connects and applies pending migrations.
pub async fn open_database(url: &str) -> Result<Db, DbError> {
    let db = Db::connect(url, 16).await?;
    db.migrate().await?;
    Ok(db)
}

/// The JWT secret: `COMPTOIR_JWT_SECRET`, or one generated once and kept in
/// the database so restarts and other instances share it.
pub async fn jwt_secret(db: &Db) -> Result<String, DbError> {
    if let Ok(secret) = std::env::var("COMPTOIR_JWT_SECRET")
        && !secret.is_empty()
    {
        return Ok(secret);
    }
    let generated = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    store::setting_or_insert(db, "jwt_secret", &generated).await
}

/// The pages keep the API's idle expiry and login limits.
fn web_config(
    config: &Config,
    imports: RunningImports,
) -> std::io::Result<comptoir_web::WebConfig> {
    let duration =
        |d: std::time::Duration| chrono::Duration::from_std(d).map_err(std::io::Error::other);
    Ok(comptoir_web::WebConfig {
        session_idle: duration(config.session_idle_timeout)?,
        login_limits: comptoir_services::sessions::LoginLimits {
            window: duration(config.login_window)?,
            max_failures: config.login_max_failures,
            max_failures_per_ip: config.login_max_failures_per_ip,
        },
        dashboard_max_age: config.dashboard_max_age,
        upload_limit_bytes: config.upload_limit_bytes,
        imports,
    })
}

/// Binds `listen` and serves the pages and the API until the process stops; returns the
/// bound address at once (port 0 picks a free one).
pub async fn start(db: Db, config: Config, listen: &str) -> std::io::Result<SocketAddr> {
    let secret = jwt_secret(&db).await.map_err(std::io::Error::other)?;
    tokio::spawn(comptoir_db::audit::keep_chained(db.clone()));
    tokio::spawn(run_jobs(db.clone(), config.job_interval));
    // One record of the running imports: the pages show the progress of
    // imports the API started, and the reverse.
    let imports = RunningImports::default();
    let pages = comptoir_web::router(
        db.clone(),
        web_config(&config, imports.clone())?,
        secret.as_bytes(),
    );
    let ctx = ApiContext {
        db,
        config: Arc::new(config),
        keys: Arc::new(Keys::new(secret.as_bytes())),
        metrics: metrics_handle(),
        imports,
        sessions: Default::default(),
    };
    let listener = TcpListener::bind(listen).await?;
    let address = listener.local_addr()?;
    let app = comptoir_api::app(ctx, pages).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "server stopped");
        }
    });
    Ok(address)
}

/// Runs the background jobs at start, then every `interval`, on every
/// instance: each job is safe to run on several at once.
async fn run_jobs(db: Db, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(error) = comptoir_services::sales::sweep_quotes(&db).await {
            tracing::error!(%error, "quote expiry and reminders failed; retrying at the next tick");
        }
        match fail_abandoned(&db).await {
            Ok(0) => {}
            Ok(failed) => tracing::warn!(failed, "imports left unfinished by a stopped process"),
            Err(error) => {
                tracing::error!(%error, "abandoned imports not swept; retrying at the next tick")
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("a user with the e-mail {0} already exists")]
    EmailTaken(String),
    #[error("an organization named {0} already exists (id {1}); choose another name")]
    NameTaken(String, uuid::Uuid),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates an organization and its first admin.
pub async fn init_organization(
    db: &Db,
    name: &str,
    admin_email: &str,
    admin_password: &str,
) -> Result<(uuid::Uuid, uuid::Uuid), InitError> {
    let email =
        Email::parse(admin_email).map_err(|e| InitError::Invalid(format!("admin e-mail: {e}")))?;
    check_password(admin_password).map_err(|e| InitError::Invalid(e.to_owned()))?;
    if name.trim().is_empty() {
        return Err(InitError::Invalid("the organization needs a name".into()));
    }
    let named = store::command_line_actors(db, Some(name.trim())).await?;
    if let Some((existing, _)) = named.first() {
        return Err(InitError::NameTaken(name.trim().to_owned(), *existing));
    }
    let hash = hash_password(admin_password).map_err(|e| InitError::Invalid(e.to_string()))?;
    let mut tx = db.begin().await?;
    let organization = store::create_organization(&mut tx, name.trim()).await?;
    let user = store::create_user(
        &mut tx,
        NewUser {
            organization_id: organization.id,
            email: &email,
            name: "Administrateur",
            role: Role::Admin,
            password_hash: &hash,
        },
    )
    .await
    .map_err(|e| match e {
        DbError::Unique(_) => InitError::EmailTaken(email.to_string()),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok((organization.id, user.id))
}

/// `comptoir import`: what to import, and where.
pub struct ImportCommand<'a> {
    pub entity: &'a str,
    pub file: &'a std::path::Path,
    /// The organization's name or id.
    pub organization: Option<&'a str>,
    pub dry_run: bool,
    pub skip_bad_rows: bool,
    pub sheet: Option<String>,
}

/// Runs an import as the organization's first administrator, with a
/// progress line on the terminal; returns the finished import.
pub async fn import_file(db: &Db, command: ImportCommand<'_>) -> Result<Import, String> {
    let (organization_id, admin_id) = command_line_actor(db, command.organization).await?;
    let organization = store::get_organization(db, organization_id)
        .await
        .map_err(|e| e.to_string())?;
    let running = RunningImports::default();
    let request = ImportRequest {
        actor: Actor {
            organization_id,
            user_id: admin_id,
            role: Role::Admin,
            request_id: None,
            ip: None,
            time_zone: organization.time_zone,
        },
        entity: command.entity,
        file: command.file,
        sheet: command.sheet,
        dry_run: command.dry_run,
        skip_bad_rows: command.skip_bad_rows,
    };
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {pos} rows {msg} [{elapsed}]")
            .map_err(|e| e.to_string())?,
    );
    let job = run_import(db, running.clone(), request);
    tokio::pin!(job);
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(100));
    let import = loop {
        tokio::select! {
            finished = &mut job => break finished.map_err(|e| e.to_string())?,
            _ = tick.tick() => {
                let progress = running.lock().ok().and_then(|running| running.values().next().copied());
                if let Some(progress) = progress {
                    bar.set_position(progress.processed_rows.unsigned_abs());
                    bar.set_message(format!(
                        "({} created, {} updated, {} with problems)",
                        progress.created, progress.updated, progress.failed
                    ));
                }
                bar.tick();
            }
        }
    };
    bar.finish_and_clear();
    Ok(import)
}

/// The organization a command works on (named, or the only one) and the
/// administrator it acts as.
async fn command_line_actor(db: &Db, organization: Option<&str>) -> Result<(Uuid, Uuid), String> {
    let actors = store::command_line_actors(db, organization)
        .await
        .map_err(|e| e.to_string())?;
    match actors.as_slice() {
        [] => Err("no such organization".into()),
        [(organization_id, Some(admin_id))] => Ok((*organization_id, *admin_id)),
        [_] => Err("the organization has no active administrator to act as".into()),
        _ if organization.is_some() => {
            Err("several organizations have this name: name one by its id with --org".into())
        }
        _ => Err("there are several organizations: name one with --org".into()),
    }
}

/// `comptoir export`: what to export, and where.
pub struct ExportCommand<'a> {
    pub entity: &'a str,
    /// `csv` or `xlsx`.
    pub format: &'a str,
    pub excel: bool,
    pub out: &'a std::path::Path,
    /// The organization's name or id.
    pub organization: Option<&'a str>,
}

/// Writes every row of a list to a file; returns how many.
pub async fn export_file(db: &Db, command: ExportCommand<'_>) -> Result<u64, String> {
    let (organization_id, _) = command_line_actor(db, command.organization).await?;
    export_to_file(
        db,
        organization_id,
        command.entity,
        command.format,
        command.excel,
        command.out,
    )
    .await
    .map_err(|e| e.to_string())
}
