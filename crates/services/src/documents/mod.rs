//! Printed documents: the PDF of every commercial document, laid out by the
//! organization's template of its type (or the shipped one).
//!
//! An issued invoice or credit note is printed once, in the issuing
//! transaction (`print_issued`), as a Factur-X PDF (PDF/A-3 with its
//! EN 16931 XML embedded): the PDF and the XML go to the file store
//! before the row names them, and their names (SHA-256) are part of the
//! sales chain's record, so every reprint is the stored file, byte for
//! byte, and `verify-chain` notices a stored file changed. Everything
//! else, and an issued document in another language, is rendered when
//! asked.

mod einvoice;
mod facts;
pub mod templates;

use crate::{Actor, ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use comptoir_db::purchasing::{self as purchases, PurchaseOrder};
use comptoir_db::resource;
use comptoir_db::sales::{self as store, Delivery, SalesDocument};
use comptoir_db::{Db, Tx, templates as stored_templates};
use comptoir_documents::embed::embed_facturx;
use comptoir_documents::facturx::cii_xml;
use comptoir_documents::pdf::{Image, Render, TemplateError, render};
use comptoir_documents::printed::{PrintedKind, printed};
use comptoir_domain::einvoice::check;
use comptoir_domain::language::Language;
use comptoir_domain::sales::DocumentKind;
use facts::{Printing, SalesSource};
use uuid::Uuid;

/// The language an issued document is printed in once, for good.
const ISSUED_LANGUAGE: Language = Language::Fr;

/// A rendered document, ready to download.
pub struct Pdf {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

impl Pdf {
    fn named(number: &str, bytes: Vec<u8>) -> Self {
        Self {
            file_name: format!("{}.pdf", file_stem(number)),
            bytes,
        }
    }
}

/// The Factur-X XML of an issued invoice or credit note, ready to
/// download.
pub struct FacturxXml {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A document number as a file name: letters, digits and dashes kept.
fn file_stem(number: &str) -> String {
    number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The template `kind` prints with in this organization.
async fn template_source(tx: &mut Tx, actor: &Actor, kind: PrintedKind) -> ServiceResult<String> {
    Ok(
        stored_templates::template_in(tx, actor.organization_id, kind.as_str())
            .await?
            .map(|t| t.source)
            .unwrap_or_else(|| comptoir_documents::DEFAULT_TEMPLATE.to_owned()),
    )
}

/// The organization's own template failed on a real document: said as
/// the template's field error, with its line.
fn template_failed(error: TemplateError) -> ServiceError {
    ServiceError::field(
        "template",
        &format!("the document template fails on this document: {error}"),
    )
}

/// Renders `printing` with `template` off the async threads (layout is
/// CPU work).
async fn render_printing(
    template: String,
    printing: Printing,
    created_at: DateTime<Utc>,
    ident: String,
) -> ServiceResult<Vec<u8>> {
    let data = serde_json::to_value(printed(&printing.facts)).map_err(ServiceError::internal)?;
    tokio::task::spawn_blocking(move || {
        let images: Vec<Image> = printing
            .images
            .iter()
            .map(|image| Image {
                name: &image.name,
                bytes: &image.bytes,
            })
            .collect();
        render(&Render {
            template: &template,
            data: &data,
            images: &images,
            created_at,
            ident: &ident,
        })
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(template_failed)
}

async fn print(
    tx: &mut Tx,
    actor: &Actor,
    printing: Printing,
    created_at: DateTime<Utc>,
    id: Uuid,
) -> ServiceResult<Pdf> {
    let template = template_source(tx, actor, printing.facts.kind).await?;
    let number = printing.facts.number.clone();
    let bytes = render_printing(template, printing, created_at, id.to_string()).await?;
    Ok(Pdf::named(&number, bytes))
}

/// The PDF of a quote, an order, an invoice or a credit note. An issued
/// invoice or credit note in French is the stored file.
pub async fn sales_document_pdf(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    id: Uuid,
    language: Language,
) -> ServiceResult<Pdf> {
    let document: SalesDocument = resource::get(db, actor.organization_id, id).await?;
    if document.kind != kind {
        return Err(ServiceError::NotFound);
    }
    if let (Some(sha256), Some(number), ISSUED_LANGUAGE) =
        (&document.pdf_sha256, &document.number, language)
    {
        let bytes = db
            .files()
            .get(sha256)
            .await
            .map_err(ServiceError::internal)?;
        return Ok(Pdf::named(number, bytes));
    }
    let mut tx = db.begin_read().await?;
    let source = SalesSource::read(&mut tx, actor, &document).await?;
    let printing = source.printing(&mut tx, language).await?;
    let created_at = document.issued_at.unwrap_or(document.created_at);
    let pdf = print(&mut tx, actor, printing, created_at, document.id).await?;
    tx.commit().await?;
    Ok(pdf)
}

/// The Factur-X XML of an issued invoice or credit note: the file its
/// PDF embeds, as stored when it was issued.
pub async fn facturx_xml(
    db: &Db,
    actor: &Actor,
    kind: DocumentKind,
    id: Uuid,
) -> ServiceResult<FacturxXml> {
    let document: SalesDocument = resource::get(db, actor.organization_id, id).await?;
    if document.kind != kind {
        return Err(ServiceError::NotFound);
    }
    let (Some(sha256), Some(number)) = (&document.xml_sha256, &document.number) else {
        return Err(ServiceError::conflict(
            "only an issued document has an e-invoice: issue it first",
        ));
    };
    let bytes = db
        .files()
        .get(sha256)
        .await
        .map_err(ServiceError::internal)?;
    Ok(FacturxXml {
        file_name: format!("{}-factur-x.xml", file_stem(number)),
        bytes,
    })
}

/// The delivery note of a delivery, with or without the order's prices.
pub async fn delivery_pdf(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    language: Language,
    prices: bool,
) -> ServiceResult<Pdf> {
    let delivery: Delivery = resource::get(db, actor.organization_id, id).await?;
    let mut tx = db.begin_read().await?;
    let printing = facts::delivery(&mut tx, actor, &delivery, language, prices).await?;
    let pdf = print(&mut tx, actor, printing, delivery.created_at, delivery.id).await?;
    tx.commit().await?;
    Ok(pdf)
}

/// The purchase order sent to its supplier.
pub async fn purchase_order_pdf(
    db: &Db,
    actor: &Actor,
    id: Uuid,
    language: Language,
) -> ServiceResult<Pdf> {
    let order: PurchaseOrder = resource::get(db, actor.organization_id, id).await?;
    let mut tx = db.begin_read().await?;
    let lines = purchases::lines_in(&mut tx, actor.organization_id, order.id).await?;
    let printing = facts::purchase_order(&mut tx, actor, &order, &lines, language).await?;
    let pdf = print(&mut tx, actor, printing, order.created_at, order.id).await?;
    tx.commit().await?;
    Ok(pdf)
}

/// Prints an invoice or credit note just issued in `tx` as a Factur-X
/// PDF: refused (422, naming what to fix) when its e-invoice would fail
/// the EN 16931 rules; else the PDF with its XML embedded, and the XML
/// alone, are stored, then named on the row, which the database then
/// refuses to change. Returns the document as it now is, for the sales
/// chain.
pub async fn print_issued(
    tx: &mut Tx,
    actor: &Actor,
    issued: &SalesDocument,
) -> ServiceResult<SalesDocument> {
    let source = SalesSource::read(tx, actor, issued).await?;
    let printing = source.printing(tx, ISSUED_LANGUAGE).await?;
    let invoice = einvoice::einvoice(&source, &printing.facts);
    check(&invoice).map_err(ServiceError::Validation)?;
    let xml = cii_xml(&invoice).into_bytes();
    let created_at = issued.issued_at.unwrap_or(issued.created_at);
    let template = template_source(tx, actor, printing.facts.kind).await?;
    let pdf = render_printing(template, printing, created_at, issued.id.to_string()).await?;
    let (pdf, xml) = tokio::task::spawn_blocking(move || {
        embed_facturx(&pdf, &xml, created_at).map(|pdf| (pdf, xml))
    })
    .await
    .map_err(ServiceError::internal)?
    .map_err(ServiceError::internal)?;
    let files = tx.files();
    let xml_sha256 = files.put(&xml).await.map_err(ServiceError::internal)?;
    let pdf_sha256 = files.put(&pdf).await.map_err(ServiceError::internal)?;
    store::attach_printed(
        tx,
        actor.organization_id,
        issued.id,
        &pdf_sha256,
        Some(&xml_sha256),
    )
    .await?
    .ok_or_else(|| ServiceError::conflict("the document was printed meanwhile; retry"))
}
