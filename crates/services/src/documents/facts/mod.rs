//! What a stored document prints: its facts gathered in one transaction
//! (the document, its lines and their products, the organization's
//! identity, the client or supplier and their addresses) for
//! `comptoir_documents::printed`, and the images its template may show.

mod logistics;

pub(super) use logistics::{delivery, purchase_order};

use crate::{Actor, ServiceError, ServiceResult};
use chrono::NaiveDate;
use comptoir_db::Tx;
use comptoir_db::organization::OrganizationIdentity;
use comptoir_db::parties::{Address as StoredAddress, Client};
use comptoir_db::printing::{self, LineProduct};
use comptoir_db::resource;
use comptoir_db::sales::{self as store, SalesDocument, SalesLine};
use comptoir_documents::printed::{
    Address, Facts, Line, Operation, PrintedKind, Recipient, Seller, TaxLine,
};
use comptoir_documents::words::unit_label;
use comptoir_domain::catalog::{AddressKind, PartyKind, ProductKind, VatCategory};
use comptoir_domain::documents::{LineAmounts, Totals, discounted_totals};
use comptoir_domain::einvoice::breakdown_wording;
use comptoir_domain::language::Language;
use comptoir_domain::numbers::Percent;
use comptoir_domain::sales::DocumentKind;
use uuid::Uuid;

use crate::organization::identity_in;

/// The name of the logo among a render's images.
const LOGO_PNG: &str = "logo.png";
const LOGO_JPEG: &str = "logo.jpg";

/// An image a template may show, read from the file store.
pub(super) struct OwnedImage {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A document's facts and the images they name.
pub(super) struct Printing {
    pub facts: Facts,
    pub images: Vec<OwnedImage>,
}

fn address(stored: &StoredAddress) -> Address {
    Address {
        line1: stored.line1.clone(),
        line2: stored.line2.clone(),
        postal_code: stored.postal_code.clone(),
        city: stored.city.clone(),
        country: stored.country.clone(),
    }
}

/// The billing address (the default first), and the shipping one when it
/// is another place.
fn billing_and_shipping(
    addresses: &[StoredAddress],
) -> (Option<StoredAddress>, Option<StoredAddress>) {
    let billing = addresses
        .iter()
        .find(|a| a.kind == AddressKind::Billing)
        .or(addresses.first());
    let shipping = addresses
        .iter()
        .find(|a| a.kind == AddressKind::Shipping)
        .filter(|shipping| {
            billing.is_none_or(|billing| {
                (&shipping.line1, &shipping.postal_code, &shipping.city)
                    != (&billing.line1, &billing.postal_code, &billing.city)
            })
        });
    (billing.cloned(), shipping.cloned())
}

/// The organization as its documents name it.
fn seller(identity: &OrganizationIdentity) -> Seller {
    let address = match (
        &identity.address_line1,
        &identity.postal_code,
        &identity.city,
    ) {
        (Some(line1), Some(postal_code), Some(city)) => Some(Address {
            line1: line1.clone(),
            line2: identity.address_line2.clone(),
            postal_code: postal_code.clone(),
            city: city.clone(),
            country: identity.country.clone(),
        }),
        _ => None,
    };
    Seller {
        name: identity.name.clone(),
        legal_name: identity.legal_name.clone(),
        legal_form: identity.legal_form.clone(),
        share_capital: identity.share_capital.map(|capital| capital.0),
        address,
        siren: identity.siren.clone(),
        siret: identity.siret.clone(),
        rcs_city: identity.rcs_city.clone(),
        vat_number: identity.vat_number.clone(),
        naf_code: identity.naf_code.clone(),
        email: identity.email.clone(),
        phone: identity.phone.clone(),
        website: identity.website.clone(),
        iban: identity.iban.clone(),
        bic: identity.bic.clone(),
        late_penalty_rate: identity.late_penalty_rate.map(|rate| rate.0),
        early_payment_discount: identity.early_payment_discount.clone(),
        footer: identity.footer.clone(),
    }
}

/// The organization's free text for a document type.
fn free_text(identity: &OrganizationIdentity, kind: PrintedKind) -> Option<String> {
    let text = match kind {
        PrintedKind::Quote => &identity.quote_text,
        PrintedKind::Order => &identity.order_text,
        PrintedKind::Delivery => &identity.delivery_text,
        PrintedKind::Invoice => &identity.invoice_text,
        PrintedKind::CreditNote => &identity.credit_note_text,
        PrintedKind::PurchaseOrder => &identity.purchase_order_text,
    };
    text.clone().filter(|text| !text.trim().is_empty())
}

/// The VAT breakdown, each category and rate with what the law makes
/// the document say of it: the reasons its lines give, else the
/// category's legal wording (as the e-invoice says it).
fn tax_lines<'a>(
    totals: &Totals,
    lines: impl Iterator<Item = (VatCategory, Percent, Option<&'a str>)> + Clone,
) -> Vec<TaxLine> {
    totals
        .tax_breakdown
        .iter()
        .map(|tax| TaxLine {
            category: tax.vat_category.as_str().to_owned(),
            rate: tax.vat_rate,
            base: tax.base,
            amount: tax.amount,
            wording: breakdown_wording(tax.vat_category, tax.vat_rate, lines.clone()),
        })
        .collect()
}

/// Goods, services or both, from the products sold; free-text lines
/// count as services.
fn operation(kinds: impl Iterator<Item = Option<ProductKind>>) -> Operation {
    let (mut goods, mut services) = (false, false);
    for kind in kinds {
        match kind {
            Some(ProductKind::Goods) => goods = true,
            _ => services = true,
        }
    }
    match (goods, services) {
        (true, false) => Operation::Goods,
        (true, true) => Operation::Both,
        _ => Operation::Services,
    }
}

/// The products named by a document's lines.
pub(super) struct Products(Vec<LineProduct>);

impl Products {
    async fn of(
        tx: &mut Tx,
        actor: &Actor,
        ids: impl Iterator<Item = Uuid>,
    ) -> ServiceResult<Self> {
        let ids: Vec<Uuid> = ids.collect();
        Ok(Self(
            printing::line_products(tx, actor.organization_id, &ids).await?,
        ))
    }

