//! Identifiers with rules: barcodes (EAN-13/EAN-8 check digit), French
//! company numbers (SIREN/SIRET, Luhn), EU VAT numbers, e-mail addresses,
//! business codes and country codes; bank identifiers (IBAN, BIC) in
//! `bank`; the NAF code, the website and the agreement of a company's
//! numbers in `company`. Each type can only hold a valid value.

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
        #[schema(value_type = String)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_newtype!(
    /// An EAN-13 or EAN-8 barcode with a correct check digit.
    Barcode
);
string_newtype!(
    /// A SIREN (9 digits) number passing the Luhn check.
    Siren
);
string_newtype!(
    /// A SIRET (14 digits) number passing the Luhn check.
    Siret
);
string_newtype!(
    /// An intra-community VAT number with a known EU prefix, in upper case
    /// without spaces.
    VatNumber
);
string_newtype!(
    /// An e-mail address, lower-cased.
    Email
);
string_newtype!(
    /// A business code (`P-1001`, `CLI-00001`): 1 to 40 letters, digits,
    /// `-`, `_`, `.` or `/`, upper-cased.
    Code
);
string_newtype!(
    /// An ISO 3166-1 alpha-2 country code (`FR`), upper-cased.
    CountryCode
);

mod bank;
mod company;

pub use bank::{Bic, Iban};
pub use company::{NafCode, Website, check_company_numbers};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("a barcode is 8 or 13 digits (EAN-8 or EAN-13)")]
    BarcodeFormat,
    #[error("the barcode check digit is wrong")]
    BarcodeCheckDigit,
    #[error("a SIREN is 9 digits")]
    SirenFormat,
    #[error("a SIRET is 14 digits")]
    SiretFormat,
    #[error("the Luhn check fails: a digit is wrong")]
    Luhn,
    #[error(
        "a VAT number starts with an EU country prefix (FR, DE, …) followed by 2 to 13 letters or digits"
    )]
    VatNumberFormat,
    #[error("a French VAT number is FR, a 2-character key and the 9-digit SIREN")]
    FrenchVatNumber,
    #[error("not a valid e-mail address")]
    Email,
    #[error("a code is 1 to 40 letters, digits, '-', '_', '.' or '/'")]
    Code,
    #[error("must be a two-letter ISO 3166-1 code, e.g. FR")]
    CountryCode,
    #[error("the SIRET does not start with the SIREN")]
    SiretOfAnotherSiren,
    #[error("the VAT number does not hold the SIREN")]
    VatNumberOfAnotherSiren,
    #[error("an IBAN is a country code, 2 check digits and up to 30 letters or digits")]
    IbanFormat,
    #[error("no IBAN exists for this country code")]
    IbanCountry,
    #[error("an IBAN of this country has {0} characters")]
    IbanLength(usize),
    #[error("the IBAN check digits are wrong: a character is wrong")]
    IbanCheckDigits,
    #[error(
        "a BIC is 8 or 11 characters: 4 letters (bank), 2 letters (country), 2 letters or digits, and an optional 3-character branch"
    )]
    Bic,
    #[error("a NAF (APE) code is 4 digits and a letter, like 62.01Z")]
    NafCode,
    #[error("must be a website address, like https://www.example.fr")]
    Website,
}

fn digits_only(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

impl Barcode {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let digits = digits_only(text);
        if !(digits.len() == 8 || digits.len() == 13) || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(IdentifierError::BarcodeFormat);
        }
        let values: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        let (body, check) = values.split_at(values.len() - 1);
        // Weights alternate 3, 1 from the digit next to the check digit.
        let sum: u32 = body
            .iter()
            .rev()
            .enumerate()
            .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
            .sum();
        if (10 - sum % 10) % 10 != check[0] {
            return Err(IdentifierError::BarcodeCheckDigit);
        }
        Ok(Self(digits))
    }
}

/// The Luhn checksum used by SIREN and SIRET.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0;
    for (i, byte) in digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(byte - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

impl Siren {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let digits = digits_only(text);
        if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::SirenFormat);
        }
        if !luhn_valid(&digits) {
            return Err(IdentifierError::Luhn);
        }
        Ok(Self(digits))
    }
}

/// La Poste's establishments share one SIREN and are exempt from Luhn; their
/// SIRETs instead have a digit sum that is a multiple of 5.
const LA_POSTE_SIREN: &str = "356000000";

impl Siret {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let digits = digits_only(text);
        if digits.len() != 14 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentifierError::SiretFormat);
        }
        let valid = if digits.starts_with(LA_POSTE_SIREN) {
            digits.bytes().map(|b| u32::from(b - b'0')).sum::<u32>() % 5 == 0
        } else {
            luhn_valid(&digits)
        };
        if !valid {
            return Err(IdentifierError::Luhn);
        }
        Ok(Self(digits))
    }

    /// The SIREN is the first 9 digits of the SIRET.
    pub fn siren_part(&self) -> &str {
        &self.0[..9]
    }
}

/// Country prefixes of EU VAT numbers (Greece uses `EL`; `XI` is Northern
/// Ireland under the Windsor framework).
const EU_VAT_PREFIXES: [&str; 28] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
];

