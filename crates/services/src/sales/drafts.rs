//! Drafts of quotes, orders and invoices: created, read, replaced whole
//! while their state allows it, and deleted — only drafts are.

use super::documents::{DocumentRequest, validate_document};
use super::events::event;
use super::views::{DocumentDetail, detail};
use super::{load, move_to, next_invoice, next_order, next_quote, read};
use crate::audit::log;
use crate::validate::check_version;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::Datelike;
use comptoir_db::sales::{self as store, DocumentInput, LineInput, SalesDocument, SalesLine};
use comptoir_db::{Db, Tx, numbering};
use comptoir_domain::documents::{LineAmounts, Totals, discounted_totals};
use comptoir_domain::sales::{
    DocumentKind, DocumentStatus, InvoiceAction, OrderAction, QuoteAction, may_delete,
};
use serde_json::Value;
use uuid::Uuid;

/// A quote, order, invoice or credit note with its lines.
pub async fn get_document(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    id: Uuid,
) -> ServiceResult<DocumentDetail> {
    let document = read(db, actor.organization_id, id, kind).await?;
    detail(db, actor, document).await
}

/// Creates a draft of `kind` numbered with `number`, audited, with its
/// `<kind>_created` event.
pub(super) async fn create(
    tx: &mut Tx,
    actor: &Actor,
    kind: DocumentKind,
    number: Option<String>,
    source_id: Option<Uuid>,
    input: &DocumentInput,
) -> ServiceResult<SalesDocument> {
    let document = store::insert_document(
        tx,
        actor.organization_id,
        store::NewDocument {
            kind,
            number,
            status: DocumentStatus::Draft,
            source_id,
            created_by: actor.user_id,
        },
        input,
    )
    .await?;
    log(
        tx,
        actor,
        "create",
        kind.as_str(),
        document.id,
        None,
        Some(&document),
    )
    .await?;
    let created = format!("{}_created", kind.as_str());
    event(tx, actor, &created, &document, Value::Null).await?;
    Ok(document)
}

/// Validates the body of a draft quote, order or invoice, numbers the
/// draft if its kind is numbered as a draft, and creates it.
pub async fn create_draft(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    request: DocumentRequest,
) -> ServiceResult<DocumentDetail> {
    let input = validate_document(db, actor, kind, request).await?;
    let mut tx = db.begin().await?;
    let number = match kind.numbered_as_draft() {
        true => {
            let year = input.issue_date.unwrap_or_else(|| actor.today()).year();
            Some(numbering::next_number(&mut tx, actor.organization_id, kind.series(), year).await?)
        }
        false => None,
    };
    let document = create(&mut tx, actor, kind, number, None, &input).await?;
    tx.commit().await?;
    detail(db, actor, document).await
}

/// What a draft's body would come to, stored nowhere: its lines as
/// validated (descriptions, prices for the client and VAT filled from
/// the catalog) and its totals, computed as a stored draft's are.
pub struct DraftPreview {
    pub currency: String,
    pub lines: Vec<LineInput>,
    pub totals: Totals,
}

/// Validates the body of a draft as `create_draft` would and computes its
/// totals without writing anything; the editor shows them as lines change.
pub async fn preview_draft(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    request: DocumentRequest,
) -> ServiceResult<DraftPreview> {
    let input = validate_document(db, actor, kind, request).await?;
    let amounts: Vec<LineAmounts> = input.lines.iter().map(|line| line.amounts).collect();
    Ok(DraftPreview {
        totals: discounted_totals(&amounts, input.discount_percent),
        currency: input.currency,
        lines: input.lines,
    })
}

/// Whether the state of `document` lets it be rewritten.
fn editable(document: &SalesDocument) -> ServiceResult<()> {
    match document.kind {
        DocumentKind::Quote => next_quote(document, QuoteAction::Edit).map(|_| ()),
        DocumentKind::Order => next_order(document, OrderAction::Edit).map(|_| ()),
        DocumentKind::Invoice | DocumentKind::CreditNote => {
            next_invoice(document, InvoiceAction::Edit).map(|_| ())
        }
    }
}

