//! Starting an import: from an upload `POST /imports` received (checked,
//! recorded as queued, then run in the background), or from a file the
//! command line names (run to its end). Both copy the file to where the
//! job reads it, so both run the same `Job`.

use crate::actor::Actor;
use crate::error::{ServiceError, ServiceResult};
use crate::transfer::imports::job::{Job, RunningImports, entity};
use comptoir_db::Db;
use comptoir_db::imports::{self as store, Import, NewImport};
use comptoir_db::resource;
use comptoir_domain::FieldErrors;
use comptoir_domain::transfer::{ImportMode, OnRowError};
use comptoir_transfer::columns::{ENTITIES, entity_names};
use std::path::{Path, PathBuf};
use uuid::Uuid;

fn imports_dir() -> PathBuf {
    std::env::temp_dir().join("comptoir-imports")
}

/// Where an upload is received, before its import exists.
pub fn staging_path() -> PathBuf {
    imports_dir().join(format!("{}.part", Uuid::new_v4()))
}

fn upload_path(id: Uuid) -> PathBuf {
    imports_dir().join(format!("{id}.upload"))
}

/// An import asked for over HTTP: the form's options as sent, and the
/// file already received at a [`staging_path`].
pub struct Upload {
    /// `products`, `clients`, `suppliers`, `price_list_rules` or `stock_levels`.
    pub entity: Option<String>,
    /// `dry_run` (default) or `commit`.
    pub mode: Option<String>,
    /// `abort` (default) or `skip`.
    pub on_error: Option<String>,
    /// XLSX: the sheet to read, the first one by default.
    pub sheet: Option<String>,
    /// The file's name; none when the form sent no file.
    pub file_name: Option<String>,
    pub staged: PathBuf,
}

/// Checks the options (every bad one at once), records the import as
/// queued and runs it in the background; answers the queued import at
/// once. A refused upload's staged file is removed.
pub async fn start_import(
    db: &Db,
    running: RunningImports,
    actor: Actor,
    upload: Upload,
) -> ServiceResult<Import> {
    let mut errors = FieldErrors::new();
    let entity_name = upload.entity.unwrap_or_default();
    if entity(&entity_name).is_none() {
        errors.add("entity", format!("must be one of: {}", entity_names()));
    }
    let mode = match upload.mode.as_deref().map(ImportMode::parse) {
        None => ImportMode::DryRun,
        Some(Ok(mode)) => mode,
        Some(Err(_)) => {
            errors.add("mode", "must be dry_run or commit");
            ImportMode::DryRun
        }
    };
    let on_error = match upload.on_error.as_deref().map(OnRowError::parse) {
        None => OnRowError::Abort,
        Some(Ok(on_error)) => on_error,
        Some(Err(_)) => {
            errors.add("on_error", "must be abort or skip");
            OnRowError::Abort
        }
    };
    if upload.file_name.is_none() {
        errors.add("file", "is required");
    }
    if let Err(errors) = errors.finish(|| ()) {
        let _ = tokio::fs::remove_file(&upload.staged).await;
        return Err(errors.into());
    }
    let import = store::create(
        db,
        &NewImport {
            organization_id: actor.organization_id,
            user_id: actor.user_id,
            entity: &entity_name,
            mode,
            on_error,
            file_name: upload.file_name.as_deref(),
        },
    )
    .await?;
    let path = upload_path(import.id);
    tokio::fs::rename(&upload.staged, &path)
        .await
        .map_err(ServiceError::internal)?;
    let job = Job {
        running,
        sheet: upload.sheet,
        db: db.clone(),
        actor,
        import: import.clone(),
        path,
    };
    tokio::spawn(job.run());
    Ok(import)
}

/// An import asked for outside HTTP (the command line).
pub struct ImportRequest<'a> {
    /// Who the import is recorded as made by.
    pub actor: Actor,
    pub entity: &'a str,
    pub file: &'a Path,
    pub sheet: Option<String>,
    pub dry_run: bool,
    /// Write the good rows and report the bad ones, instead of writing
    /// nothing when a row is bad.
    pub skip_bad_rows: bool,
}

/// Runs an import to its end, exactly as `start_import` does in the
/// background (the file is copied first, as an upload would be); its
/// progress shows in `running` meanwhile. Returns the finished import.
pub async fn run_import(
    db: &Db,
    running: RunningImports,
    request: ImportRequest<'_>,
) -> ServiceResult<Import> {
    if entity(request.entity).is_none() {
        return Err(ServiceError::BadInput(format!(
            "unknown entity {}: {}",
            request.entity,
            entity_names()
        )));
    }
    let organization_id = request.actor.organization_id;
    let import = store::create(
        db,
        &NewImport {
            organization_id,
            user_id: request.actor.user_id,
            entity: request.entity,
            mode: if request.dry_run {
                ImportMode::DryRun
            } else {
                ImportMode::Commit
            },
            on_error: if request.skip_bad_rows {
                OnRowError::Skip
            } else {
                OnRowError::Abort
            },
            file_name: request.file.file_name().and_then(|name| name.to_str()),
        },
    )
    .await?;
    let path = upload_path(import.id);
    tokio::fs::create_dir_all(imports_dir())
        .await
        .map_err(ServiceError::internal)?;
    tokio::fs::copy(request.file, &path).await.map_err(|e| {
        ServiceError::BadInput(format!("cannot read {}: {e}", request.file.display()))
    })?;
    let job = Job {
        running,
        sheet: request.sheet,
        db: db.clone(),
        actor: request.actor,
        import: import.clone(),
        path,
    };
    job.run().await;
    Ok(resource::get(db, organization_id, import.id).await?)
}

/// The names of the importable entities, as `entity` takes them.
pub fn importable() -> Vec<&'static str> {
    ENTITIES.iter().map(|entity| entity.name).collect()
}

/// An empty file with the entity's columns, to fill in; none for an
/// unknown entity.
pub fn template(entity_name: &str) -> Option<String> {
    entity(entity_name).map(|entity| format!("{}\n", entity.template_header()))
}
