//! The demo's sales: documents at each stage of their life.

use super::created;
use crate::InitError;
use chrono::Datelike;
use comptoir_db::audit::Actor;
use comptoir_db::catalog::Product;
use comptoir_db::compliance;
use comptoir_db::stock::Item;
use comptoir_db::{DbError, Tx};
use comptoir_db::{numbering, sales};
use comptoir_domain::catalog::ProductKind;
use comptoir_domain::documents::LineAmounts;
use comptoir_domain::numbers::{Money, Percent, Quantity};
use comptoir_domain::permissions::Role;
use comptoir_domain::sales::{DocumentKind, DocumentStatus, PaymentKind, PaymentMethod};
use comptoir_domain::time_zone::TimeZone;
use comptoir_services::documents::print_issued;
use uuid::Uuid;

/// A sent quote, a draft order, and an issued invoice half paid, each
/// numbered, chained and with its events as the API would leave them.
pub(super) async fn demo_sales(
    tx: &mut Tx,
    actor: &Actor,
    products: &[Product],
    clients: &[Uuid],
) -> Result<(), InitError> {
    let organization_id = actor.organization_id;
    let today = chrono::Utc::now().date_naive();
    let lines = |skip: usize, quantities: &[i64]| -> Vec<sales::LineInput> {
        products
            .iter()
            .filter(|p| p.kind == ProductKind::Goods)
            .skip(skip)
            .zip(quantities)
            .map(|(product, quantity)| sales::LineInput {
                item: Some(Item {
                    product_id: product.id,
                    variant_id: None,
                }),
                description: product.name.clone(),
                amounts: LineAmounts {
                    quantity: Quantity::from_units(quantity * 10_000),
                    unit_price: product.sale_price.0,
                    discount_percent: Percent::ZERO,
                    vat_category: product.vat_category,
                    vat_rate: product.vat_rate.0,
                },
                vat_exemption_reason: product.vat_exemption_reason.clone(),
                location_id: None,
                source_line_id: None,
            })
            .collect()
    };
    let documents = [
        (
            DocumentKind::Quote,
            DocumentStatus::Sent,
            clients[0],
            lines(0, &[40, 10]),
        ),
        (
            DocumentKind::Order,
            DocumentStatus::Draft,
            clients[1],
            lines(4, &[6, 2]),
        ),
        (
            DocumentKind::Invoice,
            DocumentStatus::Draft,
            clients[2],
            lines(7, &[3]),
        ),
    ];
    for (kind, status, client_id, lines) in documents {
        let input = sales::DocumentInput {
            client_id,
            warehouse_id: None,
            currency: "EUR".into(),
            issue_date: (kind != DocumentKind::Invoice).then_some(today),
            valid_until: (kind == DocumentKind::Quote).then(|| today + chrono::Days::new(30)),
            notes: None,
            discount_percent: Percent::ZERO,
            lines,
        };
        let number = match kind.numbered_as_draft() {
            true => Some(
                numbering::next_number(tx, organization_id, kind.series(), today.year()).await?,
            ),
            false => None,
        };
        let new = sales::NewDocument {
            kind,
            number,
            status,
            source_id: None,
            created_by: actor.user_id.unwrap_or_default(),
        };
        let mut document = sales::insert_document(tx, organization_id, new, &input).await?;
        created(tx, actor, kind.as_str(), document.id, &document).await?;
        demo_event(tx, actor, &format!("{}_created", kind.as_str()), &document).await?;
        if kind == DocumentKind::Quote {
            demo_event(tx, actor, "quote_sent", &document).await?;
        }
        if kind == DocumentKind::Invoice {
            let number =
                numbering::next_number(tx, organization_id, kind.series(), today.year()).await?;
            let due = today + chrono::Days::new(30);
            let issued = sales::issue(tx, organization_id, document.id, &number, today, Some(due))
                .await?
                .ok_or(DbError::NotFound)?;
            document = print(tx, actor, &issued).await?;
            compliance::chain_document(tx, organization_id, &document)
                .await
                .map_err(|e| InitError::Invalid(e.to_string()))?;
            demo_event(tx, actor, "invoice_issued", &document).await?;
            let half = Money::round(document.total_incl_tax.0.value() / rust_decimal::Decimal::TWO);
            let payment = sales::PaymentInput {
                amount: half,
                date: today,
                method: PaymentMethod::Transfer,
                reference: Some("VIR ACOMPTE".into()),
            };
            let created_by = actor.user_id.unwrap_or_default();
            let (paid, payment) = sales::record_payment(
                tx,
                organization_id,
                &document,
                DocumentStatus::PartiallyPaid,
                PaymentKind::Payment,
                &payment,
                created_by,
            )
            .await?
            .ok_or(DbError::NotFound)?;
            compliance::chain_payment(tx, organization_id, &payment)
                .await
                .map_err(|e| InitError::Invalid(e.to_string()))?;
            demo_event(tx, actor, "payment_received", &paid).await?;
        }
    }
    Ok(())
}

/// Prints an invoice or credit note just issued as the issuing service
/// does: its Factur-X PDF stored and named on the row, before it is
/// chained.
pub(super) async fn print(
    tx: &mut Tx,
    actor: &Actor,
    issued: &sales::SalesDocument,
) -> Result<sales::SalesDocument, InitError> {
    let printer = comptoir_services::Actor {
        organization_id: actor.organization_id,
        user_id: actor.user_id.unwrap_or_default(),
        role: Role::Admin,
        request_id: actor.request_id.clone(),
        ip: None,
        time_zone: TimeZone::default(),
    };
    print_issued(tx, &printer, issued).await.map_err(|e| {
        InitError::Invalid(format!(
            "demo {} {}: {e}",
            issued.kind.as_str(),
            issued.number.as_deref().unwrap_or_default()
        ))
    })
}

async fn demo_event(
    tx: &mut Tx,
    actor: &Actor,
    event_type: &str,
    document: &sales::SalesDocument,
) -> Result<(), DbError> {
    sales::record_event(
        tx,
        actor.organization_id,
        sales::NewEvent {
            event_type,
            subject_type: document.kind.as_str(),
            subject_id: document.id,
            client_id: Some(document.client_id),
            actor_id: actor.user_id,
            data: serde_json::json!({ "number": document.number, "status": document.status }),
        },
    )
    .await
}
