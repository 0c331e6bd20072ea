//! Supplier invoices coming in: an e-invoice file read and kept, or an
//! invoice typed in from paper.

use super::{SupplierInvoiceDetail, get_invoice, match_to_order};
use crate::audit::log;
use crate::validate::{MAX_NAME, check_reference, optional, parsed, required, required_parsed};
use crate::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::parties::Supplier;
use comptoir_db::payables::{self as store, LineInput, Original, SupplierInvoiceInput};
use comptoir_db::{Db, DbError, Tx, resource};
use comptoir_documents::receive::{self as reader, ReceivedInvoice, ReceivedKind};
use comptoir_domain::FieldErrors;
use comptoir_domain::catalog::VatCategory;
use comptoir_domain::currency::{DEFAULT_CURRENCY, parse_currency};
use comptoir_domain::documents::{LineAmounts, totals};
use comptoir_domain::numbers::{Percent, Quantity, UnitPrice};
use comptoir_domain::payables::due_date;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

/// A received file, as the entry point got it.
pub struct Upload {
    pub bytes: Vec<u8>,
}

/// Reads an e-invoice (Factur-X PDF, CII or UBL XML), keeps the file, and
/// records it as a `received` supplier invoice: its supplier found by
/// SIREN, else VAT number, else proposed from the seller it names; its
/// lines matched to the purchase order it quotes. A file that is not a
/// valid e-invoice is the `file` field's error; the same file twice is a
/// conflict naming the invoice it already is.
pub async fn receive_file(
    db: &Db,
    actor: &Actor,
    upload: Upload,
) -> ServiceResult<SupplierInvoiceDetail> {
    let received = reader::read(&upload.bytes)
        .map_err(|reason| ServiceError::field("file", &reason.to_string()))?;
    // The file first: a committed row never names a missing file.
    let sha256 = db
        .files()
        .put(&upload.bytes)
        .await
        .map_err(ServiceError::internal)?;
    let organization_id = actor.organization_id;
    let mut tx = db.begin().await?;
    let seller = &received.seller;
    let supplier_id = store::supplier_by_identity(
        &mut tx,
        organization_id,
        seller.siren.as_deref(),
        seller.vat_number.as_deref(),
    )
    .await?;
    let proposed = supplier_id.is_none().then(
        || json!({ "name": seller.name, "siren": seller.siren, "vat_number": seller.vat_number }),
    );
    let mut input = from_received(&received, supplier_id, proposed, sha256.clone());
    input.due_date = due_date(
        input.issue_date,
        input.due_date,
        supplier_terms(&mut tx, organization_id, supplier_id).await?,
    );
    let id = match insert(&mut tx, actor, &input).await {
        Err(ServiceError::Conflict { .. }) => {
            drop(tx);
            return Err(duplicate(db, organization_id, &sha256).await);
        }
        other => other?,
    };
    tx.commit().await?;
    get_invoice(db, actor, id).await
}

/// The payment terms of the supplier, when it is known.
pub(super) async fn supplier_terms(
    tx: &mut Tx,
    organization_id: Uuid,
    supplier_id: Option<Uuid>,
) -> ServiceResult<Option<i64>> {
    Ok(match supplier_id {
        Some(id) => Some(
            resource::read_in::<Supplier>(tx, organization_id, id)
                .await?
                .payment_terms_days,
        ),
        None => None,
    })
}

/// The 409 of a file already received, naming the invoice it is.
async fn duplicate(db: &Db, organization_id: Uuid, sha256: &str) -> ServiceError {
    match store::by_original(db, organization_id, sha256).await {
        Ok(Some(existing)) => ServiceError::Conflict {
            message: format!(
                "this file was already received, as the supplier's invoice {}",
                existing.number
            ),
            details: json!({ "field": "file", "supplier_invoice_id": existing.id }),
        },
        Ok(None) => ServiceError::conflict("this file was already received"),
        Err(error) => error.into(),
    }
}

