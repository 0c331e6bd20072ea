//! What identifies a business beyond its numbers: its activity code (NAF,
//! which INSEE calls APE), its website, and the rule tying its SIREN,
//! SIRET and French VAT number together.

use super::{IdentifierError, Siren, Siret, VatNumber, is_host_name};
use crate::FieldErrors;

string_newtype!(
    /// A NAF (APE) code as INSEE writes it: two digits, a dot, two digits
    /// and a letter (`62.01Z`); `6201Z` and `62.01z` are read alike.
    NafCode
);
string_newtype!(
    /// A website's address: an `http` or `https` URL with a host name;
    /// typed without a scheme, it is taken as `https`.
    Website
);

impl NafCode {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact: Vec<char> = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = compact.len() == 5
            && compact[..4].iter().all(char::is_ascii_digit)
            && compact[4].is_ascii_uppercase();
        if !valid {
            return Err(IdentifierError::NafCode);
        }
        let (division, rest) = compact.split_at(2);
        Ok(Self(format!(
            "{}.{}",
            division.iter().collect::<String>(),
            rest.iter().collect::<String>()
        )))
    }
}

/// The longest website address kept: enough for any real home page.
const MAX_WEBSITE: usize = 200;

impl Website {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let text = text.trim();
        let lowered = text.to_ascii_lowercase();
        let (scheme, rest) = if let Some(rest) = lowered.strip_prefix("https://") {
            ("https://", &text[text.len() - rest.len()..])
        } else if let Some(rest) = lowered.strip_prefix("http://") {
            ("http://", &text[text.len() - rest.len()..])
        } else if lowered.contains("://") {
            return Err(IdentifierError::Website);
        } else {
            ("https://", text)
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        let host = match authority.rsplit_once(':') {
            Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
                host
            }
            Some(_) => return Err(IdentifierError::Website),
            None => authority,
        };
        let tail_ok = tail
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '\\' | '`'));
        let website = format!("{scheme}{}{tail}", authority.to_ascii_lowercase());
        if !is_host_name(host) || !tail_ok || website.len() > MAX_WEBSITE {
            return Err(IdentifierError::Website);
        }
        Ok(Self(website))
    }
}

impl Siret {
    /// Whether this establishment belongs to the company `siren`.
    pub fn is_of(&self, siren: &Siren) -> bool {
        self.siren_part() == siren.as_str()
    }
}

impl VatNumber {
    /// The SIREN inside a French VAT number (`FR` + key + SIREN); other
    /// countries' numbers have none.
    pub fn french_siren(&self) -> Option<&str> {
        self.as_str().strip_prefix("FR").map(|rest| &rest[2..])
    }
}

/// Checks that a company's numbers name one company: the SIRET starts
/// with the SIREN, and a French VAT number holds the SIREN (or, without
/// one, the SIRET's). Each disagreement is recorded under the field to
/// correct, `siret` or `vat_number`.
pub fn check_company_numbers(
    errors: &mut FieldErrors,
    siren: Option<&Siren>,
    siret: Option<&Siret>,
    vat_number: Option<&VatNumber>,
) {
    if let (Some(siren), Some(siret)) = (siren, siret)
        && !siret.is_of(siren)
    {
        errors.add("siret", IdentifierError::SiretOfAnotherSiren.to_string());
    }
    let company = siren
        .map(Siren::as_str)
        .or_else(|| siret.map(Siret::siren_part));
    if let (Some(company), Some(vat_siren)) = (company, vat_number.and_then(|v| v.french_siren()))
        && vat_siren != company
    {
        errors.add(
            "vat_number",
            IdentifierError::VatNumberOfAnotherSiren.to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naf_codes_are_written_as_insee_does() {
        assert_eq!(NafCode::parse("6201Z").unwrap().as_str(), "62.01Z");
        assert_eq!(NafCode::parse(" 62.01z ").unwrap().as_str(), "62.01Z");
        assert_eq!(NafCode::parse("47.11F").unwrap().as_str(), "47.11F");
        for bad in ["", "62.01", "6201", "620AZ", "62.011Z", "62.01-", "Z6201"] {
            assert_eq!(NafCode::parse(bad), Err(IdentifierError::NafCode), "{bad}");
        }
    }

    #[test]
    fn websites_are_http_or_https_addresses_of_a_host() {
        assert_eq!(
            Website::parse("https://www.Comptoir.fr/contact?x=1")
                .unwrap()
                .as_str(),
            "https://www.comptoir.fr/contact?x=1"
        );
        assert_eq!(
            Website::parse("HTTP://boulangerie.fr").unwrap().as_str(),
            "http://boulangerie.fr"
        );
        assert_eq!(
            Website::parse("www.boulangerie.fr").unwrap().as_str(),
            "https://www.boulangerie.fr"
        );
        assert!(Website::parse("https://shop.example.com:8443/").is_ok());
        for bad in [
            "",
            "ftp://example.com",
            "javascript://alert(1)",
            "https://localhost",
            "https://exa mple.com",
            "https://-bad.com",
            "https://example.com:port",
            "https://example.com/a b",
            "https://example.com/\"onload",
        ] {
            assert_eq!(Website::parse(bad), Err(IdentifierError::Website), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(200));
        assert_eq!(Website::parse(&long), Err(IdentifierError::Website));
    }

    fn numbers(
        siren: Option<&str>,
        siret: Option<&str>,
        vat: Option<&str>,
    ) -> Vec<(String, String)> {
        let siren = siren.map(|s| Siren::parse(s).unwrap());
        let siret = siret.map(|s| Siret::parse(s).unwrap());
        let vat = vat.map(|s| VatNumber::parse(s).unwrap());
        let mut errors = FieldErrors::new();
        check_company_numbers(&mut errors, siren.as_ref(), siret.as_ref(), vat.as_ref());
        errors
            .into_vec()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_companys_numbers_name_the_same_company() {
        // 732 829 320: SIRET 732 829 320 00074, VAT FR44 732829320.
        let all = numbers(
            Some("732829320"),
            Some("73282932000074"),
            Some("FR44732829320"),
        );
        assert!(all.is_empty(), "{all:?}");
        assert!(numbers(None, Some("73282932000074"), Some("FR44732829320")).is_empty());
        assert!(numbers(Some("732829320"), None, Some("DE123456789")).is_empty());
        assert!(numbers(None, None, Some("FR44732829320")).is_empty());

        // 552 100 554 is another company; 96 = (12 + 3 × (552100554 mod 97)) mod 97.
        let other = "552100554";
        let other_vat = "FR96552100554";
        assert_eq!(
            numbers(Some(other), Some("73282932000074"), Some(other_vat)),
            [(
                "siret".to_owned(),
                IdentifierError::SiretOfAnotherSiren.to_string()
            )]
        );
        assert_eq!(
            numbers(Some("732829320"), None, Some(other_vat)),
            [(
                "vat_number".to_owned(),
                IdentifierError::VatNumberOfAnotherSiren.to_string()
            )]
        );
        assert_eq!(
            numbers(None, Some("73282932000074"), Some(other_vat))[0].0,
            "vat_number"
        );
    }
}
