-- A physical inventory of one warehouse, optionally narrowed to some of
-- its locations and to one category (with its sub-categories). While it
-- is open, movements of the items in its scope are refused.
CREATE TABLE inventories (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    number TEXT NOT NULL,
    warehouse_id UUID NOT NULL REFERENCES warehouses(id),
    category_id UUID REFERENCES categories(id),
    status TEXT NOT NULL,
    opened_by UUID,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_inventories_number ON inventories(organization_id, number);
CREATE INDEX ix_inventories_open ON inventories(warehouse_id, status);

CREATE TABLE inventory_locations (
    inventory_id UUID NOT NULL REFERENCES inventories(id),
    location_id UUID NOT NULL REFERENCES locations(id),
    PRIMARY KEY (inventory_id, location_id)
);

-- One line per item and location counted or expected; `expected` is the
-- physical stock when the inventory opened (nothing moves meanwhile).
CREATE TABLE inventory_lines (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    inventory_id UUID NOT NULL REFERENCES inventories(id),
    location_id UUID NOT NULL REFERENCES locations(id),
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    expected BIGINT NOT NULL,
    counted BIGINT,
    counted_by UUID,
    counted_at TIMESTAMPTZ,
    rounds BIGINT NOT NULL DEFAULT 0,
    CONSTRAINT ck_inventory_lines_counted CHECK (counted IS NULL OR counted >= 0)
);
CREATE UNIQUE INDEX uq_inventory_lines_item ON inventory_lines(inventory_id, location_id, product_id, variant_key);
