-- A payment row is money received (`payment`) or paid back to the client
-- (`refund`): what payments and credit notes took past an invoice's total.
ALTER TABLE payments ADD COLUMN kind TEXT NOT NULL DEFAULT 'payment'
    CHECK (kind IN ('payment', 'refund'));

-- One default warehouse per organization: where an order without one
-- reserves and delivers. The oldest warehouse of each organization
-- becomes it.
ALTER TABLE warehouses ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0;
UPDATE warehouses SET is_default = 1
 WHERE id IN (SELECT w.id FROM warehouses w
               WHERE NOT EXISTS (SELECT 1 FROM warehouses o
                                  WHERE o.organization_id = w.organization_id
                                    AND (o.created_at < w.created_at
                                         OR (o.created_at = w.created_at AND o.id < w.id))));
CREATE UNIQUE INDEX uq_warehouses_default ON warehouses(organization_id) WHERE is_default;

-- Organization-wide lists of payments and deliveries, newest or by date.
CREATE INDEX ix_payments_organization ON payments(organization_id, payment_date);
CREATE INDEX ix_deliveries_organization ON deliveries(organization_id, delivery_date);
