//! The permissions an entry point requires, as types: the API's routes and
//! the web pages name one in their signature, and the permission matrix
//! (`domain::permissions`) alone decides whether the caller's role has it.

use comptoir_domain::permissions::Permission;

/// A permission an entry point requires, as a type.
pub trait Requirement {
    const PERMISSION: Permission;
}

macro_rules! requirements {
    ($($marker:ident),+ $(,)?) => {
        $(
            pub struct $marker;
            impl Requirement for $marker {
                const PERMISSION: Permission = Permission::$marker;
            }
        )+
    };
}

requirements!(
    CatalogRead,
    CatalogWrite,
    ClientsRead,
    ClientsWrite,
    SuppliersRead,
    SuppliersWrite,
    StockRead,
    StockWrite,
    PurchasesRead,
    PurchasesWrite,
    PayablesRead,
    PayablesWrite,
    SalesRead,
    SalesWrite,
    InvoicesRead,
    InvoicesWrite,
    DataImport,
    DataExport,
    UsersManage,
    AuditRead,
    SettingsManage,
    ValuationRead,
    ReportsRead,
    ReturnsWrite,
    PeriodsClose,
);
