//! What imports became: the organization's imports, one with its live progress, the problem
//! report of its rows, and the sweep of the imports a stopped process left
//! unfinished.

use crate::error::ServiceResult;
use crate::transfer::imports::job::RunningImports;
use crate::{Actor, records};
use comptoir_db::imports::{self as store, Import, RowProblem};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter};
use comptoir_domain::transfer::ImportStatus;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// One page of the organization's imports, newest first unless sorted.
pub async fn list_imports(
    db: &Db,
    actor: &Actor,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<Import>> {
    let filter = Filter::organization(actor.organization_id).search(Import::SEARCHABLE, q);
    let sort = sort.or(Some(Sort {
        column: "created_at",
        descending: true,
    }));
    records::list(db, filter, sort, page).await
}

/// An import as its list shows it: with who started it.
#[derive(Serialize)]
pub struct ImportEntry {
    #[serde(flatten)]
    pub import: Import,
    /// The name of the user who started it.
    pub author: String,
}

/// One page of the organization's imports, as [`list_imports`], with who
/// started each.
pub async fn list_imports_with_authors(
    db: &Db,
    actor: &Actor,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<ImportEntry>> {
    let listing = list_imports(db, actor, q, sort, page).await?;
    let ids: Vec<Uuid> = listing.items.iter().map(|import| import.id).collect();
    let authors: HashMap<Uuid, String> = store::authors(db, actor.organization_id, &ids)
        .await?
        .into_iter()
        .collect();
    Ok(Listing {
        total: listing.total,
        items: listing
            .items
            .into_iter()
            .map(|import| ImportEntry {
                author: authors.get(&import.id).cloned().unwrap_or_default(),
                import,
            })
            .collect(),
    })
}

/// An import with the first of its row problems, as its page shows it.
#[derive(Serialize)]
pub struct ImportReport {
    pub import: Import,
    /// The first problems, by row.
    pub problems: Vec<RowProblem>,
    /// How many problems in all (the problem report has every one).
    pub problem_count: i64,
}

/// An import of the organization with its live progress (see
/// [`get_import`]) and its first `limit` row problems.
pub async fn import_report(
    db: &Db,
    running: &RunningImports,
    organization_id: Uuid,
    id: Uuid,
    limit: i64,
) -> ServiceResult<ImportReport> {
    let import = get_import(db, running, organization_id, id).await?;
    let (problems, problem_count) = store::first_problems(db, id, limit).await?;
    Ok(ImportReport {
        import,
        problems,
        problem_count,
    })
}

/// An import of the organization; while it runs in this process, with its
/// live progress.
pub async fn get_import(
    db: &Db,
    running: &RunningImports,
    organization_id: Uuid,
    id: Uuid,
) -> ServiceResult<Import> {
    let mut import: Import = resource::get(db, organization_id, id).await?;
    let live = running
        .lock()
        .ok()
        .and_then(|running| running.get(&id).copied());
    if let (Some(progress), ImportStatus::Running) = (live, import.status) {
        import.total_rows = progress.total_rows;
        import.processed_rows = progress.processed_rows;
        import.created_count = progress.created;
        import.updated_count = progress.updated;
        import.failed_count = progress.failed;
    }
    Ok(import)
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// The problem report of an import of the organization (see
/// [`problems_csv`]).
pub async fn import_problems(db: &Db, organization_id: Uuid, id: Uuid) -> ServiceResult<String> {
    resource::get::<Import>(db, organization_id, id).await?;
    problems_csv(db, id).await
}

/// The problem report of an import, as CSV: row, column, value, message.
pub async fn problems_csv(db: &Db, import_id: Uuid) -> ServiceResult<String> {
    let mut out = String::from("row,column,value,message\n");
    for problem in store::problems(db, import_id).await? {
        out.push_str(&format!(
            "{},{},{},{}\n",
            problem.row_number,
            csv_field(&problem.column_name),
            csv_field(problem.value.as_deref().unwrap_or_default()),
            csv_field(&problem.message)
        ));
    }
    Ok(out)
}

/// An import untouched for this long, and not held by a live transaction,
/// was left by a process that stopped.
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(10);

/// Fails the imports stopped processes left unfinished; run by every
/// instance's job loop. Returns how many.
pub async fn fail_abandoned(db: &Db) -> ServiceResult<u64> {
    Ok(store::fail_abandoned(db, chrono::Utc::now() - ABANDONED_AFTER).await?)
}
