//! Periods of the sales ledger's closings: a month (`2026-11`) or a year
//! (`2026`). Once a period is closed nothing dated in it can be issued.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month { year: i32, month: u32 },
    Year(i32),
}

impl Period {
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || "must be a month YYYY-MM or a year YYYY".to_owned();
        let year = |text: &str| -> Result<i32, String> {
            if text.len() != 4 {
                return Err(invalid());
            }
            text.parse::<i32>()
                .ok()
                .filter(|y| *y >= 1900)
                .ok_or_else(invalid)
        };
        match text.split_once('-') {
            None => Ok(Period::Year(year(text)?)),
            Some((y, m)) if m.len() == 2 => {
                let month = m
                    .parse::<u32>()
                    .ok()
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(invalid)?;
                Ok(Period::Month {
                    year: year(y)?,
                    month,
                })
            }
            Some(_) => Err(invalid()),
        }
    }

    pub fn name(self) -> String {
        match self {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Year(year) => format!("{year:04}"),
        }
    }

    /// The first and last day of the period.
    pub fn bounds(self) -> (NaiveDate, NaiveDate) {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
        match self {
            Period::Year(year) => (day(year, 1, 1), day(year, 12, 31)),
            Period::Month { year, month } => {
                let first = day(year, month, 1);
                let next = if month == 12 {
                    day(year + 1, 1, 1)
                } else {
                    day(year, month + 1, 1)
                };
                (first, next.pred_opt().expect("valid date"))
            }
        }
    }

    /// Whether the period is over on `today`: only then may it be closed.
    pub fn has_ended(self, today: NaiveDate) -> bool {
        self.bounds().1 < today
    }

    /// The names of the periods a date falls in: its month, then its year.
    pub fn names_of(date: NaiveDate) -> [String; 2] {
        [
            Period::Month {
                year: date.year(),
                month: date.month(),
            }
            .name(),
            Period::Year(date.year()).name(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ends_after_its_last_day() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let november = Period::parse("2026-11").unwrap();
        assert!(!november.has_ended(date(2026, 11, 30)));
        assert!(november.has_ended(date(2026, 12, 1)));
        let year = Period::parse("2026").unwrap();
        assert!(!year.has_ended(date(2026, 12, 31)));
        assert!(year.has_ended(date(2027, 1, 1)));
        assert!(
            !Period::parse("2099-01")
                .unwrap()
                .has_ended(date(2026, 11, 30))
        );
    }

    #[test]
    fn months_and_years_parse_with_their_bounds() {
        let february = Period::parse("2028-02").unwrap();
        assert_eq!(february.name(), "2028-02");
        assert_eq!(
            february.bounds(),
            (
                NaiveDate::from_ymd_opt(2028, 2, 1).unwrap(),
                NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
            )
        );
        let december = Period::parse("2026-12").unwrap().bounds();
        assert_eq!(december.1, NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(Period::parse("2026").unwrap(), Period::Year(2026));
        for bad in ["2026-13", "2026-1", "26", "2026-00", "x", "2026-11-01", ""] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Period::names_of(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()),
            ["2026-11".to_owned(), "2026".to_owned()]
        );
    }
}
