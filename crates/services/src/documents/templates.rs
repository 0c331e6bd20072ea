//! An organization's templates of printed documents: read (its own, or the
//! shipped one), replaced — only by a template that renders a sample
//! document of its type, else refused with the template's line and
//! message — and reset to the shipped one.

use crate::audit::log;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use comptoir_db::Db;
use comptoir_db::templates as store;
use comptoir_documents::DEFAULT_TEMPLATE;
use comptoir_documents::pdf::{Render, render};
use comptoir_documents::printed::{PrintedKind, printed, sample};
use comptoir_domain::language::Language;
use serde::Serialize;
use uuid::Uuid;

/// A document type's template as the organization prints with it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TemplateView {
    /// `quote`, `order`, `delivery`, `invoice`, `credit_note` or
    /// `purchase_order`.
    pub kind: String,
    /// The Typst source.
    pub source: String,
    /// Whether it is the organization's own (else the shipped one).
    pub custom: bool,
    pub updated_at: Option<DateTime<Utc>>,
    pub version: Option<i64>,
}

/// The kinds of printed documents, as the routes spell them.
pub fn kind(text: &str) -> ServiceResult<PrintedKind> {
    PrintedKind::parse(text).ok_or(ServiceError::NotFound)
}

pub async fn template(db: &Db, actor: &Actor, kind: PrintedKind) -> ServiceResult<TemplateView> {
    let mut tx = db.begin_read().await?;
    let own = store::template_in(&mut tx, actor.organization_id, kind.as_str()).await?;
    tx.commit().await?;
    Ok(match own {
        Some(own) => TemplateView {
            kind: own.kind,
            source: own.source,
            custom: true,
            updated_at: Some(own.updated_at),
            version: Some(own.version),
        },
        None => TemplateView {
            kind: kind.as_str().to_owned(),
            source: DEFAULT_TEMPLATE.to_owned(),
            custom: false,
            updated_at: None,
            version: None,
        },
    })
}

/// The largest template accepted, in bytes.
const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

/// Renders a sample document of `kind` in both languages with `source`:
/// the first failure, with its line, is the template's field error.
async fn check(kind: PrintedKind, source: String) -> ServiceResult<()> {
    tokio::task::spawn_blocking(move || {
        for language in Language::ALL {
            let data = serde_json::to_value(printed(&sample(kind, language)))
                .map_err(ServiceError::internal)?;
            render(&Render {
                template: &source,
                data: &data,
                images: &[],
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                ident: "sample",
            })
            .map_err(|error| ServiceError::field("source", &error.to_string()))?;
        }
        Ok(())
    })
    .await
    .map_err(ServiceError::internal)?
}

/// Replaces the template of `kind` once it renders a sample document.
pub async fn replace(
    db: &Db,
    actor: &Actor,
    kind: PrintedKind,
    source: String,
) -> ServiceResult<TemplateView> {
    if source.trim().is_empty() {
        return Err(ServiceError::field("source", "is empty"));
    }
    if source.len() > MAX_TEMPLATE_BYTES {
        return Err(ServiceError::field("source", "is longer than 256 KiB"));
    }
    check(kind, source.clone()).await?;
    let mut tx = db.begin().await?;
    let saved = store::save(
        &mut tx,
        actor.organization_id,
        kind.as_str(),
        &source,
        actor.user_id,
    )
    .await?;
    log(
        &mut tx,
        actor,
        "update",
        "document_template",
        template_id(actor, kind),
        None::<&store::DocumentTemplate>,
        Some(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(TemplateView {
        kind: saved.kind,
        source: saved.source,
        custom: true,
        updated_at: Some(saved.updated_at),
        version: Some(saved.version),
    })
}

/// Goes back to the shipped template of `kind`.
pub async fn reset(db: &Db, actor: &Actor, kind: PrintedKind) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let removed = store::remove(&mut tx, actor.organization_id, kind.as_str())
        .await?
        .ok_or(ServiceError::NotFound)?;
    log(
        &mut tx,
        actor,
        "delete",
        "document_template",
        template_id(actor, kind),
        Some(&removed),
        None::<&store::DocumentTemplate>,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A stable id for the audit log: a template has no id of its own, its key
/// is (organization, kind).
fn template_id(actor: &Actor, kind: PrintedKind) -> Uuid {
    Uuid::new_v5(&actor.organization_id, kind.as_str().as_bytes())
}
