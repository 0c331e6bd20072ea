//! The organization's settings: its name and time zone, and its identity
//! (legal name and form, address, registration numbers, bank account,
//! logo, payment terms, the texts its documents print). Read apart from
//! [`crate::auth::Organization`], which the session reads on every
//! request and must stay light.

use crate::error::DbError;
use crate::pool::{Db, Sql, Tx, now};
use crate::resource::Fixed;
use chrono::{DateTime, Utc};
use comptoir_domain::identifiers::{
    Bic, CountryCode, Email, Iban, NafCode, Siren, Siret, VatNumber, Website,
};
use comptoir_domain::numbers::{Money, Percent};
use comptoir_domain::time_zone::TimeZone;
use serde::Serialize;
use uuid::Uuid;

/// The organization's settings as stored: its identity, its time zone,
/// and the row's own fields.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrganizationSettings {
    pub id: Uuid,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub identity: OrganizationIdentity,
    /// Instants are shown in it and "today" is its calendar day.
    #[sqlx(try_from = "String")]
    #[schema(value_type = String, example = "Europe/Paris")]
    pub time_zone: TimeZone,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// Who the organization is, as its documents print it: every value was
/// checked when it was saved.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OrganizationIdentity {
    /// The name the business is known by.
    pub name: String,
    /// Of the share capital, and of documents by default.
    pub currency: String,
    /// The registered name, when it differs from `name`.
    pub legal_name: Option<String>,
    #[schema(example = "SARL")]
    pub legal_form: Option<String>,
    #[schema(value_type = Option<String>, example = "10000.00")]
    pub share_capital: Option<Fixed<Money>>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "FR")]
    pub country: String,
    pub siren: Option<String>,
    pub siret: Option<String>,
    /// The city of the trade register (RCS) the company is registered at.
    pub rcs_city: Option<String>,
    pub vat_number: Option<String>,
    /// NAF (APE) code, `62.01Z`.
    pub naf_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// Compact (`FR7630006000011234567890189`); `Iban::grouped` prints it
    /// by fours.
    pub iban: Option<String>,
    pub bic: Option<String>,
    /// The logo's file in the file store (`Db::files().get`), when one
    /// was uploaded.
    pub logo_sha256: Option<String>,
    /// `image/png` or `image/jpeg`.
    pub logo_content_type: Option<String>,
    /// Days from the issue date to the due date, by default.
    pub payment_terms_days: i64,
    /// The yearly late-payment penalty rate, in percent.
    #[schema(value_type = Option<String>, example = "12.15")]
    pub late_penalty_rate: Option<Fixed<Percent>>,
    /// The early-payment discount terms, printed on invoices.
    pub early_payment_discount: Option<String>,
    /// Printed at the foot of every document.
    pub footer: Option<String>,
    /// Printed on quotes.
    pub quote_text: Option<String>,
    /// Printed on order confirmations.
    pub order_text: Option<String>,
    /// Printed on delivery notes.
    pub delivery_text: Option<String>,
    /// Printed on invoices.
    pub invoice_text: Option<String>,
    /// Printed on credit notes.
    pub credit_note_text: Option<String>,
    /// Printed on purchase orders.
    pub purchase_order_text: Option<String>,
}

const COLUMNS: &str = "id, name, currency, time_zone, legal_name, legal_form, share_capital, \
    address_line1, address_line2, postal_code, city, country, siren, siret, rcs_city, vat_number, \
    naf_code, email, phone, website, iban, bic, logo_sha256, logo_content_type, payment_terms_days, \
    late_penalty_rate, early_payment_discount, footer, quote_text, order_text, delivery_text, \
    invoice_text, credit_note_text, purchase_order_text, created_at, updated_at, version";

/// The settings a change writes, every value already valid.
pub struct SettingsInput {
    pub name: String,
    pub time_zone: TimeZone,
    pub legal_name: Option<String>,
    pub legal_form: Option<String>,
    pub share_capital: Option<Money>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: CountryCode,
    pub siren: Option<Siren>,
    pub siret: Option<Siret>,
    pub rcs_city: Option<String>,
    pub vat_number: Option<VatNumber>,
    pub naf_code: Option<NafCode>,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub website: Option<Website>,
    pub iban: Option<Iban>,
    pub bic: Option<Bic>,
    pub payment_terms_days: i64,
    pub late_penalty_rate: Option<Percent>,
    pub early_payment_discount: Option<String>,
    pub footer: Option<String>,
    pub quote_text: Option<String>,
    pub order_text: Option<String>,
    pub delivery_text: Option<String>,
    pub invoice_text: Option<String>,
    pub credit_note_text: Option<String>,
    pub purchase_order_text: Option<String>,
}

