//! The dashboard's figures, computed once for the API and the web pages:
//! the key figures of today ([`kpis`]), the series of a period
//! ([`series`]), and the page's whole set of them, cached
//! ([`overview`]).
//!
//! Where each rule lives: revenue (issued invoices less issued credit
//! notes, net of VAT, by issue date) and the per-day sums in
//! `db::dashboard`; the periods, the month and ISO-week buckets, which
//! quotes count as sent and the conversion rate in `domain::dashboard`;
//! what an invoice still owes in `domain::balance`, whether it is overdue
//! in `domain::sales::is_overdue`; the stock value in
//! `purchasing::valuation`; the products under their minimum in
//! `db::purchasing::rules_below_minimum`. Purchase costs are for who may
//! see the valuation (`stock.valuation`): the stock value is `null` for
//! the others, and its series refused.

mod overview;

pub use overview::{Overview, OverviewCache};

use crate::purchasing::valuation;
use crate::{Actor, ServiceError, ServiceResult};
use chrono::{Days, NaiveDate};
use comptoir_db::Db;
use comptoir_db::dashboard as store;
use comptoir_domain::FieldErrors;
use comptoir_domain::dashboard::{
    self as rules, CONVERSION_WINDOW_DAYS, Metric, Periods, TOP, conversion_rate,
};
use comptoir_domain::numbers::Money;
use comptoir_domain::permissions::Permission;
use comptoir_domain::sales::{InvoiceStatus, invoice_balance, is_overdue};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The key figures of the organization, as of its today.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Kpis {
    /// The day the figures are computed for, in the organization's time
    /// zone.
    pub as_of: NaiveDate,
    /// Issued invoices less issued credit notes, excluding VAT, dated this
    /// calendar month.
    #[schema(value_type = String, example = "12500.00")]
    pub revenue_this_month: Money,
    /// The same for the previous calendar month.
    #[schema(value_type = String, example = "11800.00")]
    pub revenue_last_month: Money,
    /// The same from the first of January to today.
    #[schema(value_type = String, example = "131200.00")]
    pub revenue_year_to_date: Money,
    /// What issued invoices still owe, VAT included.
    #[schema(value_type = String, example = "8400.00")]
    pub receivables: Money,
    /// The invoices that owe it.
    pub receivables_count: i64,
    /// The part of `receivables` past its due date.
    #[schema(value_type = String, example = "1200.00")]
    pub overdue: Money,
    pub overdue_count: i64,
    /// Quotes sent and not answered yet.
    pub quotes_awaiting: i64,
    /// Quotes of the last 90 days converted into an order over those of
    /// the last 90 days that were sent, with 4 decimals; `null` when none
    /// was sent.
    #[schema(value_type = Option<String>, example = "0.4000")]
    pub quote_conversion_rate_90d: Option<String>,
    /// Confirmed orders with something left to deliver.
    pub orders_to_deliver: i64,
    /// The stock at weighted average cost, over all warehouses; `null`
    /// for a role without `stock.valuation`.
    #[schema(value_type = Option<String>, example = "45210.50")]
    pub stock_value: Option<Money>,
    /// Products whose available stock in a warehouse is under their
    /// reorder minimum.
    pub products_below_minimum: i64,
}

