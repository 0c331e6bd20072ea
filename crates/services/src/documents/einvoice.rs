//! The EN 16931 invoice of a stored invoice or credit note, written from
//! the same reading as its PDF (`SalesSource`) and the same words
//! (`einvoice_wording`), so the Factur-X XML says what the PDF says.

use super::facts::SalesSource;
use comptoir_db::parties::Address as StoredAddress;
use comptoir_documents::printed::{Facts, einvoice_wording};
use comptoir_domain::catalog::{PartyKind, Unit};
use comptoir_domain::einvoice::{
    Address, BankAccount, Delivery, DocumentType, Header, Invoice, LineFacts, Note, Party,
    PrecedingInvoice,
};
use comptoir_domain::numbers::Money;
use comptoir_domain::sales::DocumentKind;

fn address(stored: &StoredAddress) -> Address {
    Address {
        line1: Some(stored.line1.clone()),
        line2: stored.line2.clone(),
        postal_code: Some(stored.postal_code.clone()),
        city: Some(stored.city.clone()),
        country: Some(stored.country.clone()),
    }
}

/// The country a client with no billing address is invoiced in: the one
/// its VAT number names, else the organization's own (a local client).
fn fallback_country(vat_number: Option<&str>, organization_country: &str) -> String {
    vat_number
        .and_then(|vat| vat.get(..2))
        .filter(|prefix| prefix.bytes().all(|b| b.is_ascii_uppercase()))
        .unwrap_or(organization_country)
        .to_owned()
}

fn seller(source: &SalesSource) -> Party {
    let identity = &source.identity;
    Party {
        id: None,
        name: identity.legal_name.clone().unwrap_or(identity.name.clone()),
        siren: identity.siren.clone(),
        vat_id: identity.vat_number.clone(),
        address: Address {
            line1: identity.address_line1.clone(),
            line2: identity.address_line2.clone(),
            postal_code: identity.postal_code.clone(),
            city: identity.city.clone(),
            country: Some(identity.country.clone()),
        },
        email: identity.email.clone(),
    }
}

fn buyer(source: &SalesSource) -> Party {
    let client = &source.client;
    let address = source.billing.as_ref().map_or_else(
        || Address {
            country: Some(fallback_country(
                client.vat_number.as_deref(),
                &source.identity.country,
            )),
            ..Address::default()
        },
        address,
    );
    Party {
        id: Some(client.code.clone()),
        name: client.name.clone(),
        siren: client
            .siren
            .clone()
            .filter(|_| client.kind == PartyKind::Company),
        vat_id: client.vat_number.clone(),
        address,
        email: client.email.clone(),
    }
}

/// The e-invoice of an issued invoice or credit note, whose PDF prints
/// `facts`.
pub(super) fn einvoice(source: &SalesSource, facts: &Facts) -> Invoice {
    let document = &source.document;
    let (payment_terms, mut notes) = einvoice_wording(facts);
    if let Some(text) = document.notes.as_ref().filter(|n| !n.trim().is_empty()) {
        notes.push(Note {
            subject: None,
            content: text.clone(),
        });
    }
    let buyer = buyer(source);
    let delivery_country = source
        .shipping
        .as_ref()
        .map(|shipping| shipping.country.clone())
        .or(buyer.address.country.clone());
    let header = Header {
        document_type: match document.kind {
            DocumentKind::CreditNote => DocumentType::CreditNote,
            _ => DocumentType::Invoice,
        },
        number: document.number.clone().unwrap_or_default(),
        issue_date: document
            .issue_date
            .unwrap_or(document.created_at.date_naive()),
        currency: document.currency.clone(),
        due_date: document.due_date,
        payment_terms,
        preceding_invoice: source.corrected_invoice().map(|invoice| PrecedingInvoice {
            number: invoice.number.clone().unwrap_or_default(),
            issue_date: invoice.issue_date,
        }),
        delivery: Delivery {
            date: source.delivery_date,
            country: delivery_country,
        },
        notes,
        discount_percent: document.discount_percent.0,
        prepaid: Money::ZERO,
    };
    let identity = &source.identity;
    let account = identity.iban.as_ref().map(|iban| BankAccount {
        iban: iban.clone(),
        bic: identity.bic.clone(),
    });
    let lines = source
        .lines
        .iter()
        .map(|line| {
            let product = source.products.get(line.product_id);
            LineFacts {
                name: line.description.clone(),
                seller_code: product.map(|p| p.code.clone()),
                quantity: line.quantity.0,
                unit: product.map_or(Unit::Unit, |p| p.unit),
                unit_price: line.unit_price.0,
                discount_percent: line.discount_percent.0,
                vat_category: line.vat_category,
                vat_rate: line.vat_rate.0,
                exemption_reason: line.vat_exemption_reason.clone(),
            }
        })
        .collect();
    Invoice::new(header, seller(source), buyer, account, lines)
}

#[cfg(test)]
mod tests {
    use super::fallback_country;

    #[test]
    fn a_client_without_address_is_invoiced_in_its_vat_country_else_ours() {
        assert_eq!(fallback_country(Some("BE0123456789"), "FR"), "BE");
        assert_eq!(fallback_country(None, "FR"), "FR");
        assert_eq!(fallback_country(Some("x"), "FR"), "FR");
    }
}