/// Rewrites a draft of `kind` with the whole body, lines included, if its
/// version is still `expected_version` (when given) and its state allows;
/// an invoice billing an order never is (409).
pub async fn replace_draft(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    id: Uuid,
    expected_version: Option<i64>,
    request: DocumentRequest,
) -> ServiceResult<DocumentDetail> {
    let input = validate_document(db, actor, kind, request).await?;
    let mut tx = db.begin().await?;
    let current = load(&mut tx, actor.organization_id, id, kind).await?;
    check_version(expected_version, current.version)?;
    editable(&current)?;
    if kind == DocumentKind::Invoice && current.source_id.is_some() {
        // Its lines carry the order lines they bill (the order's invoiced
        // quantities); a whole new body would cut them loose.
        return Err(ServiceError::InvalidTransition(
            "an invoice that bills an order is not rewritten: delete the draft and invoice the order again"
                .into(),
        ));
    }
    let updated =
        store::replace_document(&mut tx, actor.organization_id, id, current.version, &input)
            .await?;
    log(
        &mut tx,
        actor,
        "update",
        kind.as_str(),
        id,
        Some(&current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    detail(db, actor, updated).await
}

/// Deletes a draft quote, order or invoice, with its audit entry and
/// event. A draft invoice that bills an order gives back to the order
/// what it billed; a draft order converted from a quote is cancelled
/// instead (409), so the quote keeps the order it became.
pub async fn delete_draft(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    id: Uuid,
) -> ServiceResult<()> {
    let mut tx = db.begin().await?;
    let draft = load(&mut tx, actor.organization_id, id, kind).await?;
    may_delete(kind, draft.status).map_err(ServiceError::InvalidTransition)?;
    match (kind, draft.source_id) {
        (DocumentKind::Order, Some(_)) => {
            return Err(ServiceError::InvalidTransition(
                "this order was converted from a quote: cancel it instead".into(),
            ));
        }
        (DocumentKind::Invoice, Some(order_id)) => {
            give_back_to_order(&mut tx, actor, order_id, id).await?;
        }
        _ => {}
    }
    if !store::delete_draft(&mut tx, actor.organization_id, id).await? {
        return Err(ServiceError::InvalidTransition(
            "the document changed meanwhile; retry".into(),
        ));
    }
    log(
        &mut tx,
        actor,
        "delete",
        kind.as_str(),
        id,
        Some(&draft),
        None::<&SalesDocument>,
    )
    .await?;
    event(
        &mut tx,
        actor,
        &format!("{}_deleted", kind.as_str()),
        &draft,
        Value::Object(Default::default()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Makes billable again on `order_id` what the draft invoice `draft_id`
/// billed, and moves the order back from `invoiced` if it was.
async fn give_back_to_order(
    tx: &mut Tx,
    actor: &Actor,
    order_id: Uuid,
    draft_id: Uuid,
) -> ServiceResult<()> {
    let order = load(tx, actor.organization_id, order_id, DocumentKind::Order).await?;
    let to = next_order(&order, OrderAction::DropInvoice)?;
    for line in store::lines_in(tx, actor.organization_id, draft_id).await? {
        let Some(order_line) = line.source_line_id else {
            continue;
        };
        if !store::uninvoice_line(
            tx,
            actor.organization_id,
            order_id,
            order_line,
            line.quantity.0,
        )
        .await?
        {
            return Err(ServiceError::InvalidTransition(
                "the order changed meanwhile; retry".into(),
            ));
        }
    }
    if order.status != to {
        move_to(tx, actor, &order, to.into(), "order_invoice_dropped").await?;
    }
    Ok(())
}

/// The input that copies a document's lines as they are.
pub(super) fn copy_of(document: &SalesDocument, lines: &[SalesLine]) -> DocumentInput {
    DocumentInput {
        client_id: document.client_id,
        warehouse_id: document.warehouse_id,
        currency: document.currency.clone(),
        issue_date: document.issue_date,
        valid_until: document.valid_until,
        notes: document.notes.clone(),
        discount_percent: document.discount_percent.0,
        lines: lines
            .iter()
            .map(|line| LineInput {
                item: line.item(),
                description: line.description.clone(),
                amounts: line.amounts(),
                vat_exemption_reason: line.vat_exemption_reason.clone(),
                location_id: None,
                source_line_id: None,
            })
            .collect(),
    }
}