impl VatNumber {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '.' && *c != '-')
            .collect::<String>()
            .to_uppercase();
        if compact.len() < 4 || !compact.is_ascii() {
            return Err(IdentifierError::VatNumberFormat);
        }
        let (prefix, rest) = compact.split_at(2);
        if !EU_VAT_PREFIXES.contains(&prefix)
            || rest.len() > 13
            || rest.len() < 2
            || !rest.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(IdentifierError::VatNumberFormat);
        }
        if prefix == "FR" {
            let (key, siren) = rest.split_at(2.min(rest.len()));
            if siren.len() != 9 || !siren.bytes().all(|b| b.is_ascii_digit()) {
                return Err(IdentifierError::FrenchVatNumber);
            }
            // Numeric keys are (12 + 3 × (SIREN mod 97)) mod 97.
            if key.bytes().all(|b| b.is_ascii_digit()) {
                let siren_value: u64 = siren.parse().unwrap_or(0);
                let expected = (12 + 3 * (siren_value % 97)) % 97;
                if key.parse::<u64>().ok() != Some(expected) {
                    return Err(IdentifierError::FrenchVatNumber);
                }
            }
        }
        Ok(Self(compact))
    }
}

/// A host name of at least two labels (`example.fr`), each of letters,
/// digits and inner hyphens.
fn is_host_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

impl Email {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let text = text.trim();
        let Some((local, domain)) = text.rsplit_once('@') else {
            return Err(IdentifierError::Email);
        };
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        if !local_ok || !is_host_name(domain) {
            return Err(IdentifierError::Email);
        }
        Ok(Self(text.to_lowercase()))
    }
}

impl CountryCode {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let code = text.trim().to_ascii_uppercase();
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(IdentifierError::CountryCode);
        }
        Ok(Self(code))
    }
}

impl Code {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let text = text.trim();
        if text.is_empty()
            || text.len() > 40
            || !text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            return Err(IdentifierError::Code);
        }
        Ok(Self(text.to_uppercase()))
    }

    /// A generated code: `prefix` then the sequence number on 5 digits.
    pub fn generated(prefix: &str, number: i64) -> Self {
        Self(format!("{prefix}-{number:05}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn barcodes() {
        assert!(Barcode::parse("4006381333931").is_ok());
        assert!(Barcode::parse("96385074").is_ok());
        assert_eq!(
            Barcode::parse("4006381333932"),
            Err(IdentifierError::BarcodeCheckDigit)
        );
        assert_eq!(
            Barcode::parse("400638133393"),
            Err(IdentifierError::BarcodeFormat)
        );
        assert_eq!(
            Barcode::parse("40063813339a1"),
            Err(IdentifierError::BarcodeFormat)
        );
    }

    #[test]
    fn siren_and_siret() {
        assert!(Siren::parse("732 829 320").is_ok());
        assert_eq!(Siren::parse("732829321"), Err(IdentifierError::Luhn));
        assert_eq!(Siren::parse("73282932"), Err(IdentifierError::SirenFormat));
        let siret = Siret::parse("73282932000074").unwrap();
        assert_eq!(siret.siren_part(), "732829320");
        assert_eq!(Siret::parse("73282932000075"), Err(IdentifierError::Luhn));
        assert!(Siret::parse("35600000000001").is_ok());
    }

    #[test]
    fn vat_numbers() {
        assert_eq!(
            VatNumber::parse("fr 44 732829320").unwrap().as_str(),
            "FR44732829320"
        );
        assert_eq!(
            VatNumber::parse("FR45732829320"),
            Err(IdentifierError::FrenchVatNumber)
        );
        assert!(VatNumber::parse("DE123456789").is_ok());
        assert_eq!(
            VatNumber::parse("US123456789"),
            Err(IdentifierError::VatNumberFormat)
        );
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Jane.Doe@Example.FR ").unwrap().as_str(),
            "jane.doe@example.fr"
        );
        for bad in [
            "",
            "a",
            "a@b",
            "@example.com",
            "a@@example.com",
            "a b@example.com",
            "a@-x.com",
            "a..b@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn country_codes() {
        assert_eq!(CountryCode::parse(" fr ").unwrap().as_str(), "FR");
        for bad in ["", "F", "FRA", "F1", "É1"] {
            assert_eq!(CountryCode::parse(bad), Err(IdentifierError::CountryCode));
        }
    }

    #[test]
    fn codes() {
        assert_eq!(Code::parse(" p-001 ").unwrap().as_str(), "P-001");
        assert!(Code::parse("has space").is_err());
        assert_eq!(Code::generated("CLI", 42).as_str(), "CLI-00042");
    }

    fn with_luhn_digit(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|candidate| luhn_valid(candidate))
            .unwrap()
    }

    fn with_ean_digit(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|candidate| Barcode::parse(candidate).is_ok())
            .unwrap()
    }

    proptest! {
        #[test]
        fn every_siren_body_has_exactly_one_check_digit(body in "[0-9]{8}") {
            let valid: Vec<u32> = (0..10).filter(|d| Siren::parse(&format!("{body}{d}")).is_ok()).collect();
            prop_assert_eq!(valid.len(), 1);
            prop_assert!(Siren::parse(&with_luhn_digit(&body)).is_ok());
        }

        #[test]
        fn any_single_digit_change_breaks_an_ean13(body in "[0-9]{12}", position in 0usize..13, delta in 1u8..10) {
            let code = with_ean_digit(&body);
            let mut bytes = code.into_bytes();
            bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            prop_assert!(Barcode::parse(&altered).is_err());
        }
    }
}