    pub(super) fn get(&self, id: Option<Uuid>) -> Option<&LineProduct> {
        id.and_then(|id| self.0.iter().find(|p| p.id == id))
    }

    fn unit(&self, id: Option<Uuid>, language: Language) -> String {
        self.get(id)
            .map(|p| unit_label(p.unit, language).to_owned())
            .unwrap_or_default()
    }

    /// The name a line's product image goes by among the render's images.
    fn image(&self, id: Option<Uuid>) -> Option<String> {
        self.get(id)
            .and_then(|p| p.thumbnail_sha256.as_ref())
            .map(|sha256| format!("product-{sha256}.png"))
    }
}

/// The logo and the products' thumbnails, read from the file store, and
/// the logo's name among them.
async fn images(
    tx: &mut Tx,
    identity: &OrganizationIdentity,
    products: &Products,
) -> ServiceResult<(Option<&'static str>, Vec<OwnedImage>)> {
    let mut images = Vec::new();
    let mut logo = None;
    if let Some(sha256) = &identity.logo_sha256 {
        let name = match identity.logo_content_type.as_deref() {
            Some("image/jpeg") => LOGO_JPEG,
            _ => LOGO_PNG,
        };
        let bytes = tx
            .files()
            .get(sha256)
            .await
            .map_err(ServiceError::internal)?;
        images.push(OwnedImage {
            name: name.to_owned(),
            bytes,
        });
        logo = Some(name);
    }
    for product in &products.0 {
        if let Some(sha256) = &product.thumbnail_sha256 {
            let name = format!("product-{sha256}.png");
            if images.iter().all(|image| image.name != name) {
                let bytes = tx
                    .files()
                    .get(sha256)
                    .await
                    .map_err(ServiceError::internal)?;
                images.push(OwnedImage { name, bytes });
            }
        }
    }
    Ok((logo, images))
}

fn sales_line(line: &SalesLine, products: &Products, language: Language) -> Line {
    Line {
        description: line.description.clone(),
        quantity: line.quantity.0,
        unit: products.unit(line.product_id, language),
        unit_price: line.unit_price.0,
        discount_percent: line.discount_percent.0,
        vat_rate: line.vat_rate.0,
        total_excl_tax: line.total_excl_tax.0,
        image: products.image(line.product_id),
    }
}

fn recipient_of_client(client: &Client, billing: Option<&StoredAddress>) -> Recipient {
    Recipient {
        code: Some(client.code.clone()),
        name: client.name.clone(),
        is_company: client.kind == PartyKind::Company,
        address: billing.map(address),
        siren: client.siren.clone(),
        vat_number: client.vat_number.clone(),
    }
}

fn printed_kind(kind: DocumentKind) -> PrintedKind {
    match kind {
        DocumentKind::Quote => PrintedKind::Quote,
        DocumentKind::Order => PrintedKind::Order,
        DocumentKind::Invoice => PrintedKind::Invoice,
        DocumentKind::CreditNote => PrintedKind::CreditNote,
    }
}

/// A quote, an order, an invoice or a credit note as stored, with what
/// it names, read once: its PDF and its e-invoice are written from it.
pub(super) struct SalesSource {
    pub document: SalesDocument,
    pub lines: Vec<SalesLine>,
    pub products: Products,
    pub client: Client,
    pub billing: Option<StoredAddress>,
    pub shipping: Option<StoredAddress>,
    pub identity: OrganizationIdentity,
    /// The document it comes from: an invoice's order, a credit note's
    /// invoice.
    pub source: Option<SalesDocument>,
    /// The date of the sale or service: an invoiced order's last
    /// delivery, else the issue date.
    pub delivery_date: Option<NaiveDate>,
}

impl SalesSource {
    pub(super) async fn read(
        tx: &mut Tx,
        actor: &Actor,
        document: &SalesDocument,
    ) -> ServiceResult<Self> {
        let organization_id = actor.organization_id;
        let lines = store::lines_in(tx, organization_id, document.id).await?;
        let products = Products::of(tx, actor, lines.iter().filter_map(|l| l.product_id)).await?;
        let client: Client = resource::read_in(tx, organization_id, document.client_id).await?;
        let addresses =
            printing::addresses(tx, organization_id, "client_id", document.client_id).await?;
        let (billing, shipping) = billing_and_shipping(&addresses);
        let source = match document.source_id {
            Some(id) => Some(resource::read_in::<SalesDocument>(tx, organization_id, id).await?),
            None => None,
        };
        let order = source.as_ref().filter(|s| s.kind == DocumentKind::Order);
        let delivery_date = match (document.kind, order) {
            (DocumentKind::Invoice, Some(order)) => {
                store::last_delivery_date(tx, organization_id, order.id)
                    .await?
                    .or(document.issue_date)
            }
            (DocumentKind::Invoice | DocumentKind::CreditNote, _) => document.issue_date,
            _ => None,
        };
        Ok(Self {
            document: document.clone(),
            lines,
            products,
            client,
            billing,
            shipping,
            identity: identity_in(tx, organization_id).await?,
            source,
            delivery_date,
        })
    }

