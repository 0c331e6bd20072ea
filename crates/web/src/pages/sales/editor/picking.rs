//! A row's product without script: the product box as sent is resolved
//! by `services::catalog::sellables::pick` — one product or variant (an
//! exact code or barcode, or the only match) fills the row, several are
//! listed in the row as the buttons htmx's suggestions are (each sends
//! the form again with the row's pick), none is said next to the box.
//! The rows just filled take the price resolver's description and price
//! when the page comes back.

use super::form::{EditorForm, Intent, LineForm};
use super::totals_of;
use comptoir_db::Db;
use comptoir_domain::FieldErrors;
use comptoir_domain::sales::DocumentKind;
use comptoir_services::catalog::sellables::{self, Picked, Sellable};
use comptoir_services::sales as service;
use comptoir_services::{Actor, ServiceError, ServiceResult};
use serde::Serialize;
use serde_json::Value;

/// How many candidates a row lists.
pub const CANDIDATES: i64 = 12;

/// A product or variant offered for a row, as the suggestions show it.
#[derive(Serialize, Clone)]
pub struct Suggestion {
    pub product_id: String,
    pub variant_id: String,
    pub code: String,
    pub name: String,
}

impl From<&Sellable> for Suggestion {
    fn from(sellable: &Sellable) -> Self {
        Suggestion {
            product_id: sellable.product.id.to_string(),
            variant_id: sellable
                .variant_id()
                .map(|id| id.to_string())
                .unwrap_or_default(),
            code: sellable.code().to_owned(),
            name: sellable.name(),
        }
    }
}

/// The rows whose product was just set, and those still without one.
#[derive(Default)]
pub struct Picking {
    picked: Vec<String>,
    pending: Vec<String>,
    pub errors: FieldErrors,
}

impl Picking {
    /// Every searched row has its product: the form may be saved.
    pub fn settled(&self) -> bool {
        self.pending.is_empty()
    }
}

/// Sets the product of the row the reader picked one for, and of each
/// row whose box names one; lists the candidates of the others.
pub async fn resolve(
    db: &Db,
    actor: &Actor,
    form: &mut EditorForm,
    intent: &Intent,
) -> ServiceResult<Picking> {
    let mut picking = Picking::default();
    if let Intent::Pick {
        key,
        product_id,
        variant_id,
    } = intent
        && let Some(line) = form.lines.iter_mut().find(|l| &l.key == key)
    {
        line.choose(&sellables::get(db, actor, *product_id, *variant_id).await?);
        picking.picked.push(key.clone());
    }
    for line in form.lines.iter_mut().filter(|l| l.searched()) {
        let field = format!("lines[{}].product_id", line.key);
        match sellables::pick(db, actor, &line.product, CANDIDATES).await? {
            Picked::One(sellable) => {
                line.choose(&sellable);
                picking.picked.push(line.key.clone());
            }
            Picked::Several(found) => {
                line.candidates = found.iter().map(Suggestion::from).collect();
                picking
                    .errors
                    .add(field, "several products match: pick one");
                picking.pending.push(line.key.clone());
            }
            Picked::None => {
                picking.errors.add(field, "no product matches");
                picking.pending.push(line.key.clone());
            }
        }
    }
    Ok(picking)
}

/// The rows just picked filled as the service prices them, the others
/// given their totals (the rows still without a product left aside),
/// and the document's totals when no row is missing its product; none
/// while the form cannot be priced.
pub async fn priced(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    form: &mut EditorForm,
    picking: &Picking,
) -> ServiceResult<Option<Value>> {
    let mut settled = form.clone();
    settled.lines.retain(|l| !picking.pending.contains(&l.key));
    let keys = settled.line_keys();
    let (request, errors) = settled.request();
    if !errors.is_empty() {
        return Ok(None);
    }
    let preview = match service::preview_draft(db, actor, kind, request).await {
        Ok(preview) => preview,
        Err(ServiceError::Validation(_)) => return Ok(None),
        Err(other) => return Err(other),
    };
    for (key, line) in keys.iter().zip(&preview.lines) {
        let Some(row) = form.lines.iter_mut().find(|row| &row.key == key) else {
            continue;
        };
        match picking.picked.contains(key) {
            true => *row = LineForm::filled(key.clone(), &row.product, line),
            false => row.total = Some(line.amounts.total_excl_tax().to_string()),
        }
    }
    Ok(picking.settled().then(|| totals_of(&preview)))
}
