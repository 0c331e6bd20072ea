//! The organization's own settings: its name and its time zone, in which
//! the pages show instants and "today" is reckoned, and its identity —
//! what its documents print and the law asks of a seller, read by the
//! document renderers through [`identity`]. `logo` keeps its logo.

pub mod logo;

use crate::audit::log;
use crate::validate::{
    MAX_NAME, MAX_TEXT, check_version, days, optional, parsed, required, required_parsed,
};
use crate::{Actor, ServiceResult};
use comptoir_db::organization::{self as store, OrganizationSettings, SettingsInput};
use comptoir_db::{Db, Tx};
use comptoir_domain::FieldErrors;
use comptoir_domain::identifiers::{
    Bic, CountryCode, Email, Iban, NafCode, Siren, Siret, VatNumber, Website, check_company_numbers,
};
use comptoir_domain::numbers::{Money, Percent};
use comptoir_domain::time_zone::TimeZone;
use serde::Deserialize;
use uuid::Uuid;

pub use comptoir_db::organization::OrganizationIdentity;

/// The whole settings, replaced at once: a field left out is emptied,
/// but for `country` (`FR`) and `payment_terms_days` (30).
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct OrganizationRequest {
    /// The name the business is known by.
    #[schema(required = true, nullable = false, example = "Comptoir Démo SARL")]
    pub name: Option<String>,
    /// An IANA time zone.
    #[schema(required = true, nullable = false, example = "Europe/Paris")]
    pub time_zone: Option<String>,
    /// The registered name, when it differs from `name`.
    pub legal_name: Option<String>,
    #[schema(example = "SARL")]
    pub legal_form: Option<String>,
    #[schema(example = "10000.00")]
    pub share_capital: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2; `FR` when left out.
    #[schema(example = "FR")]
    pub country: Option<String>,
    #[schema(example = "732829320")]
    pub siren: Option<String>,
    /// Starts with the SIREN.
    #[schema(example = "73282932000074")]
    pub siret: Option<String>,
    /// The city of the trade register (RCS).
    pub rcs_city: Option<String>,
    /// A French one holds the SIREN.
    #[schema(example = "FR44732829320")]
    pub vat_number: Option<String>,
    /// NAF (APE) code: `62.01Z` or `6201Z`.
    pub naf_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// An http or https address; `https://` is added when left out.
    pub website: Option<String>,
    #[schema(example = "FR76 3000 6000 0112 3456 7890 189")]
    pub iban: Option<String>,
    #[schema(example = "BNPAFRPP")]
    pub bic: Option<String>,
    /// 0 to 3650; 30 when left out.
    pub payment_terms_days: Option<i64>,
    /// The yearly late-payment penalty rate, in percent.
    #[schema(example = "12.15")]
    pub late_penalty_rate: Option<String>,
    #[schema(example = "Pas d'escompte pour paiement anticipé")]
    pub early_payment_discount: Option<String>,
    pub footer: Option<String>,
    pub quote_text: Option<String>,
    pub order_text: Option<String>,
    pub delivery_text: Option<String>,
    pub invoice_text: Option<String>,
    pub credit_note_text: Option<String>,
    pub purchase_order_text: Option<String>,
}

impl OrganizationRequest {
    /// Every field checked, every bad one reported.
    pub fn validate(self) -> Result<SettingsInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let e = &mut errors;
        let name = required(e, "name", self.name, MAX_NAME);
        let time_zone = required_parsed(e, "time_zone", self.time_zone, TimeZone::parse);
        let country = parsed(e, "country", self.country, CountryCode::parse);
        let siren = parsed(e, "siren", self.siren, Siren::parse);
        let siret = parsed(e, "siret", self.siret, Siret::parse);
        let vat_number = parsed(e, "vat_number", self.vat_number, VatNumber::parse);
        check_company_numbers(e, siren.as_ref(), siret.as_ref(), vat_number.as_ref());
        let input = SettingsInput {
            name: name.unwrap_or_default(),
            time_zone: time_zone.unwrap_or(TimeZone::DEFAULT),
            legal_name: optional(e, "legal_name", self.legal_name, MAX_NAME),
            legal_form: optional(e, "legal_form", self.legal_form, 100),
            share_capital: parsed(
                e,
                "share_capital",
                self.share_capital,
                Money::parse_non_negative,
            ),
            address_line1: optional(e, "address_line1", self.address_line1, MAX_NAME),
            address_line2: optional(e, "address_line2", self.address_line2, MAX_NAME),
            postal_code: optional(e, "postal_code", self.postal_code, 20),
            city: optional(e, "city", self.city, MAX_NAME),
            country: country.unwrap_or_else(|| CountryCode::parse("FR").expect("a country")),
            siren,
            siret,
            rcs_city: optional(e, "rcs_city", self.rcs_city, MAX_NAME),
            vat_number,
            naf_code: parsed(e, "naf_code", self.naf_code, NafCode::parse),
            email: parsed(e, "email", self.email, Email::parse),
            phone: optional(e, "phone", self.phone, 40),
            website: parsed(e, "website", self.website, Website::parse),
            iban: parsed(e, "iban", self.iban, Iban::parse),
            bic: parsed(e, "bic", self.bic, Bic::parse),
            payment_terms_days: days(e, "payment_terms_days", self.payment_terms_days, 30),
            late_penalty_rate: parsed(
                e,
                "late_penalty_rate",
                self.late_penalty_rate,
                Percent::parse_percentage,
            ),
            early_payment_discount: optional(
                e,
                "early_payment_discount",
                self.early_payment_discount,
                MAX_TEXT,
            ),
            footer: optional(e, "footer", self.footer, MAX_TEXT),
            quote_text: optional(e, "quote_text", self.quote_text, MAX_TEXT),
            order_text: optional(e, "order_text", self.order_text, MAX_TEXT),
            delivery_text: optional(e, "delivery_text", self.delivery_text, MAX_TEXT),
            invoice_text: optional(e, "invoice_text", self.invoice_text, MAX_TEXT),
            credit_note_text: optional(e, "credit_note_text", self.credit_note_text, MAX_TEXT),
            purchase_order_text: optional(
                e,
                "purchase_order_text",
                self.purchase_order_text,
                MAX_TEXT,
            ),
        };
        errors.finish(|| input)
    }
}