    /// The invoice a credit note corrects.
    pub(super) fn corrected_invoice(&self) -> Option<&SalesDocument> {
        self.source.as_ref().filter(|source| {
            self.document.kind == DocumentKind::CreditNote && source.kind == DocumentKind::Invoice
        })
    }

    /// What the lines sell: goods, services or both.
    pub(super) fn operation(&self) -> Operation {
        operation(
            self.lines
                .iter()
                .map(|l| self.products.get(l.product_id).map(|p| p.kind)),
        )
    }

    fn facts(&self, language: Language) -> Facts {
        let document = &self.document;
        let kind = document.kind;
        let amounts: Vec<LineAmounts> = self.lines.iter().map(SalesLine::amounts).collect();
        let totals = discounted_totals(&amounts, document.discount_percent.0);
        let invoicing = matches!(kind, DocumentKind::Invoice | DocumentKind::CreditNote);
        let printed_kind = printed_kind(kind);
        Facts {
            kind: printed_kind,
            language,
            number: document.number.clone().unwrap_or_default(),
            currency: document.currency.clone(),
            issue_date: document.issue_date,
            due_date: document.due_date,
            valid_until: document.valid_until,
            delivery_date: self.delivery_date,
            expected_date: None,
            seller: seller(&self.identity),
            recipient: recipient_of_client(&self.client, self.billing.as_ref()),
            delivery_address: self.shipping.as_ref().map(address),
            corrects: self.corrected_invoice().map(|invoice| {
                (
                    invoice.number.clone().unwrap_or_default(),
                    invoice.issue_date,
                )
            }),
            order_number: self
                .source
                .as_ref()
                .filter(|s| s.kind == DocumentKind::Order)
                .and_then(|o| o.number.clone()),
            show_prices: true,
            discount_percent: document.discount_percent.0,
            discount_amount: totals.discount_amount,
            total_excl_tax: document.total_excl_tax.0,
            total_tax: document.total_tax.0,
            total_incl_tax: document.total_incl_tax.0,
            tax_breakdown: tax_lines(
                &totals,
                self.lines.iter().map(|l| {
                    (
                        l.vat_category,
                        l.vat_rate.0,
                        l.vat_exemption_reason.as_deref(),
                    )
                }),
            ),
            payment_terms_days: (kind == DocumentKind::Invoice)
                .then_some(self.client.payment_terms_days),
            operation: invoicing.then(|| self.operation()),
            text: free_text(&self.identity, printed_kind),
            notes: document.notes.clone(),
            has_logo: None,
            lines: self
                .lines
                .iter()
                .map(|line| sales_line(line, &self.products, language))
                .collect(),
        }
    }

    /// What the document prints in `language`, with its images.
    pub(super) async fn printing(
        &self,
        tx: &mut Tx,
        language: Language,
    ) -> ServiceResult<Printing> {
        let mut facts = self.facts(language);
        let (logo, images) = images(tx, &self.identity, &self.products).await?;
        facts.has_logo = logo;
        Ok(Printing { facts, images })
    }
}
