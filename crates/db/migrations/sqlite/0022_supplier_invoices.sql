-- Supplier invoices (payables): received as e-invoices or typed by hand,
-- matched to a purchase order, approved, disputed and paid.
CREATE TABLE supplier_invoices (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    -- Unknown until resolved when no supplier had the invoice's SIREN or
    -- VAT number; `proposed_supplier` then holds the seller as sent.
    supplier_id BLOB REFERENCES suppliers(id),
    proposed_supplier TEXT,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    issue_date TEXT NOT NULL,
    due_date TEXT,
    buyer_order_reference TEXT,
    purchase_order_id BLOB REFERENCES purchase_orders(id),
    total_excl_tax INTEGER NOT NULL,
    total_tax INTEGER NOT NULL,
    total_incl_tax INTEGER NOT NULL,
    amount_due INTEGER NOT NULL,
    amount_paid INTEGER NOT NULL DEFAULT 0,
    tax_breakdown TEXT NOT NULL,
    -- The e-invoice as received (file store), or NULL when typed by hand.
    original_sha256 TEXT,
    original_content_type TEXT,
    original_format TEXT NOT NULL,
    -- A plain PDF attached to an invoice typed by hand.
    attachment_sha256 TEXT,
    dispute_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_supplier_invoices_paid CHECK (amount_paid >= 0 AND amount_paid <= amount_due)
);
-- The same file received twice is one invoice, even when both arrive at once.
CREATE UNIQUE INDEX uq_supplier_invoices_original ON supplier_invoices(organization_id, original_sha256);
CREATE INDEX ix_supplier_invoices_status_due ON supplier_invoices(organization_id, status, due_date);
CREATE INDEX ix_supplier_invoices_supplier ON supplier_invoices(supplier_id);

CREATE TABLE supplier_invoice_lines (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    supplier_invoice_id BLOB NOT NULL REFERENCES supplier_invoices(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    seller_item_id TEXT,
    description TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit TEXT,
    unit_price INTEGER NOT NULL,
    vat_category TEXT NOT NULL,
    vat_rate INTEGER NOT NULL,
    total_excl_tax INTEGER NOT NULL,
    purchase_order_line_id BLOB REFERENCES purchase_order_lines(id),
    product_id BLOB REFERENCES products(id),
    quantity_differs INTEGER NOT NULL DEFAULT 0,
    price_differs INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_supplier_invoice_lines_invoice ON supplier_invoice_lines(supplier_invoice_id, position);

-- Money paid out, append-only like `payments`.
CREATE TABLE supplier_payments (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    supplier_invoice_id BLOB NOT NULL REFERENCES supplier_invoices(id),
    amount INTEGER NOT NULL,
    payment_date TEXT NOT NULL,
    method TEXT NOT NULL,
    reference TEXT,
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    CONSTRAINT ck_supplier_payments_amount CHECK (amount > 0)
);
CREATE INDEX ix_supplier_payments_invoice ON supplier_payments(supplier_invoice_id, created_at);
