//! The calendar and the rules of the dashboard's figures, written once for
//! the API and the web pages: the periods of "this month", "last month"
//! and "year to date", the buckets of a series (calendar months `YYYY-MM`,
//! ISO weeks `YYYY-Www`) with every bucket of a range present, the range
//! a series may cover, which quotes count as sent and which orders as
//! confirmed, and the quote conversion rate.

use crate::catalog::vocabulary;
use crate::sales::{OrderStatus, QuoteStatus};
use chrono::{Datelike, Days, Months, NaiveDate};
use rust_decimal::Decimal;
use std::ops::RangeInclusive;

vocabulary!(
    /// What a dashboard series shows.
    Metric {
        RevenuePerMonth => "revenue_per_month",
        OrdersPerWeek => "orders_per_week",
        TopClients => "top_clients",
        TopProducts => "top_products",
        StockValuePerWarehouse => "stock_value_per_warehouse",
    }
);

/// The longest range a series covers.
pub const MAX_RANGE_MONTHS: u32 = 5 * 12;
/// The months a series covers by default: the current one and the 11 before.
pub const DEFAULT_RANGE_MONTHS: u32 = 12;
/// The window of the quote conversion rate, in days before today.
pub const CONVERSION_WINDOW_DAYS: u64 = 90;
/// How many clients or products a "top" series lists.
pub const TOP: i64 = 10;

/// The first day of `date`'s month.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.day0()))
}

/// The Monday of `date`'s ISO week.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    date - Days::new(u64::from(date.weekday().num_days_from_monday()))
}

/// `YYYY-MM`, the key of `date`'s month.
pub fn month_key(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// `YYYY-Www`, the key of `date`'s ISO 8601 week (its year is the week's,
/// which differs from the date's around the new year).
pub fn iso_week_key(date: NaiveDate) -> String {
    let week = date.iso_week();
    format!("{:04}-W{:02}", week.year(), week.week())
}

/// The first day of every month that `from..=to` touches, in order.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut month = Some(month_start(from));
    while let Some(first) = month.filter(|first| *first <= to) {
        out.push(first);
        month = first.checked_add_months(Months::new(1));
    }
    out
}

/// The Monday of every ISO week that `from..=to` touches, in order.
pub fn weeks(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut week = Some(week_start(from));
    while let Some(monday) = week.filter(|monday| *monday <= to) {
        out.push(monday);
        week = monday.checked_add_days(Days::new(7));
    }
    out
}

/// The default range of a series: from the first day of the month eleven
/// months back to today (twelve calendar months, this one included).
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let start = month_start(today);
    (
        start
            .checked_sub_months(Months::new(DEFAULT_RANGE_MONTHS - 1))
            .unwrap_or(start),
        today,
    )
}

/// Why `from..=to` cannot be a series' range (years outside 1 to 9999
/// included, which not every database stores): the field to blame and what
/// is wrong with it.
pub fn range_problem(from: NaiveDate, to: NaiveDate) -> Option<(&'static str, &'static str)> {
    let years = 1..=9999;
    if !years.contains(&from.year()) {
        Some(("from", "must be a date of the years 1 to 9999"))
    } else if !years.contains(&to.year()) {
        Some(("to", "must be a date of the years 1 to 9999"))
    } else if from > to {
        Some(("from", "must not be after to"))
    } else if to
        .checked_sub_months(Months::new(MAX_RANGE_MONTHS))
        .is_some_and(|earliest| from < earliest)
    {
        Some(("from", "the range must not be longer than 5 years"))
    } else {
        None
    }
}

/// The periods of the revenue figures, as of `today`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Periods {
    pub this_month: RangeInclusive<NaiveDate>,
    pub last_month: RangeInclusive<NaiveDate>,
    pub year_to_date: RangeInclusive<NaiveDate>,
}

impl Periods {
    pub fn as_of(today: NaiveDate) -> Self {
        let this_month = month_start(today);
        let year_start = this_month - Months::new(today.month0());
        Periods {
            this_month: this_month..=today,
            last_month: this_month - Months::new(1)..=this_month - Days::new(1),
            year_to_date: year_start..=today,
        }
    }

    /// The first and last day any of the periods covers.
    pub fn span(&self) -> (NaiveDate, NaiveDate) {
        (
            *self.last_month.start().min(self.year_to_date.start()),
            *self.this_month.end(),
        )
    }
}

/// A quote that was sent to its client, whatever became of it since. A
/// superseded quote is not counted: its next version is.
pub fn was_sent(status: QuoteStatus) -> bool {
    matches!(
        status,
        QuoteStatus::Sent
            | QuoteStatus::Accepted
            | QuoteStatus::Refused
            | QuoteStatus::Expired
            | QuoteStatus::Converted
    )
}

