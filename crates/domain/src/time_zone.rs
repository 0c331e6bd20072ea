//! The organization's time zone: instants are stored in UTC and shown in
//! it, and "today" (the default issue, delivery and payment date, the
//! year a number belongs to) is its calendar day, not UTC's.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone as _, Utc};
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

    /// The first instant of `day` in this zone (its midnight, or the
    /// first time after it when a clock change skips midnight).
    pub fn day_start(self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_time(NaiveTime::MIN);
        (0..=3)
            .find_map(|hour| {
                self.0
                    .from_local_datetime(&(midnight + TimeDelta::hours(hour)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |at| at.with_timezone(&Utc))
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
    fn a_day_starts_at_the_zones_midnight_even_when_the_clock_skips_it() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let paris = TimeZone::DEFAULT.day_start(day);
        assert_eq!(paris, Utc.with_ymd_and_hms(2026, 11, 30, 23, 0, 0).unwrap());
        // Santiago moves its clocks from midnight to 01:00 in September.
        let santiago = TimeZone::parse("America/Santiago").unwrap();
        let skipped = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let start = santiago.day_start(skipped);
        assert_eq!(santiago.date_at(start), skipped);
        assert_eq!(santiago.local(start).format("%H:%M").to_string(), "01:00");
    }

    #[test]
    fn every_offered_name_parses_back() {
        assert!(TimeZone::names().count() > 400);
        assert!(TimeZone::names().all(|name| TimeZone::parse(name).is_ok()));
    }
}
