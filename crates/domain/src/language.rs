//! The languages of the pages and documents: French by default, English
//! on request. Codes are the ISO 639-1 ones users and browsers send.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    En,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Fr, Language::En];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::En => "en",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Language::Fr),
            "en" => Ok(Language::En),
            _ => Err("must be fr or en".to_owned()),
        }
    }

    /// The language an `Accept-Language` header prefers among ours: the
    /// highest weighted tag whose primary subtag we speak; French when
    /// none is.
    pub fn from_accept_language(header: &str) -> Self {
        header
            .split(',')
            .enumerate()
            .filter_map(|(position, range)| {
                let mut parts = range.split(';');
                let tag = parts.next()?.trim();
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                let primary = tag.split('-').next()?;
                let language = Language::parse(primary).ok()?;
                (weight > 0.0).then_some((weight, position, language))
            })
            .min_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)))
            .map_or(Language::Fr, |(_, _, language)| language)
    }
}

impl TryFrom<String> for Language {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Language::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_the_highest_weight_we_speak() {
        assert_eq!(
            Language::from_accept_language("en-GB,en;q=0.9,fr;q=0.8"),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language("de-DE,fr;q=0.5,en;q=0.7"),
            Language::En
        );
        assert_eq!(
            Language::from_accept_language("fr-CA,en;q=0.9"),
            Language::Fr
        );
        assert_eq!(
            Language::from_accept_language("en;q=0,fr;q=0.1"),
            Language::Fr
        );
        assert_eq!(Language::from_accept_language("de, es"), Language::Fr);
        assert_eq!(Language::from_accept_language(""), Language::Fr);
        assert_eq!(Language::from_accept_language("*"), Language::Fr);
    }

    #[test]
    fn codes_round_trip() {
        for language in Language::ALL {
            assert_eq!(Language::parse(language.as_str()), Ok(language));
        }
        assert!(Language::parse("de").is_err());
    }
}