/// An order the client confirmed and that was not cancelled.
pub fn is_confirmed(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Confirmed
            | OrderStatus::PartiallyDelivered
            | OrderStatus::Delivered
            | OrderStatus::Invoiced
    )
}

/// A confirmed order with something left to deliver (delivering the
/// last of it makes an order `delivered`: see the order state machine).
pub fn awaits_delivery(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Confirmed | OrderStatus::PartiallyDelivered
    )
}

/// Converted quotes over sent quotes, with 4 decimals; none when no quote
/// was sent.
pub fn conversion_rate(converted: i64, sent: i64) -> Option<Decimal> {
    if sent <= 0 {
        return None;
    }
    let mut rate = (Decimal::from(converted) / Decimal::from(sent))
        .round_dp_with_strategy(4, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    rate.rescale(4);
    Some(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn months_cover_the_range_every_one_present() {
        let keys: Vec<String> = months(day(2025, 11, 15), day(2026, 2, 1))
            .into_iter()
            .map(month_key)
            .collect();
        assert_eq!(keys, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(
            months(day(2026, 3, 31), day(2026, 3, 31)),
            [day(2026, 3, 1)]
        );
        assert_eq!(
            months(day(2024, 1, 31), day(2024, 3, 1)),
            [day(2024, 1, 1), day(2024, 2, 1), day(2024, 3, 1)]
        );
    }

    #[test]
    fn iso_weeks_belong_to_their_own_year() {
        assert_eq!(iso_week_key(day(2026, 1, 1)), "2026-W01");
        assert_eq!(iso_week_key(day(2027, 1, 1)), "2026-W53");
        assert_eq!(iso_week_key(day(2024, 12, 30)), "2025-W01");
        assert_eq!(iso_week_key(day(2026, 11, 30)), "2026-W49");
        let keys: Vec<String> = weeks(day(2026, 12, 27), day(2027, 1, 5))
            .into_iter()
            .map(iso_week_key)
            .collect();
        assert_eq!(keys, ["2026-W52", "2026-W53", "2027-W01"]);
        assert_eq!(week_start(day(2026, 11, 29)), day(2026, 11, 23));
    }

    #[test]
    fn the_default_range_is_twelve_calendar_months() {
        assert_eq!(
            default_range(day(2026, 11, 30)),
            (day(2025, 12, 1), day(2026, 11, 30))
        );
        let (from, to) = default_range(day(2026, 1, 5));
        assert_eq!(months(from, to).len(), 12);
    }

    #[test]
    fn a_range_runs_forward_and_at_most_five_years() {
        assert_eq!(range_problem(day(2026, 1, 1), day(2026, 1, 1)), None);
        assert_eq!(range_problem(day(2021, 11, 30), day(2026, 11, 30)), None);
        assert_eq!(
            range_problem(day(2021, 11, 29), day(2026, 11, 30)).map(|(field, _)| field),
            Some("from")
        );
        assert_eq!(
            range_problem(day(2026, 2, 1), day(2026, 1, 1)),
            Some(("from", "must not be after to"))
        );
    }

    #[test]
    fn periods_are_calendar_months_and_the_year_so_far() {
        let periods = Periods::as_of(day(2026, 3, 31));
        assert_eq!(periods.this_month, day(2026, 3, 1)..=day(2026, 3, 31));
        assert_eq!(periods.last_month, day(2026, 2, 1)..=day(2026, 2, 28));
        assert_eq!(periods.year_to_date, day(2026, 1, 1)..=day(2026, 3, 31));
        let january = Periods::as_of(day(2026, 1, 10));
        assert_eq!(january.last_month, day(2025, 12, 1)..=day(2025, 12, 31));
        assert_eq!(january.span(), (day(2025, 12, 1), day(2026, 1, 10)));
    }

    #[test]
    fn the_conversion_rate_has_four_decimals_and_none_without_quotes() {
        assert_eq!(conversion_rate(1, 2).unwrap().to_string(), "0.5000");
        assert_eq!(conversion_rate(2, 3).unwrap().to_string(), "0.6667");
        assert_eq!(conversion_rate(0, 4).unwrap().to_string(), "0.0000");
        assert_eq!(conversion_rate(3, 3).unwrap().to_string(), "1.0000");
        assert_eq!(conversion_rate(0, 0), None);
    }

    #[test]
    fn sent_quotes_and_confirmed_orders() {
        assert!(was_sent(QuoteStatus::Converted) && !was_sent(QuoteStatus::Draft));
        assert!(!was_sent(QuoteStatus::Superseded));
        assert!(is_confirmed(OrderStatus::Invoiced) && !is_confirmed(OrderStatus::Cancelled));
        assert!(awaits_delivery(OrderStatus::PartiallyDelivered));
        assert!(!awaits_delivery(OrderStatus::Delivered));
    }
}
