//! The home page: the dashboard for the roles that may read reports (the
//! same figures as `/api/v1/dashboard/*`, from the same service), the
//! modules the reader may open for the others.

use super::show;
use crate::WebContext;
use crate::charts;
use crate::error::PageResult;
use crate::i18n;
use crate::session::Viewer;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::Permission;
use comptoir_services::dashboard::{DashboardSeries, SeriesPoint};
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

pub fn router() -> Router<WebContext> {
    Router::new().route("/", get(home))
}

async fn home(viewer: Viewer, State(ctx): State<WebContext>) -> PageResult<Html<String>> {
    if !viewer.actor.may(Permission::ReportsRead) {
        return show(&viewer, "home.html", "nav.home", json!({}));
    }
    let overview = ctx.overviews.get(&ctx.db, &viewer.actor).await?;
    let language = viewer.language;
    let money = |value: Decimal| i18n::money(language, value, "EUR");
    let count = |value: Decimal| i18n::number(language, value, 0);
    let previous: Vec<Decimal> = values(&overview.revenue_year_before, |_| String::new())
        .into_iter()
        .map(|(_, value)| value)
        .collect();
    let revenue_chart = charts::columns(
        &values(&overview.revenue, |p| month_label(language, &p.key)),
        Some(&previous),
        money,
        |value| i18n::whole_money(language, value, "EUR"),
    );
    let orders_chart = charts::columns(
        &values(&overview.orders, |p| week_label(language, &p.key)),
        None,
        count,
        count,
    );
    let named = |series: &DashboardSeries| values(series, |p| p.label.clone());
    show(
        &viewer,
        "dashboard.html",
        "nav.dashboard",
        json!({
            "kpis": &overview.kpis,
            "computed_at": overview.computed_at,
            "revenue": revenue_chart,
            "orders": orders_chart,
            "clients": charts::bars(&named(&overview.top_clients), money),
            "products": charts::bars(&named(&overview.top_products), money),
            "warehouses": overview.stock_per_warehouse.as_ref().map(|w| charts::bars(&named(w), money)),
        }),
    )
}

/// A series' points as (label, value).
fn values(
    series: &DashboardSeries,
    label: impl Fn(&SeriesPoint) -> String,
) -> Vec<(String, Decimal)> {
    series
        .points
        .iter()
        .map(|point| {
            let value = Decimal::from_str(&point.value).unwrap_or_default();
            (label(point), value)
        })
        .collect()
}

/// `2026-05` → `mai 26` / `May 26`.
fn month_label(language: Language, key: &str) -> String {
    match key.split_once('-') {
        Some((year, month)) => format!(
            "{} {}",
            i18n::text(
                language,
                &format!("month.{}", month.trim_start_matches('0'))
            ),
            &year[year.len().saturating_sub(2)..]
        ),
        None => key.to_owned(),
    }
}

/// `2026-W48` → `S48` / `W48`.
fn week_label(language: Language, key: &str) -> String {
    match key.split_once("-W") {
        Some((_, week)) => format!("{}{week}", i18n::text(language, "chart.week_prefix")),
        None => key.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_named_in_the_readers_language() {
        assert_eq!(month_label(Language::Fr, "2026-05"), "mai 26");
        assert_eq!(month_label(Language::En, "2026-12"), "Dec 26");
        assert_eq!(week_label(Language::Fr, "2026-W48"), "S48");
        assert_eq!(week_label(Language::En, "2026-W01"), "W01");
    }
}
