//! Black-box tests through the HTTP API. The same tests run on SQLite
//! (default) and on PostgreSQL (`COMPTOIR_TEST_DATABASE_URL`).

mod helpers;

mod audit;
mod auth;
mod backup;
mod browser;
mod browser_editor;
mod browser_purchasing;
mod browser_sales_ops;
mod browser_settings;
mod browser_stock;
mod browser_transfer;
mod catalog;
mod catalog_pages;
mod conventions;
mod dashboard;
mod dashboard_cache;
mod demo;
mod double_submit;
mod editor_pages;
mod hardening;
mod imports;
mod inventories;
mod invoice_drafts;
mod pages;
mod parties;
mod party_details;
mod pricing;
mod purchasing;
mod purchasing_forms;
mod purchasing_pages;
mod roles;
mod sales;
mod sales_ops_pages;
mod sales_ops_roles;
mod sales_pages;
mod settings_pages;
mod stock;
mod stock_pages;
mod storage;
mod supplier_pages;
mod transfer_pages;
mod variants;
