//! The facts of the documents that move goods: a delivery note and a
//! purchase order.

use super::{
    Printing, Products, address, billing_and_shipping, free_text, images, recipient_of_client,
    sales_line, seller, tax_lines,
};
use crate::organization::identity_in;
use crate::{Actor, ServiceResult};
use comptoir_db::Tx;
use comptoir_db::parties::{Client, Supplier};
use comptoir_db::printing;
use comptoir_db::purchasing::{PurchaseOrder, PurchaseOrderLine};
use comptoir_db::resource;
use comptoir_db::sales::{self as store, Delivery, SalesDocument};
use comptoir_documents::printed::{Facts, Line, PrintedKind, Recipient};
use comptoir_domain::catalog::PartyKind;
use comptoir_domain::documents::{LineAmounts, discounted_totals};
use comptoir_domain::language::Language;
use comptoir_domain::numbers::{Money, Percent};

/// A delivery note: what this delivery carried, with the order's prices
/// when `prices`.
pub(in crate::documents) async fn delivery(
    tx: &mut Tx,
    actor: &Actor,
    delivery: &Delivery,
    language: Language,
    prices: bool,
) -> ServiceResult<Printing> {
    let organization_id = actor.organization_id;
    let order: SalesDocument = resource::read_in(tx, organization_id, delivery.order_id).await?;
    let delivered = store::delivered_lines(tx, organization_id, delivery.id).await?;
    let products = Products::of(
        tx,
        actor,
        delivered.iter().filter_map(|d| d.line.product_id),
    )
    .await?;
    let client: Client = resource::read_in(tx, organization_id, order.client_id).await?;
    let addresses = printing::addresses(tx, organization_id, "client_id", client.id).await?;
    let (billing, shipping) = billing_and_shipping(&addresses);
    let identity = identity_in(tx, organization_id).await?;
    let lines: Vec<Line> = delivered
        .iter()
        .map(|d| {
            let mut amounts = d.line.amounts();
            amounts.quantity = d.delivered.0;
            let mut line = sales_line(&d.line, &products, language);
            line.quantity = d.delivered.0;
            line.total_excl_tax = amounts.total_excl_tax();
            line
        })
        .collect();
    let amounts: Vec<LineAmounts> = delivered
        .iter()
        .map(|d| LineAmounts {
            quantity: d.delivered.0,
            ..d.line.amounts()
        })
        .collect();
    let totals = discounted_totals(&amounts, order.discount_percent.0);
    let (logo, images) = images(tx, &identity, &products).await?;
    let facts = Facts {
        kind: PrintedKind::Delivery,
        language,
        number: delivery.number.clone(),
        currency: order.currency.clone(),
        issue_date: None,
        due_date: None,
        valid_until: None,
        delivery_date: Some(delivery.delivery_date),
        expected_date: None,
        seller: seller(&identity),
        recipient: recipient_of_client(&client, billing.as_ref()),
        delivery_address: shipping.as_ref().map(address),
        corrects: None,
        order_number: order.number.clone(),
        show_prices: prices,
        discount_percent: order.discount_percent.0,
        discount_amount: totals.discount_amount,
        total_excl_tax: totals.total_excl_tax,
        total_tax: totals.total_tax,
        total_incl_tax: totals.total_incl_tax,
        tax_breakdown: tax_lines(
            &totals,
            delivered.iter().map(|d| {
                (
                    d.line.vat_category,
                    d.line.vat_rate.0,
                    d.line.vat_exemption_reason.as_deref(),
                )
            }),
        ),
        payment_terms_days: None,
        operation: None,
        text: free_text(&identity, PrintedKind::Delivery),
        notes: None,
        has_logo: logo,
        lines,
    };
    Ok(Printing { facts, images })
}

/// A purchase order, addressed to its supplier.
pub(in crate::documents) async fn purchase_order(
    tx: &mut Tx,
    actor: &Actor,
    order: &PurchaseOrder,
    lines: &[PurchaseOrderLine],
    language: Language,
) -> ServiceResult<Printing> {
    let organization_id = actor.organization_id;
    let supplier: Supplier = resource::read_in(tx, organization_id, order.supplier_id).await?;
    let addresses = printing::addresses(tx, organization_id, "supplier_id", supplier.id).await?;
    let (billing, _) = billing_and_shipping(&addresses);
    let products = Products::of(tx, actor, lines.iter().map(|l| l.product_id)).await?;
    let identity = identity_in(tx, organization_id).await?;
    let amounts: Vec<LineAmounts> = lines
        .iter()
        .map(|l| LineAmounts {
            quantity: l.quantity.0,
            unit_price: l.unit_price.0,
            discount_percent: l.discount_percent.0,
            vat_category: l.vat_category,
            vat_rate: l.vat_rate.0,
        })
        .collect();
    let totals = discounted_totals(&amounts, Percent::ZERO);
    let (logo, images) = images(tx, &identity, &products).await?;
    let facts = Facts {
        kind: PrintedKind::PurchaseOrder,
        language,
        number: order.number.clone(),
        currency: order.currency.clone(),
        issue_date: Some(order.issue_date),
        due_date: None,
        valid_until: None,
        delivery_date: None,
        expected_date: order.expected_date,
        seller: seller(&identity),
        recipient: Recipient {
            code: Some(supplier.code),
            name: supplier.name,
            is_company: supplier.kind == PartyKind::Company,
            address: billing.as_ref().map(address),
            siren: supplier.siren,
            vat_number: supplier.vat_number,
        },
        delivery_address: None,
        corrects: None,
        order_number: None,
        show_prices: true,
        discount_percent: Percent::ZERO,
        discount_amount: Money::ZERO,
        total_excl_tax: order.total_excl_tax.0,
        total_tax: order.total_tax.0,
        total_incl_tax: order.total_incl_tax.0,
        tax_breakdown: tax_lines(
            &totals,
            lines.iter().map(|l| (l.vat_category, l.vat_rate.0, None)),
        ),
        payment_terms_days: None,
        operation: None,
        text: free_text(&identity, PrintedKind::PurchaseOrder),
        notes: order.notes.clone(),
        has_logo: logo,
        lines: lines
            .iter()
            .map(|l| Line {
                description: l.description.clone(),
                quantity: l.quantity.0,
                unit: products.unit(Some(l.product_id), language),
                unit_price: l.unit_price.0,
                discount_percent: l.discount_percent.0,
                vat_rate: l.vat_rate.0,
                total_excl_tax: l.total_excl_tax.0,
                image: products.image(Some(l.product_id)),
            })
            .collect(),
    };
    Ok(Printing { facts, images })
}
