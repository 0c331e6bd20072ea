-- The inalterability chain of sales records: every issued invoice, credit
-- note and payment, and every period closing, in the order they were
-- recorded, each hash = sha256(previous hash || canonical content).
CREATE TABLE sales_chain (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    position INTEGER NOT NULL,
    record_type TEXT NOT NULL,
    record_id BLOB NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (organization_id, position)
);
CREATE UNIQUE INDEX uq_sales_chain_record ON sales_chain(record_type, record_id);

-- A closed period (a month `2026-11` or a year `2026`): its totals, and
-- the running totals since the first issued document.
CREATE TABLE sales_closings (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    period TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    document_count INTEGER NOT NULL,
    total_excl_tax INTEGER NOT NULL,
    total_tax INTEGER NOT NULL,
    total_incl_tax INTEGER NOT NULL,
    cumulative_incl_tax INTEGER NOT NULL,
    closed_by BLOB REFERENCES users(id),
    closed_at TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_sales_closings_period ON sales_closings(organization_id, period);

CREATE TRIGGER sales_chain_no_update BEFORE UPDATE ON sales_chain
BEGIN
    SELECT RAISE(ABORT, 'sales_chain is immutable');
END;
CREATE TRIGGER sales_chain_no_delete BEFORE DELETE ON sales_chain
BEGIN
    SELECT RAISE(ABORT, 'sales_chain is immutable');
END;
CREATE TRIGGER sales_closings_no_update BEFORE UPDATE ON sales_closings
BEGIN
    SELECT RAISE(ABORT, 'sales_closings is immutable');
END;
CREATE TRIGGER sales_closings_no_delete BEFORE DELETE ON sales_closings
BEGIN
    SELECT RAISE(ABORT, 'sales_closings is immutable');
END;
CREATE TRIGGER payments_no_update BEFORE UPDATE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments is immutable');
END;
CREATE TRIGGER payments_no_delete BEFORE DELETE ON payments
BEGIN
    SELECT RAISE(ABORT, 'payments is immutable');
END;
