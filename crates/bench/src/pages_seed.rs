//! The pages scenario's data beyond the demo: ten thousand products and a
//! hundred thousand issued invoices of ten lines each (a million invoice
//! lines), spread over the last two years, a few recent ones unpaid.
//!
//! Written straight into the database, as the ledger's movements are:
//! issuing a hundred thousand invoices through the API would take far
//! longer than the measurement. Amounts are whole ten-thousandths, as the
//! server stores them, and each invoice's totals are the sum of its lines.

use crate::database::psql;

pub const PRODUCTS: u32 = 10_000;
pub const INVOICES: u32 = 100_000;
pub const LINES_PER_INVOICE: u32 = 10;
/// The demo's administrator, whose organization receives the rows.
pub const DEMO_ADMIN: &str = "admin@demo.comptoir.test";
pub const DEMO_PASSWORD: &str = "comptoir-demo";
/// Invoice numbers of the seeded rows, apart from the demo's series.
pub const NUMBER_PREFIX: &str = "BENCH-";

/// Writes the products and invoices into the demo organization of
/// `database_url`, in one transaction, then refreshes the planner's
/// statistics.
pub async fn seed(database_url: &str) -> Result<(), String> {
    let sql = format!(
        "CREATE TEMP TABLE bench_org AS \
             SELECT organization_id AS id FROM users WHERE email = '{DEMO_ADMIN}'; \
         INSERT INTO products (id, organization_id, code, name, kind, unit, sale_price, \
             vat_rate, vat_category, attributes, created_at, updated_at) \
         SELECT gen_random_uuid(), o.id, 'BENCH-' || lpad(g::text, 5, '0'), \
             'Bench product ' || g, 'goods', 'unit', 10000 * (5 + g % 200), 200000, 'S', \
             '{{}}'::jsonb, now(), now() \
         FROM generate_series(1, {PRODUCTS}) AS g, bench_org AS o; \
         CREATE TEMP TABLE bench_products AS \
             SELECT id, name, sale_price, row_number() OVER (ORDER BY code) - 1 AS k \
             FROM products WHERE code LIKE 'BENCH-%'; \
         CREATE TEMP TABLE bench_clients AS \
             SELECT c.id, row_number() OVER (ORDER BY c.code) - 1 AS k \
             FROM clients c JOIN bench_org o ON o.id = c.organization_id; \
         CREATE TEMP TABLE bench_invoices AS \
             SELECT g AS n, gen_random_uuid() AS id, CURRENT_DATE - (g % 730) AS day, \
                 (g % 730) < 60 AND g % 3 = 0 AS owing \
             FROM generate_series(1, {INVOICES}) AS g; \
         CREATE TEMP TABLE bench_lines AS \
             SELECT i.id AS document_id, pos, p.id AS product_id, p.name, \
                 10000 * (1 + (i.n + pos) % 5) AS quantity, p.sale_price AS unit_price \
             FROM bench_invoices i CROSS JOIN generate_series(1, {LINES_PER_INVOICE}) AS pos \
             JOIN bench_products p ON p.k = (i.n * {LINES_PER_INVOICE} + pos) % {PRODUCTS}; \
         CREATE TEMP TABLE bench_totals AS \
             SELECT document_id, CAST(SUM(quantity * unit_price / 10000) AS BIGINT) AS net \
             FROM bench_lines GROUP BY document_id; \
         INSERT INTO sales_documents (id, organization_id, kind, number, status, client_id, \
             currency, issue_date, due_date, total_excl_tax, total_tax, total_incl_tax, \
             amount_paid, issued_at, created_at, updated_at) \
         SELECT i.id, o.id, 'invoice', '{NUMBER_PREFIX}' || lpad(i.n::text, 6, '0'), \
             CASE WHEN i.owing THEN 'issued' ELSE 'paid' END, c.id, 'EUR', i.day, i.day + 30, \
             t.net, t.net / 5, t.net + t.net / 5, \
             CASE WHEN i.owing THEN 0 ELSE t.net + t.net / 5 END, i.day, i.day, i.day \
         FROM bench_invoices i JOIN bench_totals t ON t.document_id = i.id \
         JOIN bench_clients c ON c.k = i.n % (SELECT count(*) FROM bench_clients), \
         bench_org AS o; \
         INSERT INTO sales_lines (id, organization_id, document_id, position, product_id, \
             description, quantity, unit_price, vat_rate, vat_category, total_excl_tax) \
         SELECT gen_random_uuid(), o.id, l.document_id, l.pos, l.product_id, l.name, \
             l.quantity, l.unit_price, 200000, 'S', l.quantity * l.unit_price / 10000 \
         FROM bench_lines l, bench_org AS o;"
    );
    psql(database_url, &sql).await?;
    // As a long-lived database would be after autovacuum, so it does not
    // start on these tables in the middle of the measurement.
    psql(
        database_url,
        "VACUUM (ANALYZE) products, sales_documents, sales_lines",
    )
    .await
}
