//! Bank identifiers printed on invoices for a transfer: the IBAN (ISO
//! 13616) and the BIC (ISO 9362).

use super::IdentifierError;

string_newtype!(
    /// An IBAN whose length is its country's and whose check digits pass
    /// ISO 7064 mod 97-10; kept compact and upper-cased
    /// (`FR7630006000011234567890189`).
    Iban
);
string_newtype!(
    /// A BIC: 4 letters (the bank), 2 letters (its country), 2 letters or
    /// digits (its place) and, for a branch, 3 more; upper-cased.
    Bic
);

/// The IBAN length of each country of the SWIFT IBAN registry (release
/// 2024). French overseas departments and collectivities use `FR`.
const IBAN_LENGTHS: [(&str, usize); 89] = [
    ("AD", 24),
    ("AE", 23),
    ("AL", 28),
    ("AT", 20),
    ("AZ", 28),
    ("BA", 20),
    ("BE", 16),
    ("BG", 22),
    ("BH", 22),
    ("BI", 27),
    ("BR", 29),
    ("BY", 28),
    ("CH", 21),
    ("CR", 22),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DJ", 27),
    ("DK", 18),
    ("DO", 28),
    ("EE", 20),
    ("EG", 29),
    ("ES", 24),
    ("FI", 18),
    ("FK", 18),
    ("FO", 18),
    ("FR", 27),
    ("GB", 22),
    ("GE", 22),
    ("GI", 23),
    ("GL", 18),
    ("GR", 27),
    ("GT", 28),
    ("HN", 28),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IL", 23),
    ("IQ", 23),
    ("IS", 26),
    ("IT", 27),
    ("JO", 30),
    ("KW", 30),
    ("KZ", 20),
    ("LB", 28),
    ("LC", 32),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("LY", 25),
    ("MC", 27),
    ("MD", 24),
    ("ME", 22),
    ("MK", 19),
    ("MN", 20),
    ("MR", 27),
    ("MT", 31),
    ("MU", 30),
    ("NI", 28),
    ("NL", 18),
    ("NO", 15),
    ("OM", 23),
    ("PK", 24),
    ("PL", 28),
    ("PS", 29),
    ("PT", 25),
    ("QA", 29),
    ("RO", 24),
    ("RS", 22),
    ("RU", 33),
    ("SA", 24),
    ("SC", 31),
    ("SD", 18),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("SO", 23),
    ("ST", 25),
    ("SV", 28),
    ("TL", 23),
    ("TN", 24),
    ("TR", 26),
    ("UA", 29),
    ("VA", 22),
    ("VG", 24),
    ("XK", 20),
    ("YE", 30),
];

/// The remainder mod 97 of the number an IBAN stands for once its first
/// four characters are moved to the end and each letter is replaced by
/// 10 to 35; computed a few digits at a time so it never overflows.
fn mod97(rearranged: &str) -> u32 {
    rearranged.chars().fold(0, |remainder, c| {
        let value = c.to_digit(36).unwrap_or(0);
        if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        }
    })
}

