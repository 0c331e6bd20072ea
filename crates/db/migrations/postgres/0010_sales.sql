-- Quotes, orders, invoices and credit notes share one table and one line table: the
-- same fields (see the conventions), one totals rule, one numbering.
CREATE TABLE sales_documents (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    kind TEXT NOT NULL,
    -- A draft invoice or credit note has none: it gets one when issued.
    number TEXT,
    status TEXT NOT NULL,
    client_id UUID NOT NULL REFERENCES clients(id),
    -- The quote of an order, the order of an invoice, the invoice of a credit
    -- note, the previous version of a quote.
    source_id UUID REFERENCES sales_documents(id),
    warehouse_id UUID REFERENCES warehouses(id),
    currency TEXT NOT NULL,
    issue_date DATE,
    valid_until DATE,
    due_date DATE,
    notes TEXT,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    discount_amount BIGINT NOT NULL DEFAULT 0,
    total_excl_tax BIGINT NOT NULL DEFAULT 0,
    total_tax BIGINT NOT NULL DEFAULT 0,
    total_incl_tax BIGINT NOT NULL DEFAULT 0,
    amount_paid BIGINT NOT NULL DEFAULT 0,
    -- Invoices: what issued credit notes took off.
    amount_credited BIGINT NOT NULL DEFAULT 0,
    issued_at TIMESTAMPTZ,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_sales_documents_paid CHECK (amount_paid >= 0 AND amount_paid <= total_incl_tax),
    CONSTRAINT ck_sales_documents_credited CHECK (amount_credited >= 0)
);
CREATE UNIQUE INDEX uq_sales_documents_number ON sales_documents(organization_id, number);
CREATE INDEX ix_sales_documents_kind ON sales_documents(organization_id, kind, status);
CREATE INDEX ix_sales_documents_client ON sales_documents(client_id, kind);
CREATE INDEX ix_sales_documents_source ON sales_documents(source_id);

CREATE TABLE sales_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    document_id UUID NOT NULL REFERENCES sales_documents(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    -- NULL for a free-text line.
    product_id UUID REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    vat_rate BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    total_excl_tax BIGINT NOT NULL,
    -- Orders: where the line is reserved, and how much left, was billed
    -- and came back.
    location_id UUID REFERENCES locations(id),
    delivered_quantity BIGINT NOT NULL DEFAULT 0,
    invoiced_quantity BIGINT NOT NULL DEFAULT 0,
    returned_quantity BIGINT NOT NULL DEFAULT 0,
    -- What credit notes took back of the returned quantity, once invoiced.
    credited_quantity BIGINT NOT NULL DEFAULT 0,
    -- The order line an invoice line bills.
    source_line_id UUID REFERENCES sales_lines(id),
    CONSTRAINT ck_sales_lines_quantity CHECK (quantity > 0),
    CONSTRAINT ck_sales_lines_delivered CHECK (delivered_quantity >= 0 AND delivered_quantity <= quantity),
    CONSTRAINT ck_sales_lines_invoiced CHECK (invoiced_quantity >= 0 AND invoiced_quantity <= quantity),
    CONSTRAINT ck_sales_lines_returned CHECK (returned_quantity >= 0 AND returned_quantity <= delivered_quantity),
    CONSTRAINT ck_sales_lines_credited CHECK (credited_quantity >= 0 AND credited_quantity <= returned_quantity)
);
CREATE INDEX ix_sales_lines_document ON sales_lines(document_id, position);
CREATE INDEX ix_sales_lines_product ON sales_lines(product_id);
CREATE INDEX ix_sales_lines_source ON sales_lines(source_line_id);

