//! Black-box tests through the HTTP API. The same tests run on SQLite
//! (default) and on PostgreSQL (`COMPTOIR_TEST_DATABASE_URL`).

mod helpers;

mod audit;
mod auth;
mod backup;
mod browser;
mod browser_stock;
mod catalog;
mod catalog_pages;
mod conventions;
mod dashboard;
mod demo;
mod hardening;
mod imports;
mod inventories;
mod pages;
mod parties;
mod party_details;
mod pricing;
mod purchasing;
mod roles;
mod sales;
mod sales_pages;
mod stock;
mod stock_pages;
mod storage;
mod variants;
