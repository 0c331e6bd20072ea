//! The functions and filters every template may call: `t`, `asset`,
//! `may`, and the filters writing values in the page's language.

use crate::assets;
use crate::i18n;
use chrono::NaiveDate;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::{Permission, Role};
use comptoir_domain::time_zone::TimeZone;
use minijinja::{Environment, Error, ErrorKind, State, Value};
use rust_decimal::Decimal;
use std::str::FromStr;

/// The organization's time zone, which the page's context names.
fn time_zone(state: &State) -> TimeZone {
    state
        .lookup("time_zone")
        .and_then(|name| TimeZone::parse(&name.to_string()).ok())
        .unwrap_or_default()
}

fn language(state: &State) -> Language {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(|s| Language::parse(s).ok()))
        .unwrap_or_default()
}

fn decimal(value: &Value) -> Result<Decimal, Error> {
    let text = value.to_string();
    Decimal::from_str(&text).map_err(|_| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("{text} is not a number"),
        )
    })
}

fn day(value: &Value) -> Result<NaiveDate, Error> {
    let text = value.to_string();
    text.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("{text} is not a date")))
}

/// Adds the functions and filters to `env`.
pub(super) fn register(env: &mut Environment<'static>) {
    env.add_function("t", |state: &State, key: &str| {
        i18n::text(language(state), key)
    });
    env.add_function("asset", |name: &str| {
        assets::url(name)
            .map(|url| Value::from_safe_string(url.to_owned()))
            .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, format!("no asset {name}")))
    });
    // Whether the reader's role grants a permission (`may("data.export")`):
    // what a shared macro shows only to some roles asks it.
    env.add_function("may", |state: &State, permission: &str| {
        let role = state
            .lookup("user")
            .and_then(|user| user.get_attr("role").ok())
            .and_then(|role| role.as_str().and_then(|r| Role::parse(r).ok()));
        let permission = Permission::ALL
            .iter()
            .find(|p| p.as_str() == permission)
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("no permission {permission}"),
                )
            })?;
        Ok(role.is_some_and(|role| role.allows(*permission)))
    });
    env.add_filter("message", |state: &State, english: &str| {
        i18n::message(language(state), english)
    });
    env.add_filter(
        "money",
        |state: &State, value: Value, currency: Option<&str>| {
            if value.is_none() {
                return Ok(String::new());
            }
            Ok(i18n::money(
                language(state),
                decimal(&value)?,
                currency.unwrap_or("EUR"),
            ))
        },
    );
    env.add_filter(
        "number",
        |state: &State, value: Value, decimals: Option<u32>| {
            Ok(i18n::number(
                language(state),
                decimal(&value)?,
                decimals.unwrap_or(0),
            ))
        },
    );
    env.add_filter("quantity", |state: &State, value: Value| {
        Ok(i18n::quantity(language(state), decimal(&value)?))
    });
    env.add_filter("percent", |state: &State, value: Value| {
        Ok(i18n::percent(language(state), decimal(&value)?))
    });
    env.add_filter("rate", |state: &State, value: Value| {
        Ok(i18n::percent(
            language(state),
            decimal(&value)? / Decimal::ONE_HUNDRED,
        ))
    });
    env.add_filter("instant", |state: &State, value: Value| {
        let text = value.to_string();
        chrono::DateTime::parse_from_rfc3339(&text)
            .map(|at| {
                i18n::instant(
                    language(state),
                    time_zone(state),
                    at.with_timezone(&chrono::Utc),
                )
            })
            .map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    format!("{text} is not an instant"),
                )
            })
    });
    env.add_filter("date", |state: &State, value: Value| {
        if value.is_none() {
            return Ok(String::new());
        }
        Ok(i18n::date(language(state), day(&value)?))
    });
}