-- An issued invoice or credit note never changes: only an invoice's
-- payment state moves (amount_paid, amount_credited, status, updated_at,
-- version), and it is never deleted.
CREATE FUNCTION issued_invoice_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.kind IN ('invoice', 'credit_note') AND OLD.number IS NOT NULL THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'issued invoice % is immutable: it cannot be deleted', OLD.number;
        END IF;
        IF (NEW.id, NEW.organization_id, NEW.kind, NEW.number, NEW.client_id, NEW.source_id,
            NEW.warehouse_id, NEW.currency, NEW.issue_date, NEW.valid_until, NEW.due_date, NEW.notes,
            NEW.discount_percent, NEW.discount_amount, NEW.total_excl_tax, NEW.total_tax,
            NEW.total_incl_tax, NEW.issued_at, NEW.created_by, NEW.created_at)
           IS DISTINCT FROM
           (OLD.id, OLD.organization_id, OLD.kind, OLD.number, OLD.client_id, OLD.source_id,
            OLD.warehouse_id, OLD.currency, OLD.issue_date, OLD.valid_until, OLD.due_date, OLD.notes,
            OLD.discount_percent, OLD.discount_amount, OLD.total_excl_tax, OLD.total_tax,
            OLD.total_incl_tax, OLD.issued_at, OLD.created_by, OLD.created_at) THEN
            RAISE EXCEPTION 'issued invoice % is immutable: only payments change it', OLD.number;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sales_documents_issued_frozen BEFORE UPDATE OR DELETE ON sales_documents
    FOR EACH ROW EXECUTE FUNCTION issued_invoice_frozen();

CREATE FUNCTION issued_invoice_lines_frozen() RETURNS trigger AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM sales_documents
               WHERE id = OLD.document_id AND kind IN ('invoice', 'credit_note') AND number IS NOT NULL) THEN
        RAISE EXCEPTION 'the lines of an issued invoice are immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sales_lines_issued_frozen BEFORE UPDATE OR DELETE ON sales_lines
    FOR EACH ROW EXECUTE FUNCTION issued_invoice_lines_frozen();

-- The reminders of a sent quote left unanswered (after 7 and 15 days):
-- the key makes each one happen once, whichever instance gets there first.
CREATE TABLE quote_reminders (
    quote_id UUID NOT NULL REFERENCES sales_documents(id),
    organization_id UUID NOT NULL REFERENCES organizations(id),
    days BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (quote_id, days)
);

-- A delivery note (BL-YYYY-NNNNN): what left the warehouse for an order.
CREATE TABLE deliveries (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    order_id UUID NOT NULL REFERENCES sales_documents(id),
    number TEXT NOT NULL,
    delivery_date DATE NOT NULL,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX uq_deliveries_number ON deliveries(organization_id, number);
CREATE INDEX ix_deliveries_order ON deliveries(order_id);

CREATE TABLE delivery_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    delivery_id UUID NOT NULL REFERENCES deliveries(id),
    order_line_id UUID NOT NULL REFERENCES sales_lines(id),
    quantity BIGINT NOT NULL,
    location_id UUID NOT NULL REFERENCES locations(id),
    -- None for a service line: nothing leaves the warehouse.
    movement_id UUID REFERENCES stock_movements(id),
    CONSTRAINT ck_delivery_lines_quantity CHECK (quantity > 0)
);
CREATE INDEX ix_delivery_lines_delivery ON delivery_lines(delivery_id);

-- Goods a client sent back on an order.
CREATE TABLE sales_returns (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    order_id UUID NOT NULL REFERENCES sales_documents(id),
    reason TEXT NOT NULL,
    restock BOOLEAN NOT NULL,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_sales_returns_order ON sales_returns(order_id);

CREATE TABLE sales_return_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    return_id UUID NOT NULL REFERENCES sales_returns(id),
    order_line_id UUID NOT NULL REFERENCES sales_lines(id),
    quantity BIGINT NOT NULL,
    -- The restocking receipt; none when the goods are not put back.
    movement_id UUID REFERENCES stock_movements(id),
    CONSTRAINT ck_sales_return_lines_quantity CHECK (quantity > 0)
);
CREATE INDEX ix_sales_return_lines_return ON sales_return_lines(return_id);

CREATE TABLE payments (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    invoice_id UUID NOT NULL REFERENCES sales_documents(id),
    amount BIGINT NOT NULL,
    payment_date DATE NOT NULL,
    method TEXT NOT NULL,
    reference TEXT,
    created_by UUID REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck_payments_amount CHECK (amount > 0)
);
CREATE INDEX ix_payments_invoice ON payments(invoice_id, created_at);

-- What happened to a document, written in the transaction that did it.
CREATE TABLE business_events (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    event_type TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id UUID NOT NULL,
    client_id UUID REFERENCES clients(id),
    actor_id UUID REFERENCES users(id),
    data JSONB NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_business_events_subject ON business_events(organization_id, subject_type, subject_id, occurred_at);
CREATE INDEX ix_business_events_client ON business_events(organization_id, client_id, occurred_at);