impl Iban {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        if compact.len() < 5
            || !compact.chars().all(|c| c.is_ascii_alphanumeric())
            || !compact[..2].chars().all(|c| c.is_ascii_uppercase())
            || !compact[2..4].chars().all(|c| c.is_ascii_digit())
        {
            return Err(IdentifierError::IbanFormat);
        }
        let length = IBAN_LENGTHS
            .iter()
            .find(|(country, _)| *country == &compact[..2])
            .map(|(_, length)| *length)
            .ok_or(IdentifierError::IbanCountry)?;
        if compact.len() != length {
            return Err(IdentifierError::IbanLength(length));
        }
        let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
        if mod97(&rearranged) != 1 {
            return Err(IdentifierError::IbanCheckDigits);
        }
        Ok(Self(compact))
    }

    /// The IBAN in groups of four, as it is printed
    /// (`FR76 3000 6000 0112 3456 7890 189`).
    pub fn grouped(&self) -> String {
        let characters: Vec<char> = self.0.chars().collect();
        characters
            .chunks(4)
            .map(|group| group.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Bic {
    pub fn parse(text: &str) -> Result<Self, IdentifierError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let valid = (compact.len() == 8 || compact.len() == 11)
            && compact.is_ascii()
            && compact[..6].chars().all(|c| c.is_ascii_uppercase())
            && compact[6..].chars().all(|c| c.is_ascii_alphanumeric());
        if !valid {
            return Err(IdentifierError::Bic);
        }
        Ok(Self(compact))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn real_ibans_pass_and_are_kept_compact() {
        let iban = Iban::parse("fr76 3000 6000 0112 3456 7890 189").unwrap();
        assert_eq!(iban.as_str(), "FR7630006000011234567890189");
        assert_eq!(iban.grouped(), "FR76 3000 6000 0112 3456 7890 189");
        for valid in [
            "DE89 3704 0044 0532 0130 00",
            "GB82 WEST 1234 5698 7654 32",
            "BE68 5390 0754 7034",
            "NO93 8601 1117 947",
        ] {
            assert!(Iban::parse(valid).is_ok(), "{valid}");
        }
    }

    #[test]
    fn a_wrong_digit_length_or_country_is_refused() {
        assert_eq!(
            Iban::parse("FR76 3000 6000 0112 3456 7890 188"),
            Err(IdentifierError::IbanCheckDigits)
        );
        assert_eq!(
            Iban::parse("FR76 3000 6000 0112 3456 7890 18"),
            Err(IdentifierError::IbanLength(27))
        );
        assert_eq!(
            Iban::parse("US12 3456 7890 1234"),
            Err(IdentifierError::IbanCountry)
        );
        for bad in [
            "",
            "FR",
            "7630006000011234567890189",
            "FRAB3000600001",
            "FR76 3000 €",
        ] {
            assert_eq!(Iban::parse(bad), Err(IdentifierError::IbanFormat), "{bad}");
        }
    }

    #[test]
    fn bics_have_8_or_11_characters() {
        assert_eq!(Bic::parse("bnpa fr pp").unwrap().as_str(), "BNPAFRPP");
        assert_eq!(Bic::parse("BNPAFRPPXXX").unwrap().as_str(), "BNPAFRPPXXX");
        assert!(Bic::parse("DEUTDEFF500").is_ok());
        for bad in [
            "BNPAFRP",
            "BNPAFRPPXX",
            "BNP1FRPP",
            "BNPAF1PP",
            "BNPAFRP-",
            "BNPAFRPÉ",
        ] {
            assert_eq!(Bic::parse(bad), Err(IdentifierError::Bic), "{bad}");
        }
    }

    /// The check digits that make `country`, `bban` a valid IBAN.
    fn with_check_digits(country: &str, bban: &str) -> String {
        let check = 98 - mod97(&format!("{bban}{country}00"));
        format!("{country}{check:02}{bban}")
    }

    proptest! {
        #[test]
        fn any_single_character_change_breaks_a_french_iban(
            bban in "[0-9]{10}[0-9A-Z]{11}[0-9]{2}",
            position in 4usize..27,
            delta in 1u32..10,
        ) {
            let iban = with_check_digits("FR", &bban);
            prop_assert!(Iban::parse(&iban).is_ok());
            let mut characters: Vec<char> = iban.chars().collect();
            let original = characters[position];
            // Only digit changes: mod 97 catches every single substitution
            // among digits, and letters can alias (A = 10 = "1", "0").
            prop_assume!(original.is_ascii_digit());
            let digit = (original.to_digit(10).unwrap() + delta) % 10;
            characters[position] = char::from_digit(digit, 10).unwrap();
            let altered: String = characters.into_iter().collect();
            prop_assert_eq!(Iban::parse(&altered), Err(IdentifierError::IbanCheckDigits));
        }
    }
}