fn from_received(
    received: &ReceivedInvoice,
    supplier_id: Option<Uuid>,
    proposed_supplier: Option<serde_json::Value>,
    sha256: String,
) -> SupplierInvoiceInput {
    let tax_breakdown = received
        .tax_breakdown
        .iter()
        .map(|t| {
            json!({ "vat_category": t.vat_category, "vat_rate": t.vat_rate, "base": t.base, "amount": t.amount })
        })
        .collect();
    SupplierInvoiceInput {
        supplier_id,
        proposed_supplier,
        number: received.number.clone(),
        kind: match received.kind {
            ReceivedKind::Invoice => "invoice",
            ReceivedKind::CreditNote => "credit_note",
        },
        currency: received.currency.clone(),
        issue_date: received.issue_date,
        due_date: received.due_date,
        buyer_order_reference: received.buyer_order_reference.clone(),
        total_excl_tax: received.totals.total_excl_tax,
        total_tax: received.totals.total_tax,
        total_incl_tax: received.totals.total_incl_tax,
        amount_due: received.totals.amount_due,
        tax_breakdown: serde_json::Value::Array(tax_breakdown),
        original: Some(Original {
            sha256,
            content_type: received.format.content_type(),
        }),
        original_format: received.format.as_str(),
        lines: received
            .lines
            .iter()
            .map(|l| LineInput {
                seller_item_id: l.seller_item_id.clone(),
                description: l.name.clone(),
                quantity: l.quantity,
                unit: l.unit.clone(),
                unit_price: l.net_price,
                vat_category: l.vat_category,
                vat_rate: l.vat_rate,
                total_excl_tax: l.net_amount,
            })
            .collect(),
    }
}

/// Inserts the invoice, matches it and logs it; the new invoice's id.
async fn insert(tx: &mut Tx, actor: &Actor, input: &SupplierInvoiceInput) -> ServiceResult<Uuid> {
    let invoice = match store::insert_invoice(tx, actor.organization_id, input).await {
        Ok((invoice, _)) => invoice,
        Err(DbError::Unique(_)) => return Err(ServiceError::conflict("already received")),
        Err(other) => return Err(other.into()),
    };
    match_to_order(tx, actor.organization_id, &invoice).await?;
    log(
        tx,
        actor,
        "receive",
        "supplier_invoice",
        invoice.id,
        None,
        Some(&invoice),
    )
    .await?;
    Ok(invoice.id)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PayableLineRequest {
    #[schema(required = true, nullable = false)]
    pub description: Option<String>,
    /// The supplier's code for the item, used to match the order.
    pub seller_item_id: Option<String>,
    #[schema(required = true, nullable = false, example = "10")]
    pub quantity: Option<String>,
    #[schema(required = true, nullable = false, example = "4.50")]
    pub unit_price: Option<String>,
    #[schema(required = true, nullable = false, example = "20.00")]
    pub vat_rate: Option<String>,
    /// Default `S` (standard).
    pub vat_category: Option<String>,
}

/// A supplier invoice typed in from paper; its PDF may be attached after.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SupplierInvoiceRequest {
    #[schema(required = true, nullable = false)]
    pub supplier_id: Option<Uuid>,
    /// The supplier's invoice number.
    #[schema(required = true, nullable = false)]
    pub number: Option<String>,
    #[schema(required = true, nullable = false)]
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// ISO 4217; default `EUR`.
    pub currency: Option<String>,
    /// Our purchase order number, to match the lines against.
    pub purchase_order_number: Option<String>,
    pub lines: Option<Vec<PayableLineRequest>>,
}

/// Records an invoice typed in by hand: totals computed from its lines by
/// the EN 16931 rules, matched like a received one.
pub async fn create_invoice(
    db: &Db,
    actor: &Actor,
    request: SupplierInvoiceRequest,
) -> ServiceResult<SupplierInvoiceDetail> {
    let mut tx = db.begin().await?;
    let input = validate(&mut tx, actor, request).await?;
    let id = insert(&mut tx, actor, &input).await?;
    tx.commit().await?;
    get_invoice(db, actor, id).await
}