/// The key figures of the actor's organization today.
#[tracing::instrument(skip_all, fields(organization_id = %actor.organization_id))]
pub async fn kpis(db: &Db, actor: &Actor) -> ServiceResult<Kpis> {
    let organization_id = actor.organization_id;
    let today = actor.today();
    let periods = Periods::as_of(today);
    let (first, last) = periods.span();
    let days = store::revenue_per_day(db, organization_id, first, last).await?;
    let revenue = |period: &std::ops::RangeInclusive<NaiveDate>| {
        Money::from_units(
            days.iter()
                .filter(|day| period.contains(&day.day))
                .map(|day| day.amount.0.units())
                .sum(),
        )
    };

    let (mut receivables, mut receivables_count) = (0_i64, 0_i64);
    let (mut overdue, mut overdue_count) = (0_i64, 0_i64);
    for invoice in store::owing_invoices(db, organization_id).await? {
        let due = invoice_balance(
            invoice.total_incl_tax.0,
            invoice.amount_paid.0,
            invoice.amount_credited.0,
        )
        .due;
        if due.is_zero() {
            continue;
        }
        receivables += due.units();
        receivables_count += 1;
        let status = InvoiceStatus::try_from(invoice.status).map_err(ServiceError::BadInput)?;
        if is_overdue(status, invoice.due_date, today) {
            overdue += due.units();
            overdue_count += 1;
        }
    }

    let window_start = today - Days::new(CONVERSION_WINDOW_DAYS);
    let quotes = store::quote_counts(db, organization_id, window_start, today).await?;
    let orders_to_deliver = store::orders_to_deliver(db, organization_id).await?;
    let stock_value = if actor.may(Permission::ValuationRead) {
        Some(valuation(db, actor).await?.total)
    } else {
        None
    };
    let below: BTreeSet<_> = comptoir_db::purchasing::rules_below_minimum(db, organization_id)
        .await?
        .into_iter()
        .map(|rule| rule.product_id)
        .collect();

    Ok(Kpis {
        as_of: today,
        revenue_this_month: revenue(&periods.this_month),
        revenue_last_month: revenue(&periods.last_month),
        revenue_year_to_date: revenue(&periods.year_to_date),
        receivables: Money::from_units(receivables),
        receivables_count,
        overdue: Money::from_units(overdue),
        overdue_count,
        quotes_awaiting: quotes.awaiting,
        quote_conversion_rate_90d: conversion_rate(quotes.converted, quotes.sent)
            .map(|rate| rate.to_string()),
        orders_to_deliver,
        stock_value,
        products_below_minimum: i64::try_from(below.len()).unwrap_or(i64::MAX),
    })
}

/// Which series, over which dates.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// What to show: `revenue_per_month` (net revenue per calendar month,
    /// `YYYY-MM`), `orders_per_week` (confirmed orders per ISO week,
    /// `YYYY-Www`, by order date), `top_clients` and `top_products` (the
    /// 10 with the most net revenue), `stock_value_per_warehouse` (now;
    /// needs `stock.valuation`; the dates are ignored). Default:
    /// `revenue_per_month`.
    #[param(value_type = Option<Metric>)]
    pub metric: Option<String>,
    /// First day, included. Default: the first day of the month eleven
    /// months ago.
    pub from: Option<NaiveDate>,
    /// Last day, included. Default: today. At most 5 years after `from`.
    pub to: Option<NaiveDate>,
}

/// A series: one point per month, week, client, product or warehouse.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DashboardSeries {
    pub metric: Metric,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Months and weeks: every one the range touches, in order, zero
    /// when empty. Top clients and products: most first, at most 10.
    pub points: Vec<SeriesPoint>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesPoint {
    /// `2026-11`, `2026-W48`, or the client's, product's or warehouse's id.
    #[schema(example = "2026-11")]
    pub key: String,
    /// What to show: the month or week key, or the name.
    #[schema(example = "2026-11")]
    pub label: String,
    /// An amount (`"1234.50"`) or a count (`"12"`).
    #[schema(example = "1234.50")]
    pub value: String,
}

impl SeriesPoint {
    fn new(key: impl Into<String>, label: impl Into<String>, value: impl ToString) -> Self {
        SeriesPoint {
            key: key.into(),
            label: label.into(),
            value: value.to_string(),
        }
    }
}

