-- Supplier invoices (payables): received as e-invoices or typed by hand,
-- matched to a purchase order, approved, disputed and paid.
CREATE TABLE supplier_invoices (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    -- Unknown until resolved when no supplier had the invoice's SIREN or
    -- VAT number; `proposed_supplier` then holds the seller as sent.
    supplier_id UUID REFERENCES suppliers(id),
    proposed_supplier JSONB,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    issue_date DATE NOT NULL,
    due_date DATE,
    buyer_order_reference TEXT,
    purchase_order_id UUID REFERENCES purchase_orders(id),
    total_excl_tax BIGINT NOT NULL,
    total_tax BIGINT NOT NULL,
    total_incl_tax BIGINT NOT NULL,
    amount_due BIGINT NOT NULL,
    amount_paid BIGINT NOT NULL DEFAULT 0,
    tax_breakdown JSONB NOT NULL,
    -- The e-invoice as received (file store), or NULL when typed by hand.
    original_sha256 TEXT,
    original_content_type TEXT,
    original_format TEXT NOT NULL,
    -- A plain PDF attached to an invoice typed by hand.
    attachment_sha256 TEXT,
    dispute_reason TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_supplier_invoices_paid CHECK (amount_paid >= 0 AND amount_paid <= amount_due)
);
-- The same file received twice is one invoice, even when both arrive at once.
CREATE UNIQUE INDEX uq_supplier_invoices_original ON supplier_invoices(organization_id, original_sha256);
CREATE INDEX ix_supplier_invoices_status_due ON supplier_invoices(organization_id, status, due_date);
CREATE INDEX ix_supplier_invoices_supplier ON supplier_invoices(supplier_id);

CREATE TABLE supplier_invoice_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    supplier_invoice_id UUID NOT NULL REFERENCES supplier_invoices(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    seller_item_id TEXT,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit TEXT,
    unit_price BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    vat_rate BIGINT NOT NULL,
    total_excl_tax BIGINT NOT NULL,
    purchase_order_line_id UUID REFERENCES purchase_order_lines(id),
    product_id UUID REFERENCES products(id),
    quantity_differs BOOLEAN NOT NULL DEFAULT FALSE,
    price_differs BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX ix_supplier_invoice_lines_invoice ON supplier_invoice_lines(supplier_invoice_id, position);

-- Money paid out, append-only like `payments`.
CREATE TABLE supplier_payments (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    supplier_invoice_id UUID NOT NULL REFERENCES supplier_invoices(id),
    amount BIGINT NOT NULL,
    payment_date DATE NOT NULL,
    method TEXT NOT NULL,
    reference TEXT,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck_supplier_payments_amount CHECK (amount > 0)
);
CREATE INDEX ix_supplier_payments_invoice ON supplier_payments(supplier_invoice_id, created_at);