/// A stored logo: its file and what kind of image it is.
pub struct Logo<'a> {
    pub sha256: &'a str,
    pub content_type: &'a str,
}

fn text<T: AsRef<str>>(value: &Option<T>) -> Option<&str> {
    value.as_ref().map(AsRef::as_ref)
}

fn select(lock: bool, backend: crate::Backend) -> String {
    let lock = match (lock, backend) {
        (true, crate::Backend::Postgres) => " FOR UPDATE",
        _ => "",
    };
    format!("SELECT {COLUMNS} FROM organizations WHERE id = $1{lock}")
}

pub async fn get_settings(db: &Db, id: Uuid) -> Result<OrganizationSettings, DbError> {
    db.fetch_one(Sql::new(select(false, db.backend())).bind(id))
        .await
}

/// The settings as `tx` sees them, for a workflow that prints them.
pub async fn read_settings(tx: &mut Tx, id: Uuid) -> Result<OrganizationSettings, DbError> {
    let sql = Sql::new(select(false, tx.backend())).bind(id);
    tx.fetch_one(sql).await
}

/// The settings, locked until `tx` ends so they change one writer at a
/// time.
pub async fn lock_settings(tx: &mut Tx, id: Uuid) -> Result<OrganizationSettings, DbError> {
    let sql = Sql::new(select(true, tx.backend())).bind(id);
    tx.fetch_one(sql).await
}

/// Replaces every setting but the logo.
pub async fn update_settings(
    tx: &mut Tx,
    id: Uuid,
    input: &SettingsInput,
) -> Result<OrganizationSettings, DbError> {
    let sql = Sql::new(format!(
        "UPDATE organizations SET name = $1, time_zone = $2, legal_name = $3, legal_form = $4, \
         share_capital = $5, address_line1 = $6, address_line2 = $7, postal_code = $8, city = $9, \
         country = $10, siren = $11, siret = $12, rcs_city = $13, vat_number = $14, naf_code = $15, \
         email = $16, phone = $17, website = $18, iban = $19, bic = $20, payment_terms_days = $21, \
         late_penalty_rate = $22, early_payment_discount = $23, footer = $24, quote_text = $25, \
         order_text = $26, delivery_text = $27, invoice_text = $28, credit_note_text = $29, \
         purchase_order_text = $30, updated_at = $31, version = version + 1 \
         WHERE id = $32 RETURNING {COLUMNS}"
    ))
    .bind(input.name.as_str())
    .bind(input.time_zone.name())
    .bind(input.legal_name.as_deref())
    .bind(input.legal_form.as_deref())
    .bind(input.share_capital)
    .bind(input.address_line1.as_deref())
    .bind(input.address_line2.as_deref())
    .bind(input.postal_code.as_deref())
    .bind(input.city.as_deref())
    .bind(input.country.as_str())
    .bind(text(&input.siren))
    .bind(text(&input.siret))
    .bind(input.rcs_city.as_deref())
    .bind(text(&input.vat_number))
    .bind(text(&input.naf_code))
    .bind(text(&input.email))
    .bind(input.phone.as_deref())
    .bind(text(&input.website))
    .bind(text(&input.iban))
    .bind(text(&input.bic))
    .bind(input.payment_terms_days)
    .bind(input.late_penalty_rate)
    .bind(input.early_payment_discount.as_deref())
    .bind(input.footer.as_deref())
    .bind(input.quote_text.as_deref())
    .bind(input.order_text.as_deref())
    .bind(input.delivery_text.as_deref())
    .bind(input.invoice_text.as_deref())
    .bind(input.credit_note_text.as_deref())
    .bind(input.purchase_order_text.as_deref())
    .bind(now())
    .bind(id);
    tx.fetch_one(sql).await
}

/// Names the organization's logo, or none. The file must already be in
/// the file store.
pub async fn set_logo(
    tx: &mut Tx,
    id: Uuid,
    logo: Option<Logo<'_>>,
) -> Result<OrganizationSettings, DbError> {
    let sql = Sql::new(format!(
        "UPDATE organizations SET logo_sha256 = $1, logo_content_type = $2, updated_at = $3, \
         version = version + 1 WHERE id = $4 RETURNING {COLUMNS}"
    ))
    .bind(logo.as_ref().map(|logo| logo.sha256))
    .bind(logo.as_ref().map(|logo| logo.content_type))
    .bind(now())
    .bind(id);
    tx.fetch_one(sql).await
}
