//! Every kind of printed document with the template it prints with, as
//! the settings page lists them; the workflows on one template are in
//! `documents::templates`.

use crate::documents::templates::{TemplateView, template};
use crate::{Actor, ServiceResult};
use comptoir_db::Db;
use comptoir_documents::printed::PrintedKind;

/// The template of each kind, in the order of `PrintedKind::ALL`.
pub async fn every_template(db: &Db, actor: &Actor) -> ServiceResult<Vec<TemplateView>> {
    let mut views = Vec::with_capacity(PrintedKind::ALL.len());
    for kind in PrintedKind::ALL {
        views.push(template(db, actor, kind).await?);
    }
    Ok(views)
}
