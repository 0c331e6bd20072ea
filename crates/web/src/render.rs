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

use crate::assets;
use crate::i18n;
use chrono::NaiveDate;
use comptoir_domain::language::Language;
use comptoir_domain::permissions::{Permission, Role};
use minijinja::{Environment, Error, ErrorKind, State, Value};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Map;
use std::str::FromStr;
use std::sync::LazyLock;

macro_rules! templates {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),+]
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
    "sales/list.html",
    "sales/document.html",
    "imports/list.html",
    "imports/new.html",
    "imports/show.html",
    "imports/progress.html",
    "sales/operations.html",
    "sales/deliveries.html",
    "sales/payments.html",
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
    "settings/index.html",
    "settings/users.html",
    "settings/user_form.html",
    "settings/roles.html",
    "settings/numbering.html",
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

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not compile: {e}"));
    }
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
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
            .map(|at| i18n::instant(language(state), at.with_timezone(&chrono::Utc)))
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
    env
}

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(environment);

/// A menu entry, shown to the roles granted any of its permissions (to
/// everyone when it names none).
struct MenuEntry {
    href: &'static str,
    label: &'static str,
    permissions: &'static [Permission],
}

/// The permissions of the settings' sections: a role granted any of them
/// has a section to open (`pages::settings` checks they agree).
pub(crate) const SETTINGS: &[Permission] = &[
    Permission::UsersManage,
    Permission::SettingsManage,
    Permission::AuditRead,
    Permission::InvoicesRead,
];

const MENU: &[MenuEntry] = &[
    MenuEntry {
        href: "/",
        label: "nav.dashboard",
        permissions: &[],
    },
    MenuEntry {
        href: "/clients",
        label: "nav.clients",
        permissions: &[Permission::ClientsRead],
    },
    MenuEntry {
        href: "/quotes",
        label: "nav.quotes",
        permissions: &[Permission::SalesRead],
    },
    MenuEntry {
        href: "/orders",
        label: "nav.orders",
        permissions: &[Permission::SalesRead],
    },
    MenuEntry {
        href: "/deliveries",
        label: "nav.deliveries",
        permissions: &[Permission::SalesRead],
    },
    MenuEntry {
        href: "/invoices",
        label: "nav.invoices",
        permissions: &[Permission::InvoicesRead],
    },
    MenuEntry {
        href: "/payments",
        label: "nav.payments",
        permissions: &[Permission::InvoicesRead],
    },
    MenuEntry {
        href: "/products",
        label: "nav.products",
        permissions: &[Permission::CatalogRead],
    },
    MenuEntry {
        href: "/stock",
        label: "nav.stock",
        permissions: &[Permission::StockRead],
    },
    MenuEntry {
        href: "/stock/movements",
        label: "nav.movements",
        permissions: &[Permission::StockRead],
    },
    MenuEntry {
        href: "/inventories",
        label: "nav.inventories",
        permissions: &[Permission::StockRead],
    },
    MenuEntry {
        href: "/warehouses",
        label: "nav.warehouses",
        permissions: &[Permission::StockRead],
    },
    MenuEntry {
        href: "/suppliers",
        label: "nav.suppliers",
        permissions: &[Permission::SuppliersRead],
    },
    MenuEntry {
        href: "/purchase-orders",
        label: "nav.purchase_orders",
        permissions: &[Permission::PurchasesRead],
    },
    MenuEntry {
        href: "/replenishment",
        label: "nav.replenishment",
        permissions: &[Permission::StockRead],
    },
    MenuEntry {
        href: "/imports",
        label: "nav.imports",
        permissions: &[Permission::DataImport],
    },
    MenuEntry {
        href: "/settings",
        label: "nav.settings",
        permissions: SETTINGS,
    },
];

#[derive(Serialize)]
struct NavItem {
    href: &'static str,
    label: &'static str,
    current: bool,
}

/// The menu a role sees, with the entry of `path` marked current: the
/// longest that leads to it (`/stock/movements/new` is under the ledger,
/// not under `/stock`).
fn menu(role: Role, path: &str) -> Vec<NavItem> {
    let leads = |href: &str| {
        if href == "/" {
            path == "/"
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        }
    };
    let current = MENU
        .iter()
        .map(|entry| entry.href)
        .filter(|href| leads(href))
        .max_by_key(|href| href.len());
    MENU.iter()
        .filter(|entry| {
            entry.permissions.is_empty() || entry.permissions.iter().any(|p| role.allows(*p))
        })
        .map(|entry| NavItem {
            href: entry.href,
            label: entry.label,
            current: Some(entry.href) == current,
        })
        .collect()
}

/// Who reads the page, as the layout shows them.
#[derive(Serialize)]
pub struct Reader {
    pub name: String,
    pub role: &'static str,
}

/// What every page's template receives besides its own values.
pub struct Frame<'a> {
    pub language: Language,
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
            serde_json::to_value(menu(role, frame.path)).unwrap_or_default(),
        ),
        None => (serde_json::Value::Null, serde_json::Value::Array(vec![])),
    };
    context.insert("lang".into(), frame.language.as_str().into());
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
        let mut keys: Vec<&str> = fixed
            .chain(MENU.iter().map(|entry| entry.label))
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

    #[test]
    fn the_menu_follows_the_permission_matrix() {
        let admin = menu(Role::Admin, "/clients/new");
        assert!(admin.iter().any(|i| i.href == "/clients" && i.current));
        for &role in Role::ALL {
            let hrefs: Vec<_> = menu(role, "/").iter().map(|i| i.href).collect();
            assert_eq!(
                hrefs.contains(&"/clients"),
                role.allows(Permission::ClientsRead),
                "{role:?}"
            );
            assert_eq!(
                hrefs.contains(&"/products"),
                role.allows(Permission::CatalogRead),
                "{role:?}"
            );
            for (href, permission) in [
                ("/suppliers", Permission::SuppliersRead),
                ("/purchase-orders", Permission::PurchasesRead),
                ("/replenishment", Permission::StockRead),
            ] {
                assert_eq!(hrefs.contains(&href), role.allows(permission), "{role:?}");
            }
            assert_eq!(
                hrefs.contains(&"/settings"),
                SETTINGS.iter().any(|p| role.allows(*p)),
                "{role:?}"
            );
            assert_eq!(
                hrefs.contains(&"/inventories"),
                role.allows(Permission::StockRead),
                "{role:?}"
            );
        }
        let ledger = menu(Role::Warehouse, "/stock/movements/new");
        let current: Vec<_> = ledger
            .iter()
            .filter(|i| i.current)
            .map(|i| i.href)
            .collect();
        assert_eq!(current, ["/stock/movements"]);
    }
}
