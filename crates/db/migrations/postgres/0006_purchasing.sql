-- Weighted average unit cost, updated by receipts (ten-thousandths).
ALTER TABLE products ADD COLUMN average_cost BIGINT NOT NULL DEFAULT 0;

CREATE TABLE purchase_orders (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    number TEXT NOT NULL,
    supplier_id UUID NOT NULL REFERENCES suppliers(id),
    warehouse_id UUID REFERENCES warehouses(id),
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    issue_date DATE NOT NULL,
    expected_date DATE,
    notes TEXT,
    total_excl_tax BIGINT NOT NULL DEFAULT 0,
    total_tax BIGINT NOT NULL DEFAULT 0,
    total_incl_tax BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_purchase_orders_number ON purchase_orders(organization_id, number);
CREATE INDEX ix_purchase_orders_supplier ON purchase_orders(supplier_id);
CREATE INDEX ix_purchase_orders_status ON purchase_orders(organization_id, status);

CREATE TABLE purchase_order_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    purchase_order_id UUID NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    vat_rate BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    total_excl_tax BIGINT NOT NULL,
    received_quantity BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT ck_purchase_order_lines_quantity CHECK (quantity > 0),
    CONSTRAINT ck_purchase_order_lines_received CHECK (received_quantity >= 0 AND received_quantity <= quantity)
);
CREATE INDEX ix_purchase_order_lines_order ON purchase_order_lines(purchase_order_id, position);
CREATE INDEX ix_purchase_order_lines_product ON purchase_order_lines(product_id);

-- Keep between min and max of a product in a warehouse.
CREATE TABLE reorder_rules (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    warehouse_id UUID NOT NULL REFERENCES warehouses(id),
    min_quantity BIGINT NOT NULL,
    max_quantity BIGINT NOT NULL,
    supplier_id UUID REFERENCES suppliers(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_reorder_rules_range CHECK (min_quantity >= 0 AND max_quantity >= min_quantity)
);
CREATE UNIQUE INDEX uq_reorder_rules_item ON reorder_rules(warehouse_id, product_id, variant_key);
