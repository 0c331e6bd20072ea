-- The inalterability chain of sales records: every issued invoice, credit
-- note and payment, and every period closing, in the order they were
-- recorded, each hash = sha256(previous hash || canonical content).
CREATE TABLE sales_chain (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    position BIGINT NOT NULL,
    record_type TEXT NOT NULL,
    record_id UUID NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, position)
);
CREATE UNIQUE INDEX uq_sales_chain_record ON sales_chain(record_type, record_id);

-- A closed period (a month `2026-11` or a year `2026`): its totals, and
-- the running totals since the first issued document.
CREATE TABLE sales_closings (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    period TEXT NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    document_count BIGINT NOT NULL,
    total_excl_tax BIGINT NOT NULL,
    total_tax BIGINT NOT NULL,
    total_incl_tax BIGINT NOT NULL,
    cumulative_incl_tax BIGINT NOT NULL,
    closed_by UUID REFERENCES users(id),
    closed_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX uq_sales_closings_period ON sales_closings(organization_id, period);

CREATE FUNCTION sales_records_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is immutable', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER sales_chain_no_change BEFORE UPDATE OR DELETE ON sales_chain
    FOR EACH ROW EXECUTE FUNCTION sales_records_immutable();
CREATE TRIGGER sales_closings_no_change BEFORE UPDATE OR DELETE ON sales_closings
    FOR EACH ROW EXECUTE FUNCTION sales_records_immutable();
CREATE TRIGGER payments_no_change BEFORE UPDATE OR DELETE ON payments
    FOR EACH ROW EXECUTE FUNCTION sales_records_immutable();
