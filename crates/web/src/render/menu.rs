//! The main menu: the dashboard, then the entries grouped by area (sales,
//! catalog, stock, purchasing, administration), each group a disclosure
//! the layout draws. An entry is shown to the roles granted any of its
//! permissions, a group only when it has an entry to show.

use comptoir_domain::permissions::{Permission, Role};
use serde::Serialize;

/// A menu entry, shown to the roles granted any of its permissions (to
/// everyone when it names none).
struct Entry {
    href: &'static str,
    label: &'static str,
    permissions: &'static [Permission],
}

/// Entries under one label; without a label they stand on the menu bar
/// by themselves.
struct Group {
    label: Option<&'static str>,
    entries: &'static [Entry],
}

/// The permissions of the settings' sections: a role granted any of them
/// has a section to open (`pages::settings` checks they agree).
pub(crate) const SETTINGS: &[Permission] = &[
    Permission::UsersManage,
    Permission::SettingsManage,
    Permission::AuditRead,
    Permission::InvoicesRead,
];

const fn entry(
    href: &'static str,
    label: &'static str,
    permissions: &'static [Permission],
) -> Entry {
    Entry {
        href,
        label,
        permissions,
    }
}

const MENU: &[Group] = &[
    Group {
        label: None,
        entries: &[entry("/", "nav.dashboard", &[])],
    },
    Group {
        label: Some("nav.group.sales"),
        entries: &[
            entry("/clients", "nav.clients", &[Permission::ClientsRead]),
            entry("/quotes", "nav.quotes", &[Permission::SalesRead]),
            entry("/orders", "nav.orders", &[Permission::SalesRead]),
            entry("/deliveries", "nav.deliveries", &[Permission::SalesRead]),
            entry("/returns", "nav.returns", &[Permission::SalesRead]),
            entry("/invoices", "nav.invoices", &[Permission::InvoicesRead]),
            entry(
                "/credit-notes",
                "nav.credit_notes",
                &[Permission::InvoicesRead],
            ),
            entry("/payments", "nav.payments", &[Permission::InvoicesRead]),
        ],
    },
    Group {
        label: Some("nav.group.catalog"),
        entries: &[
            entry("/products", "nav.products", &[Permission::CatalogRead]),
            entry("/categories", "nav.categories", &[Permission::CatalogRead]),
            entry(
                "/price-lists",
                "nav.price_lists",
                &[Permission::CatalogRead],
            ),
        ],
    },
    Group {
        label: Some("nav.group.stock"),
        entries: &[
            entry("/stock", "nav.stock_levels", &[Permission::StockRead]),
            entry(
                "/stock/movements",
                "nav.movements",
                &[Permission::StockRead],
            ),
            entry("/inventories", "nav.inventories", &[Permission::StockRead]),
            entry("/warehouses", "nav.warehouses", &[Permission::StockRead]),
        ],
    },
    Group {
        label: Some("nav.group.purchasing"),
        entries: &[
            entry("/suppliers", "nav.suppliers", &[Permission::SuppliersRead]),
            entry(
                "/purchase-orders",
                "nav.purchase_orders",
                &[Permission::PurchasesRead],
            ),
            entry(
                "/replenishment",
                "nav.replenishment",
                &[Permission::StockRead],
            ),
            entry(
                "/supplier-invoices",
                "nav.supplier_invoices",
                &[Permission::PayablesRead],
            ),
        ],
    },
    Group {
        label: Some("nav.group.administration"),
        entries: &[
            entry("/imports", "nav.imports", &[Permission::DataImport]),
            entry("/settings", "nav.settings", SETTINGS),
        ],
    },
];

/// The catalog keys the menu shows.
#[cfg(test)]
pub(super) fn labels() -> impl Iterator<Item = &'static str> {
    MENU.iter().flat_map(|group| {
        group
            .label
            .into_iter()
            .chain(group.entries.iter().map(|e| e.label))
    })
}

#[derive(Serialize)]
pub(super) struct NavItem {
    href: &'static str,
    label: &'static str,
    current: bool,
}

#[derive(Serialize)]
pub(super) struct NavGroup {
    label: Option<&'static str>,
    /// Whether the current page's entry is in the group.
    current: bool,
    items: Vec<NavItem>,
}

/// The menu a role sees, with the entry of `path` marked current, and its
/// group: the longest that leads to it (`/stock/movements/new` is under
/// the ledger, not under `/stock`).
pub(super) fn menu(role: Role, path: &str) -> Vec<NavGroup> {
    let leads = |href: &str| {
        if href == "/" {
            path == "/"
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        }
    };
    let current = MENU
        .iter()
        .flat_map(|group| group.entries)
        .map(|entry| entry.href)
        .filter(|href| leads(href))
        .max_by_key(|href| href.len());
    MENU.iter()
        .map(|group| {
            let items: Vec<NavItem> = group
                .entries
                .iter()
                .filter(|entry| {
                    entry.permissions.is_empty()
                        || entry.permissions.iter().any(|p| role.allows(*p))
                })
                .map(|entry| NavItem {
                    href: entry.href,
                    label: entry.label,
                    current: Some(entry.href) == current,
                })
                .collect();
            NavGroup {
                label: group.label,
                current: items.iter().any(|item| item.current),
                items,
            }
        })
        .filter(|group| !group.items.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(groups: &[NavGroup]) -> Vec<&'static str> {
        groups
            .iter()
            .flat_map(|g| g.items.iter().map(|i| i.href))
            .collect()
    }

    #[test]
    fn the_menu_follows_the_permission_matrix() {
        let admin = menu(Role::Admin, "/clients/new");
        assert!(
            admin
                .iter()
                .flat_map(|g| &g.items)
                .any(|i| i.href == "/clients" && i.current)
        );
        for &role in Role::ALL {
            let hrefs = hrefs(&menu(role, "/"));
            for (href, permission) in [
                ("/clients", Permission::ClientsRead),
                ("/products", Permission::CatalogRead),
                ("/categories", Permission::CatalogRead),
                ("/price-lists", Permission::CatalogRead),
                ("/returns", Permission::SalesRead),
                ("/credit-notes", Permission::InvoicesRead),
                ("/suppliers", Permission::SuppliersRead),
                ("/purchase-orders", Permission::PurchasesRead),
                ("/replenishment", Permission::StockRead),
                ("/inventories", Permission::StockRead),
                ("/imports", Permission::DataImport),
            ] {
                assert_eq!(hrefs.contains(&href), role.allows(permission), "{role:?}");
            }
            assert_eq!(
                hrefs.contains(&"/settings"),
                SETTINGS.iter().any(|p| role.allows(*p)),
                "{role:?}"
            );
        }
    }

    #[test]
    fn a_group_shows_only_with_an_entry_and_holds_the_current_page() {
        let technician: Vec<_> = menu(Role::Technician, "/products/new")
            .into_iter()
            .map(|g| (g.label, g.current))
            .collect();
        assert_eq!(
            technician,
            [(None, false), (Some("nav.group.catalog"), true)],
            "a technician reads the catalog only"
        );
        let ledger = menu(Role::Warehouse, "/stock/movements/new");
        let current: Vec<_> = ledger
            .iter()
            .flat_map(|g| g.items.iter().filter(|i| i.current).map(|i| i.href))
            .collect();
        assert_eq!(current, ["/stock/movements"]);
        let groups: Vec<_> = ledger
            .iter()
            .filter(|g| g.current)
            .map(|g| g.label)
            .collect();
        assert_eq!(groups, [Some("nav.group.stock")]);
    }
}
