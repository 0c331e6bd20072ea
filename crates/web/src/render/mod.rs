//! Templates, embedded in the binary and compiled once, and what every
//! page hands them: the reader's language, the CSRF token, the menu of
//! what the reader's role may open.
//!
//! Templates translate with `t("key")`, ask `may("permission")` of the
//! reader's role, and write values with the filters
//! `money`, `number`, `quantity`, `percent` (of a ratio), `rate` (of a
//! percentage: a VAT rate, a discount), `date`, `instant` (a timestamp)
//! and `message`, all in
//! the page's language (`lang` in the context).

mod filters;
mod menu;

use comptoir_domain::language::Language;
use comptoir_domain::permissions::Role;
use comptoir_domain::time_zone::TimeZone;
use minijinja::{Environment, Error, ErrorKind, Value};
use serde::Serialize;
use serde_json::Map;
use std::sync::LazyLock;

#[cfg(test)]
pub(crate) use menu::SETTINGS;

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../templates/", $name)))),+]
    };
}

const TEMPLATES: &[(&str, &str)] = templates!(
    "layout.html",
    "macros.html",
    "login.html",
    "error.html",
    "home.html",
    "charts.html",
    "dashboard.html",
    "clients/list.html",
    "clients/form.html",
    "clients/show.html",
    "parties.html",
    "products/list.html",
    "products/show.html",
    "products/form.html",
    "products/categories.html",
    "catalog/price_lists.html",
    "catalog/price_list.html",
    "catalog/price_list_form.html",
    "catalog/rule_form.html",
    "sales/list.html",
    "sales/document.html",
    "imports/list.html",
    "imports/new.html",
    "imports/show.html",
    "imports/progress.html",
    "sales/operations.html",
    "sales/deliveries.html",
    "sales/payments.html",
    "sales/returns.html",
    "sales/editor.html",
    "sales/editor_macros.html",
    "sales/editor_line.html",
    "sales/editor_rows.html",
    "picker_options.html",
    "sales/editor_products.html",
    "sales/editor_totals.html",
    "totals.html",
    "suppliers/list.html",
    "suppliers/form.html",
    "suppliers/show.html",
    "purchasing/macros.html",
    "purchasing/list.html",
    "purchasing/order.html",
    "purchasing/form.html",
    "purchasing/rules.html",
    "purchasing/rule_form.html",
    "purchasing/replenishment.html",
    "payables/list.html",
    "payables/invoice.html",
    "payables/typed.html",
    "settings/index.html",
    "settings/users.html",
    "settings/user_form.html",
    "settings/roles.html",
    "settings/numbering.html",
    "settings/organization.html",
    "settings/templates.html",
    "settings/audit.html",
    "settings/compliance.html",
    "stock/levels.html",
    "stock/movements.html",
    "stock/movement_form.html",
    "stock/scanned.html",
    "stock/warehouses.html",
    "stock/warehouse.html",
    "stock/place_form.html",
    "stock/inventories.html",
    "stock/inventory_count.html",
    "stock/count_line.html",
    "stock/count_progress.html",
    "stock/count_saved.html",
    "stock/inventory_review.html",
);

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not compile: {e}"));
    }
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    filters::register(&mut env);
    env
}

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(environment);

/// Who reads the page, as the layout shows them.
#[derive(Serialize)]
pub struct Reader {
    pub name: String,
    pub role: &'static str,
}

/// What every page's template receives besides its own values.
pub struct Frame<'a> {
    pub language: Language,
    /// The organization's, in which instants are shown.
    pub time_zone: TimeZone,
    pub title: &'static str,
    pub path: &'a str,
    pub csrf: Option<&'a str>,
    pub reader: Option<(Reader, Role)>,
}

