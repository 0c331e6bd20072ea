//! The organization's time zone: instants are stored in UTC and shown in
//! it, and "today" (the default issue, delivery and payment date, the
//! year a number belongs to) is its calendar day, not UTC's.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use std::fmt;

/// An IANA time zone name (`Europe/Paris`, `America/Martinique`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(Tz);

impl TimeZone {
    /// Where Comptoir's users mostly are, and what a new organization gets.
    pub const DEFAULT: TimeZone = TimeZone(Tz::Europe__Paris);

    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<Tz>()
            .map(TimeZone)
            .map_err(|_| "must be an IANA time zone such as Europe/Paris".to_owned())
    }

    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The wall-clock time at `at` in this zone.
    pub fn local(self, at: DateTime<Utc>) -> NaiveDateTime {
        at.with_timezone(&self.0).naive_local()
    }

    /// The calendar day at `at` in this zone.
    pub fn date_at(self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// Every zone a user may choose, by name.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name())
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone::DEFAULT
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl TryFrom<String> for TimeZone {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        TimeZone::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn a_known_zone_is_kept_and_anything_else_refused() {
        assert_eq!(
            TimeZone::parse(" America/Martinique ").unwrap().name(),
            "America/Martinique"
        );
        assert!(TimeZone::parse("Paris").is_err());
        assert!(TimeZone::parse("").is_err());
    }

    #[test]
    fn the_new_year_comes_to_paris_an_hour_before_utc() {
        let paris = TimeZone::DEFAULT;
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(
            paris.date_at(at),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(paris.local(at).format("%H:%M").to_string(), "00:30");
        let summer = Utc.with_ymd_and_hms(2026, 7, 14, 10, 0, 0).unwrap();
        assert_eq!(paris.local(summer).format("%H:%M").to_string(), "12:00");
    }

    #[test]
    fn every_offered_name_parses_back() {
        assert!(TimeZone::names().count() > 400);
        assert!(TimeZone::names().all(|name| TimeZone::parse(name).is_ok()));
    }
}
