//! An organization's own templates of printed documents, one per document
//! type; a type without one prints with the shipped template.

use crate::error::DbError;
use crate::pool::{Sql, Tx, now};
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct DocumentTemplate {
    pub kind: String,
    pub source: String,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

const COLUMNS: &str = "kind, source, updated_by, updated_at, version";

/// A type's own template, read in the caller's transaction (issuing
/// renders with it).
pub async fn template_in(
    tx: &mut Tx,
    organization_id: Uuid,
    kind: &str,
) -> Result<Option<DocumentTemplate>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "SELECT {COLUMNS} FROM document_templates WHERE organization_id = $1 AND kind = $2"
        ))
        .bind(organization_id)
        .bind(kind),
    )
    .await
}

/// Sets a type's template, replacing the one before (its version + 1).
pub async fn save(
    tx: &mut Tx,
    organization_id: Uuid,
    kind: &str,
    source: &str,
    user_id: Uuid,
) -> Result<DocumentTemplate, DbError> {
    tx.fetch_one(
        Sql::new(format!(
            "INSERT INTO document_templates (organization_id, kind, source, updated_by, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, 1) \
             ON CONFLICT (organization_id, kind) DO UPDATE SET source = excluded.source, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at, \
             version = document_templates.version + 1 RETURNING {COLUMNS}"
        ))
        .bind(organization_id)
        .bind(kind)
        .bind(source)
        .bind(user_id)
        .bind(now()),
    )
    .await
}

/// Removes a type's own template; `None` when it had none.
pub async fn remove(
    tx: &mut Tx,
    organization_id: Uuid,
    kind: &str,
) -> Result<Option<DocumentTemplate>, DbError> {
    tx.fetch_optional(
        Sql::new(format!(
            "DELETE FROM document_templates WHERE organization_id = $1 AND kind = $2 RETURNING {COLUMNS}"
        ))
        .bind(organization_id)
        .bind(kind),
    )
    .await
}
