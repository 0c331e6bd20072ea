//! What happens to a supplier invoice once in: its supplier resolved,
//! approval, disputes, payments out, and its files read or attached.

use super::receive::supplier_terms;
use super::{SupplierInvoiceDetail, balance_due, detail, match_to_order, next_status};
use crate::audit::log;
use crate::parties::{IdentityFields, SupplierRequest};
use crate::records;
use crate::sales::PaymentRequest;
use crate::sales::payment_date;
use crate::validate::{MAX_TEXT, check_reference, query_filter, required};
use crate::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::parties::{self as parties_store, Supplier};
use comptoir_db::payables::{self as store, PaymentInput, SupplierInvoice, SupplierPayment};
use comptoir_db::resource::{self, Listing, Page, Sort, Table};
use comptoir_db::{Db, Filter, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::payables::{PayableAction, PayableStatus, due_date};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A supplier invoice with its lines and payments.
pub async fn get_invoice(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<SupplierInvoiceDetail> {
    let invoice = records::get(db, actor, id).await?;
    detail(db, actor.organization_id, invoice).await
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceFilters {
    /// `received`, `approved`, `partially_paid`, `paid` or `disputed`.
    #[param(value_type = Option<PayableStatus>)]
    pub status: Option<String>,
    pub supplier_id: Option<Uuid>,
    /// What is due to pay by this date: approved or partly paid invoices
    /// due on or before it.
    pub due_before: Option<NaiveDate>,
}

/// The invoices a list shows.
pub fn invoice_filter(
    organization_id: Uuid,
    filters: InvoiceFilters,
    q: Option<&str>,
) -> ServiceResult<Filter> {
    let status = query_filter("status", filters.status.as_deref(), PayableStatus::parse)?;
    let filter = Filter::organization(organization_id)
        .eq("supplier_id", filters.supplier_id)
        .eq("status", status.map(PayableStatus::as_str))
        .search(SupplierInvoice::SEARCHABLE, q);
    Ok(match filters.due_before {
        Some(date) => store::due_by(filter, date),
        None => filter,
    })
}

/// One page of the invoices `filters` select.
pub async fn list_invoices(
    db: &Db,
    actor: &Actor,
    filters: InvoiceFilters,
    q: Option<&str>,
    sort: Option<Sort>,
    page: Page,
) -> ServiceResult<Listing<SupplierInvoice>> {
    let filter = invoice_filter(actor.organization_id, filters, q)?;
    records::list(db, filter, sort, page).await
}

/// Who sent an invoice whose seller matched no supplier.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SupplierChoice {
    /// An existing supplier.
    pub supplier_id: Option<Uuid>,
    /// `true`: create the supplier the invoice proposes (its name, SIREN
    /// and VAT number).
    pub create: Option<bool>,
}

/// Names the supplier of an invoice that had none — an existing one, or
/// one created from the invoice's proposal —, dates it after that
/// supplier's payment terms when it states no due date, and matches its
/// lines to the order it quotes.
pub async fn resolve_supplier(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    choice: SupplierChoice,
) -> ServiceResult<SupplierInvoiceDetail> {
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let current: SupplierInvoice = resource::get_in(&mut tx, organization_id, id).await?;
    let supplier_id = match (choice.supplier_id, choice.create) {
        (Some(_), Some(true)) => {
            return Err(ServiceError::field(
                "supplier_id",
                "give either a supplier or create: true, not both",
            ));
        }
        (Some(supplier_id), _) => {
            let mut errors = FieldErrors::new();
            check_reference::<Supplier>(
                &mut tx,
                &mut errors,
                organization_id,
                "supplier_id",
                Some(supplier_id),
            )
            .await?;
            errors.finish(|| ())?;
            supplier_id
        }
        (None, Some(true)) => create_proposed(&mut tx, actor, &current).await?,
        (None, _) => {
            return Err(ServiceError::field(
                "supplier_id",
                "is required (or create: true to create the proposed supplier)",
            ));
        }
    };
    if current.supplier_id.is_some() {
        return Err(ServiceError::conflict(
            "this invoice's supplier is already known",
        ));
    }
    let terms = supplier_terms(&mut tx, organization_id, Some(supplier_id)).await?;
    let due = due_date(current.issue_date, current.due_date, terms);
    let resolved = store::set_supplier(&mut tx, organization_id, id, supplier_id, due)
        .await?
        .ok_or_else(|| ServiceError::conflict("this invoice's supplier is already known"))?;
    match_to_order(&mut tx, organization_id, &resolved).await?;
    log(
        &mut tx,
        actor,
        "resolve_supplier",
        "supplier_invoice",
        id,
        Some(&current),
        Some(&resolved),
    )
    .await?;
    tx.commit().await?;
    get_invoice(db, actor, id).await
}

/// Creates the supplier an invoice proposes, validated as any supplier.
async fn create_proposed(
    tx: &mut Tx,
    actor: &Actor,
    invoice: &SupplierInvoice,
) -> ServiceResult<Uuid> {
    let Some(proposal) = invoice.proposed_supplier.as_ref() else {
        return Err(ServiceError::conflict(
            "this invoice proposes no supplier to create",
        ));
    };
    let text = |key: &str| {
        proposal
            .0
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let request = SupplierRequest {
        code: None,
        identity: IdentityFields {
            kind: None,
            name: text("name"),
            email: None,
            phone: None,
            vat_number: text("vat_number"),
            siren: text("siren"),
            siret: None,
            payment_terms_days: None,
            notes: None,
        },
        active: None,
    };
    let input = request.validate().map_err(|errors| {
        ServiceError::conflict(format!(
            "the proposed supplier cannot be created as it is ({errors}); create it yourself and name it"
        ))
    })?;
    let created = parties_store::insert_supplier(tx, actor.organization_id, &input).await?;
    log(
        tx,
        actor,
        "create",
        "supplier",
        created.id,
        None,
        Some(&created),
    )
    .await?;
    Ok(created.id)
}

/// Applies `action` with one conditional status update, audited as `name`.
async fn act(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    action: PayableAction,
    name: &str,
    reason: Option<&str>,
) -> ServiceResult<SupplierInvoiceDetail> {
    let mut tx = db.begin().await?;
    let current: SupplierInvoice = resource::get_in(&mut tx, actor.organization_id, id).await?;
    let next = next_status(&current, action)?;
    if action == PayableAction::Approve && current.supplier_id.is_none() {
        return Err(ServiceError::InvalidTransition(
            "name the invoice's supplier before approving it".into(),
        ));
    }
    let moved = store::set_status(
        &mut tx,
        actor.organization_id,
        id,
        current.status,
        next,
        reason,
    )
    .await?
    .ok_or_else(|| {
        ServiceError::InvalidTransition("the invoice changed meanwhile; retry".into())
    })?;
    log(
        &mut tx,
        actor,
        name,
        "supplier_invoice",
        id,
        Some(&current),
        Some(&moved),
    )
    .await?;
    tx.commit().await?;
    detail(db, actor.organization_id, moved).await
}

/// Approves a received invoice for payment; its supplier must be known.
pub async fn approve(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<SupplierInvoiceDetail> {
    act(db, actor, id, PayableAction::Approve, "approve", None).await
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DisputeRequest {
    /// What is wrong with the invoice.
    #[schema(required = true, nullable = false)]
    pub reason: Option<String>,
}

/// Disputes a received or approved invoice, saying why.
pub async fn dispute(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    request: DisputeRequest,
) -> ServiceResult<SupplierInvoiceDetail> {
    let mut errors = FieldErrors::new();
    let reason = required(&mut errors, "reason", request.reason, MAX_TEXT);
    let reason = errors.finish(|| reason)?;
    act(
        db,
        actor,
        id,
        PayableAction::Dispute,
        "dispute",
        reason.as_deref(),
    )
    .await
}

/// Settles a dispute: the invoice is `received` again, to approve anew.
pub async fn resolve(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<SupplierInvoiceDetail> {
    act(db, actor, id, PayableAction::Resolve, "resolve", None).await
}

/// A payment out and the invoice after it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RecordedPayablePayment {
    #[serde(flatten)]
    pub payment: SupplierPayment,
    pub invoice: SupplierInvoiceDetail,
}

/// Pays an approved invoice, in part or in full: at most what remains
/// due, dated between its issue date and today; it becomes
/// `partially_paid`, then `paid`.
pub async fn record_payment(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    mut request: PaymentRequest,
) -> ServiceResult<RecordedPayablePayment> {
    let mut errors = FieldErrors::new();
    let (amount, method, reference) = request.fields(&mut errors);
    let mut tx = db.begin().await?;
    let invoice: SupplierInvoice = resource::get_in(&mut tx, actor.organization_id, id).await?;
    next_status(&invoice, PayableAction::Pay { complete: false })?;
    let date = payment_date(
        &mut errors,
        request.date,
        Some(invoice.issue_date),
        actor.today(),
    );
    let balance = balance_due(&invoice);
    if let Some(amount) = amount
        && amount > balance
    {
        errors.add("amount", format!("more than the balance due of {balance}"));
    }
    let Some((amount, method)) = errors.finish(|| amount.zip(method))? else {
        return Err(ServiceError::field("amount", "is required"));
    };
    let to = next_status(
        &invoice,
        PayableAction::Pay {
            complete: amount == balance,
        },
    )?;
    let payment = PaymentInput {
        amount,
        date,
        method,
        reference,
    };
    let (paid, recorded) = store::record_payment(
        &mut tx,
        actor.organization_id,
        &invoice,
        to,
        &payment,
        actor.user_id,
    )
    .await?
    .ok_or_else(|| ServiceError::conflict("the invoice changed meanwhile; retry"))?;
    log(
        &mut tx,
        actor,
        "pay",
        "supplier_invoice",
        id,
        Some(&invoice),
        Some(&paid),
    )
    .await?;
    tx.commit().await?;
    Ok(RecordedPayablePayment {
        payment: recorded,
        invoice: detail(db, actor.organization_id, paid).await?,
    })
}

/// A stored file of an invoice, to download.
pub struct OriginalFile {
    pub bytes: Vec<u8>,
    pub content_type: String,
    pub file_name: String,
}

/// The e-invoice exactly as received, or the PDF attached to an invoice
/// typed by hand; not found when there is neither.
pub async fn original(db: &Db, actor: &Actor, id: Uuid) -> ServiceResult<OriginalFile> {
    let invoice: SupplierInvoice = records::get(db, actor, id).await?;
    let (sha256, content_type) = match (&invoice.original_sha256, &invoice.attachment_sha256) {
        (Some(sha256), _) => (
            sha256.clone(),
            invoice
                .original_content_type
                .clone()
                .unwrap_or_else(|| "application/octet-stream".into()),
        ),
        (None, Some(sha256)) => (sha256.clone(), "application/pdf".into()),
        (None, None) => return Err(ServiceError::NotFound),
    };
    let bytes = db
        .files()
        .get(&sha256)
        .await
        .map_err(ServiceError::internal)?;
    let extension = match content_type.as_str() {
        "application/pdf" => "pdf",
        _ => "xml",
    };
    let safe_number: String = invoice
        .number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(OriginalFile {
        bytes,
        content_type,
        file_name: format!("{safe_number}.{extension}"),
    })
}

/// Attaches the PDF of an invoice typed by hand (one received as an
/// e-invoice already has its file). The bytes must be a PDF.
pub async fn attach_pdf(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i64>,
    bytes: Vec<u8>,
) -> ServiceResult<SupplierInvoiceDetail> {
    if !bytes.starts_with(b"%PDF-") {
        return Err(ServiceError::field(
            "file",
            "is not a PDF (it does not start with %PDF-)",
        ));
    }
    let current: SupplierInvoice = records::get(db, actor, id).await?;
    if current.original_sha256.is_some() {
        return Err(ServiceError::conflict(
            "this invoice was received as an e-invoice; its original file is kept as it came",
        ));
    }
    crate::validate::check_version(expected_version, current.version)?;
    let sha256 = db
        .files()
        .put(&bytes)
        .await
        .map_err(ServiceError::internal)?;
    let mut tx = db.begin().await?;
    let changed =
        store::set_attachment(&mut tx, actor.organization_id, id, current.version, &sha256)
            .await?
            .ok_or(ServiceError::PreconditionFailed {
                current: current.version + 1,
            })?;
    log(
        &mut tx,
        actor,
        "attach",
        "supplier_invoice",
        id,
        Some(&current),
        Some(&changed),
    )
    .await?;
    tx.commit().await?;
    detail(db, actor.organization_id, changed).await
}