/// A series of the actor's organization.
#[tracing::instrument(skip_all, fields(organization_id = %actor.organization_id))]
pub async fn series(db: &Db, actor: &Actor, query: SeriesQuery) -> ServiceResult<DashboardSeries> {
    let (metric, from, to) = validate(query, actor.today())?;
    let organization_id = actor.organization_id;
    let points = match metric {
        Metric::RevenuePerMonth => {
            let mut months: BTreeMap<NaiveDate, i64> = rules::months(from, to)
                .into_iter()
                .map(|month| (month, 0))
                .collect();
            for day in store::revenue_per_day(db, organization_id, from, to).await? {
                *months.entry(rules::month_start(day.day)).or_default() += day.amount.0.units();
            }
            months
                .into_iter()
                .map(|(month, units)| {
                    let key = rules::month_key(month);
                    SeriesPoint::new(key.clone(), key, Money::from_units(units))
                })
                .collect()
        }
        Metric::OrdersPerWeek => {
            let mut weeks: BTreeMap<NaiveDate, i64> = rules::weeks(from, to)
                .into_iter()
                .map(|week| (week, 0))
                .collect();
            for day in store::confirmed_orders_per_day(db, organization_id, from, to).await? {
                *weeks.entry(rules::week_start(day.day)).or_default() += day.count;
            }
            weeks
                .into_iter()
                .map(|(week, count)| {
                    let key = rules::iso_week_key(week);
                    SeriesPoint::new(key.clone(), key, count)
                })
                .collect()
        }
        Metric::TopClients | Metric::TopProducts => {
            let ranked = if metric == Metric::TopClients {
                store::top_clients(db, organization_id, from, to, TOP).await?
            } else {
                store::top_products(db, organization_id, from, to, TOP).await?
            };
            ranked
                .into_iter()
                .map(|row| SeriesPoint::new(row.id.to_string(), row.name, row.amount.0))
                .collect()
        }
        Metric::StockValuePerWarehouse => {
            if !actor.may(Permission::ValuationRead) {
                return Err(ServiceError::Forbidden(Permission::ValuationRead));
            }
            let values: BTreeMap<_, _> = valuation(db, actor)
                .await?
                .by_warehouse
                .into_iter()
                .map(|value| (value.id, value.value))
                .collect();
            store::warehouse_names(db, organization_id)
                .await?
                .into_iter()
                .map(|(id, name)| {
                    let value = values.get(&Some(id)).copied().unwrap_or(Money::ZERO);
                    SeriesPoint::new(id.to_string(), name, value)
                })
                .collect()
        }
    };
    Ok(DashboardSeries {
        metric,
        from,
        to,
        points,
    })
}

/// The metric and range of `query`, or every bad field at once.
fn validate(query: SeriesQuery, today: NaiveDate) -> ServiceResult<(Metric, NaiveDate, NaiveDate)> {
    let mut errors = FieldErrors::new();
    let metric = match query.metric.as_deref().map(str::trim) {
        None | Some("") => Some(Metric::RevenuePerMonth),
        Some(text) => errors.check("metric", Metric::parse(text)),
    };
    let (default_from, default_to) = rules::default_range(today);
    let to = query.to.unwrap_or(default_to);
    let from = match (query.from, query.to) {
        (Some(from), _) => from,
        // A range ending before the default start keeps its length.
        (None, Some(to)) if to < default_from => rules::default_range(to).0,
        (None, _) => default_from,
    };
    if let Some((field, message)) = rules::range_problem(from, to) {
        errors.add(field, message);
    }
    match metric {
        Some(metric) if errors.is_empty() => Ok((metric, from, to)),
        _ => Err(errors.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_series_names_every_bad_field() {
        let today = day(2026, 11, 30);
        let query = |metric: Option<&str>, from, to| SeriesQuery {
            metric: metric.map(str::to_owned),
            from,
            to,
        };
        assert_eq!(
            validate(query(Some("top_clients"), None, None), today).unwrap(),
            (Metric::TopClients, day(2025, 12, 1), today)
        );
        let Err(ServiceError::Validation(errors)) = validate(
            query(Some("nope"), Some(day(2026, 2, 1)), Some(day(2026, 1, 1))),
            today,
        ) else {
            panic!("refused");
        };
        assert!(errors.has("metric") && errors.has("from"));
        assert_eq!(
            validate(query(None, None, None), today).unwrap().0,
            Metric::RevenuePerMonth
        );
        assert_eq!(
            validate(
                query(Some("orders_per_week"), None, Some(day(2020, 6, 15))),
                today
            )
            .unwrap()
            .1,
            day(2019, 7, 1)
        );
    }
}
