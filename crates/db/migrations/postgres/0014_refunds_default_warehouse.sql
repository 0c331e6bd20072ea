-- A payment row is money received (`payment`) or paid back to the client
-- (`refund`): what payments and credit notes took past an invoice's total.
ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment';
ALTER TABLE payments ADD CONSTRAINT ck_payments_kind CHECK (kind IN ('payment', 'refund'));

-- One default warehouse per organization: where an order without one
-- reserves and delivers. The oldest warehouse of each organization
-- becomes it.
ALTER TABLE warehouses ADD COLUMN is_default BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE warehouses SET is_default = TRUE
 WHERE id IN (SELECT DISTINCT ON (organization_id) id FROM warehouses
               ORDER BY organization_id, created_at, id);
CREATE UNIQUE INDEX uq_warehouses_default ON warehouses(organization_id) WHERE is_default;

-- Organization-wide lists of payments and deliveries, newest or by date.
CREATE INDEX ix_payments_organization ON payments(organization_id, payment_date);
CREATE INDEX ix_deliveries_organization ON deliveries(organization_id, delivery_date);