/// The actor's organization's settings.
pub async fn settings(db: &Db, actor: &Actor) -> ServiceResult<OrganizationSettings> {
    Ok(store::get_settings(db, actor.organization_id).await?)
}

/// Replaces the organization's settings, if it is still at
/// `expected_version` when one is given.
pub async fn update(
    db: &Db,
    actor: &Actor,
    expected_version: Option<i64>,
    request: OrganizationRequest,
) -> ServiceResult<OrganizationSettings> {
    let input = request.validate()?;
    let mut tx = db.begin().await?;
    let current = store::lock_settings(&mut tx, actor.organization_id).await?;
    check_version(expected_version, current.version)?;
    let updated = store::update_settings(&mut tx, actor.organization_id, &input).await?;
    commit_change(tx, actor, &current, updated).await
}

/// Logs the change of the settings from `current` to `updated` and
/// commits it.
async fn commit_change(
    mut tx: Tx,
    actor: &Actor,
    current: &OrganizationSettings,
    updated: OrganizationSettings,
) -> ServiceResult<OrganizationSettings> {
    log(
        &mut tx,
        actor,
        "update",
        "organization",
        updated.id,
        Some(current),
        Some(&updated),
    )
    .await?;
    tx.commit().await?;
    Ok(updated)
}

/// The identity of `organization_id`: the one reading of the seller
/// that the document renderers print.
pub async fn identity(db: &Db, organization_id: Uuid) -> ServiceResult<OrganizationIdentity> {
    Ok(store::get_settings(db, organization_id).await?.identity)
}

/// The identity as `tx` sees it, for a workflow that prints in the
/// transaction that issues.
pub async fn identity_in(
    tx: &mut Tx,
    organization_id: Uuid,
) -> ServiceResult<OrganizationIdentity> {
    Ok(store::read_settings(tx, organization_id).await?.identity)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_vec().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn left_out_the_country_is_france_and_the_terms_30_days() {
        let request = OrganizationRequest {
            name: Some("Comptoir".into()),
            time_zone: Some("Europe/Paris".into()),
            ..Default::default()
        };
        let input = request.validate().expect("valid");
        assert_eq!(input.country.as_str(), "FR");
        assert_eq!(input.payment_terms_days, 30);
        assert!(input.iban.is_none() && input.footer.is_none());
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let request = OrganizationRequest {
            name: Some(" ".into()),
            time_zone: Some("Europe/Paris".into()),
            country: Some("France".into()),
            siren: Some("732829320".into()),
            siret: Some("55210055400013".into()),
            vat_number: Some("FR45732829320".into()),
            naf_code: Some("62A".into()),
            website: Some("ftp://x.fr".into()),
            iban: Some("FR7630006000011234567890188".into()),
            bic: Some("BNPA".into()),
            share_capital: Some("-1".into()),
            late_penalty_rate: Some("120".into()),
            payment_terms_days: Some(-1),
            ..Default::default()
        };
        let errors = request.validate().err().expect("refused");
        let mut names = fields(errors);
        names.sort();
        assert_eq!(
            names,
            [
                "bic",
                "country",
                "iban",
                "late_penalty_rate",
                "naf_code",
                "name",
                "payment_terms_days",
                "share_capital",
                "siret",
                "vat_number",
                "website"
            ]
        );
    }
}
