//! Roles and the permission matrix: the one place that says who may do what.
//! HTTP routes name the permission they need; nothing else checks roles.

use serde::{Deserialize, Serialize};

macro_rules! permissions {
    ($($variant:ident => $text:literal : $doc:literal),+ $(,)?) => {
        /// Something a route may require.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum Permission {
            $(#[doc = $doc] #[serde(rename = $text)] $variant,)+
        }

        // By hand, from serde's strings: the derive would document the
        // Rust spelling of a `rename` passed through a macro.
        impl utoipa::PartialSchema for Permission {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                crate::catalog::string_enum_schema("Something a route may require.", &[$($text),+])
            }
        }

        impl utoipa::ToSchema for Permission {}

        impl Permission {
            pub const ALL: &'static [Permission] = &[$(Permission::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $(Permission::$variant => $text,)+ }
            }

            pub fn description(self) -> &'static str {
                match self { $(Permission::$variant => $doc,)+ }
            }
        }
    };
}

permissions! {
    CatalogRead => "catalog.read": "See products, categories, variants, price lists",
    CatalogWrite => "catalog.write": "Create and change products, categories, variants, price lists",
    ClientsRead => "clients.read": "See clients, their addresses and contacts",
    ClientsWrite => "clients.write": "Create and change clients, addresses, contacts",
    SuppliersRead => "suppliers.read": "See suppliers and product supplier info",
    SuppliersWrite => "suppliers.write": "Create and change suppliers and product supplier info",
    StockRead => "stock.read": "See warehouses, stock levels and movements",
    StockWrite => "stock.write": "Record movements, inventories, receipts and deliveries",
    PurchasesRead => "purchases.read": "See purchase orders",
    PurchasesWrite => "purchases.write": "Create and change purchase orders",
    PayablesRead => "payables.read": "See supplier invoices and the payments made on them",
    PayablesWrite => "payables.write": "Receive, approve, dispute and pay supplier invoices",
    SalesRead => "sales.read": "See quotes and orders",
    SalesWrite => "sales.write": "Create and change quotes and orders",
    InvoicesRead => "invoices.read": "See invoices, payments and credit notes",
    InvoicesWrite => "invoices.write": "Issue invoices, record payments, make credit notes",
    PlanningRead => "planning.read": "See missions and equipment",
    PlanningWrite => "planning.write": "Plan missions and equipment",
    ReportsRead => "reports.read": "See dashboards and reports",
    DataExport => "data.export": "Export data",
    DataImport => "data.import": "Import data",
    ValuationRead => "stock.valuation": "See the stock valuation (purchase costs)",
    ReturnsWrite => "returns.write": "Take goods back from clients: restock them and credit what was billed",
    CreditOverride => "credit.override": "Confirm an order past the client's credit limit",
    PeriodsClose => "periods.close": "Close a sales period for good (it cannot be undone)",
    UsersManage => "users.manage": "Manage users and their roles",
    AuditRead => "audit.read": "Read the audit log",
    SettingsManage => "settings.manage": "Change organization settings",
}

/// A user's role in its organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Warehouse,
    Accountant,
    Technician,
    Viewer,
}

use Permission::*;

const READ_ALL_BUSINESS: &[Permission] = &[
    CatalogRead,
    ClientsRead,
    SuppliersRead,
    StockRead,
    PurchasesRead,
    PayablesRead,
    SalesRead,
    InvoicesRead,
    PlanningRead,
    ReportsRead,
];

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Manager,
        Role::Sales,
        Role::Warehouse,
        Role::Accountant,
        Role::Technician,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Warehouse => "warehouse",
            Role::Accountant => "accountant",
            Role::Technician => "technician",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        Role::ALL
            .iter()
            .copied()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("must be one of: {}", names.join(", "))
            })
    }

    /// The permission matrix.
    pub fn permissions(self) -> Vec<Permission> {
        match self {
            Role::Admin => Permission::ALL.to_vec(),
            Role::Manager => Permission::ALL
                .iter()
                .copied()
                .filter(|p| !matches!(p, UsersManage | AuditRead | SettingsManage | PeriodsClose))
                .collect(),
            Role::Sales => vec![
                CatalogRead,
                ClientsRead,
                ClientsWrite,
                StockRead,
                SalesRead,
                SalesWrite,
                InvoicesRead,
                PlanningRead,
                ReturnsWrite,
            ],
            Role::Warehouse => vec![
                CatalogRead,
                SuppliersRead,
                StockRead,
                StockWrite,
                PurchasesRead,
                SalesRead,
            ],
            Role::Accountant => {
                let mut granted = READ_ALL_BUSINESS.to_vec();
                granted.extend([InvoicesWrite, PayablesWrite, DataExport, ValuationRead]);
                granted
            }
            Role::Technician => vec![CatalogRead, PlanningRead, PlanningWrite],
            Role::Viewer => READ_ALL_BUSINESS.to_vec(),
        }
    }

    pub fn allows(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl TryFrom<String> for Role {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Role::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_has_everything_and_viewer_only_reads() {
        assert_eq!(Role::Admin.permissions().len(), Permission::ALL.len());
        assert!(
            Role::Viewer
                .permissions()
                .iter()
                .all(|p| p.as_str().ends_with(".read"))
        );
    }

    #[test]
    fn only_admin_manages_users_and_reads_audit() {
        for role in Role::ALL {
            assert_eq!(role.allows(UsersManage), *role == Role::Admin);
            assert_eq!(role.allows(AuditRead), *role == Role::Admin);
        }
    }

    #[test]
    fn sales_sells_and_warehouse_moves_stock() {
        assert!(Role::Sales.allows(SalesWrite) && !Role::Sales.allows(CatalogWrite));
        assert!(Role::Warehouse.allows(StockWrite) && !Role::Warehouse.allows(SalesWrite));
        assert!(Role::Accountant.allows(InvoicesWrite) && !Role::Accountant.allows(ClientsWrite));
    }

    #[test]
    fn only_admin_closes_a_period() {
        for role in Role::ALL {
            assert_eq!(role.allows(PeriodsClose), *role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn purchase_costs_returns_and_credit_overrides_are_for_whom_they_concern() {
        let holders = |permission| -> Vec<Role> {
            Role::ALL
                .iter()
                .copied()
                .filter(|role| role.allows(permission))
                .collect()
        };
        assert_eq!(
            holders(ValuationRead),
            [Role::Admin, Role::Manager, Role::Accountant]
        );
        assert_eq!(
            holders(ReturnsWrite),
            [Role::Admin, Role::Manager, Role::Sales]
        );
        assert_eq!(holders(CreditOverride), [Role::Admin, Role::Manager]);
        assert_eq!(
            holders(PayablesWrite),
            [Role::Admin, Role::Manager, Role::Accountant]
        );
        assert_eq!(
            holders(PayablesRead),
            [Role::Admin, Role::Manager, Role::Accountant, Role::Viewer]
        );
    }
}