/// Renders `template` with the frame and the page's own values (a
/// serializable struct or map).
pub fn page(template: &str, frame: Frame<'_>, values: impl Serialize) -> Result<String, Error> {
    let mut context = match serde_json::to_value(values) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(serde_json::Value::Null) => Map::new(),
        Ok(other) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("page values must be a map, not {other}"),
            ));
        }
        Err(e) => return Err(Error::new(ErrorKind::InvalidOperation, e.to_string())),
    };
    let (user, nav) = match frame.reader {
        Some((reader, role)) => (
            serde_json::to_value(reader).unwrap_or_default(),
            serde_json::to_value(menu::menu(role, frame.path)).unwrap_or_default(),
        ),
        None => (serde_json::Value::Null, serde_json::Value::Array(vec![])),
    };
    context.insert("lang".into(), frame.language.as_str().into());
    context.insert("time_zone".into(), frame.time_zone.name().into());
    context.insert("title".into(), frame.title.into());
    context.insert("path".into(), frame.path.into());
    context.insert("csrf".into(), frame.csrf.unwrap_or_default().into());
    context.insert("user".into(), user);
    context.insert("nav".into(), nav);
    ENVIRONMENT
        .get_template(template)?
        .render(Value::from(minijinja::value::Serde(&context)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n;

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            ENVIRONMENT.get_template(name).unwrap();
        }
    }

    #[test]
    fn every_key_the_templates_name_is_in_the_catalogs() {
        let named = TEMPLATES
            .iter()
            .flat_map(|(_, source)| {
                source.match_indices("t(").filter_map(|(at, _)| {
                    let before = source[..at].chars().next_back();
                    let call = before.is_none_or(|c| !c.is_alphanumeric() && c != '_');
                    call.then(|| &source[at + 2..])
                })
            })
            .filter_map(|rest| {
                let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
                rest[1..].split(quote).next()
            });
        // A key built in the template (`"role." ~ user.role`) is checked
        // with its vocabulary below.
        let fixed = named.filter(|key| !key.ends_with('.'));
        // The catalog's vocabularies, each word a key.
        use comptoir_domain::catalog::{ProductKind, Unit, VatCategory};
        let catalog_keys: Vec<String> = ProductKind::ALL
            .iter()
            .map(|k| format!("products.kind.{}", k.as_str()))
            .chain(
                Unit::ALL
                    .iter()
                    .map(|u| format!("products.unit.{}", u.as_str())),
            )
            .chain(
                VatCategory::ALL
                    .iter()
                    .map(|c| format!("products.vat_category.{}", c.as_str())),
            )
            .chain(
                ["base_price", "price_list_rule", "client_discount"]
                    .iter()
                    .map(|s| format!("products.price_source.{s}")),
            )
            .collect();
        // The imports' vocabularies, each word a key.
        use comptoir_domain::transfer::{ImportMode, ImportStatus, OnRowError};
        let import_keys: Vec<String> = comptoir_services::transfer::imports::importable()
            .iter()
            .map(|e| format!("imports.entity.{e}"))
            .chain(
                ImportStatus::ALL
                    .iter()
                    .map(|s| format!("imports.status.{}", s.as_str())),
            )
            .chain(
                ImportMode::ALL
                    .iter()
                    .map(|m| format!("imports.mode.{}", m.as_str())),
            )
            .chain(
                OnRowError::ALL
                    .iter()
                    .map(|o| format!("imports.on_error.{}", o.as_str())),
            )
            .collect();
        let roles: Vec<String> = Role::ALL
            .iter()
            .map(|r| format!("role.{}", r.as_str()))
            .collect();
        let series: Vec<String> = comptoir_domain::numbering::Series::ALL
            .iter()
            .map(|s| format!("settings.numbering.series.{}", s.as_str()))
            .collect();
        let menu: Vec<&str> = menu::labels().collect();
        let mut keys: Vec<&str> = fixed
            .chain(menu)
            .chain(roles.iter().map(String::as_str))
            .chain(["clients.kind.company", "clients.kind.individual"])
            .chain(catalog_keys.iter().map(String::as_str))
            .chain(import_keys.iter().map(String::as_str))
            .chain(series.iter().map(String::as_str))
            .chain([
                "clients.status.prospect",
                "clients.status.active",
                "clients.status.archived",
            ])
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert!(keys.len() > 20, "the scan found too few keys: {keys:?}");
        for language in Language::ALL {
            for key in &keys {
                assert_ne!(
                    i18n::text(language, key),
                    *key,
                    "{key} missing in {language:?}"
                );
            }
        }
    }
}