async fn validate(
    tx: &mut Tx,
    actor: &Actor,
    request: SupplierInvoiceRequest,
) -> ServiceResult<SupplierInvoiceInput> {
    let mut errors = FieldErrors::new();
    if request.supplier_id.is_none() {
        errors.add("supplier_id", "is required");
    }
    check_reference::<Supplier>(
        tx,
        &mut errors,
        actor.organization_id,
        "supplier_id",
        request.supplier_id,
    )
    .await?;
    let number = required(&mut errors, "number", request.number, MAX_NAME);
    if request.issue_date.is_none() {
        errors.add("issue_date", "is required");
    }
    if let (Some(issued), Some(due)) = (request.issue_date, request.due_date)
        && due < issued
    {
        errors.add("due_date", "cannot be before the issue date");
    }
    let currency = parsed(&mut errors, "currency", request.currency, parse_currency)
        .unwrap_or_else(|| DEFAULT_CURRENCY.to_owned());
    let reference = optional(
        &mut errors,
        "purchase_order_number",
        request.purchase_order_number,
        MAX_NAME,
    );
    let requested = request.lines.unwrap_or_default();
    if requested.is_empty() {
        errors.add("lines", "at least one line is required");
    }
    let mut lines = Vec::new();
    let mut amounts = Vec::new();
    for (index, line) in requested.into_iter().enumerate() {
        let field = |name: &str| format!("lines[{index}].{name}");
        let description = required(
            &mut errors,
            &field("description"),
            line.description,
            MAX_NAME,
        );
        let seller_item_id = optional(
            &mut errors,
            &field("seller_item_id"),
            line.seller_item_id,
            MAX_NAME,
        );
        let quantity = required_parsed(
            &mut errors,
            &field("quantity"),
            line.quantity,
            Quantity::parse,
        );
        let unit_price = required_parsed(
            &mut errors,
            &field("unit_price"),
            line.unit_price,
            UnitPrice::parse_non_negative,
        );
        let vat_rate = required_parsed(
            &mut errors,
            &field("vat_rate"),
            line.vat_rate,
            Percent::parse_percentage,
        );
        let vat_category = parsed(
            &mut errors,
            &field("vat_category"),
            line.vat_category,
            VatCategory::parse,
        )
        .unwrap_or(VatCategory::Standard);
        if let (Some(description), Some(quantity), Some(unit_price), Some(vat_rate)) =
            (description, quantity, unit_price, vat_rate)
        {
            let line_amounts = LineAmounts {
                quantity,
                unit_price,
                discount_percent: Percent::ZERO,
                vat_category,
                vat_rate,
            };
            amounts.push(line_amounts);
            lines.push(LineInput {
                seller_item_id,
                description,
                quantity,
                unit: None,
                unit_price,
                vat_category,
                vat_rate,
                total_excl_tax: line_amounts.total_excl_tax(),
            });
        }
    }
    errors.finish(|| ())?;
    let computed = totals(&amounts);
    let issue_date = request.issue_date.unwrap_or_else(|| actor.today());
    let terms = supplier_terms(tx, actor.organization_id, request.supplier_id).await?;
    Ok(SupplierInvoiceInput {
        supplier_id: request.supplier_id,
        proposed_supplier: None,
        number: number.unwrap_or_default(),
        kind: "invoice",
        currency,
        issue_date,
        due_date: due_date(issue_date, request.due_date, terms),
        buyer_order_reference: reference,
        total_excl_tax: computed.total_excl_tax,
        total_tax: computed.total_tax,
        total_incl_tax: computed.total_incl_tax,
        amount_due: computed.total_incl_tax,
        tax_breakdown: serde_json::to_value(&computed.tax_breakdown)
            .map_err(ServiceError::internal)?,
        original: None,
        original_format: "manual",
        lines,
    })
}
