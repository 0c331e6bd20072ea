CREATE TABLE warehouses (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_warehouses_code ON warehouses(organization_id, code);

CREATE TABLE locations (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    warehouse_id BLOB NOT NULL REFERENCES warehouses(id),
    parent_id BLOB REFERENCES locations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_locations_code ON locations(warehouse_id, code);
CREATE INDEX ix_locations_org_code ON locations(organization_id, code, id);

-- One level per (location, product, variant). `variant_key` is the variant
-- id, or the nil UUID for a product without variants, so the unique key
-- has no NULL in it on either backend.
CREATE TABLE stock_levels (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    location_id BLOB NOT NULL REFERENCES locations(id),
    product_id BLOB NOT NULL REFERENCES products(id),
    variant_id BLOB REFERENCES product_variants(id),
    variant_key BLOB NOT NULL,
    physical INTEGER NOT NULL DEFAULT 0,
    reserved INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    CONSTRAINT ck_stock_levels_physical CHECK (physical >= 0),
    CONSTRAINT ck_stock_levels_reserved CHECK (reserved >= 0 AND reserved <= physical)
);
CREATE UNIQUE INDEX uq_stock_levels_item ON stock_levels(location_id, product_id, variant_key);
CREATE INDEX ix_stock_levels_product ON stock_levels(organization_id, product_id);

-- The ledger: append-only, the database refuses to change or remove a row.
CREATE TABLE stock_movements (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    movement_type TEXT NOT NULL,
    product_id BLOB NOT NULL REFERENCES products(id),
    variant_id BLOB REFERENCES product_variants(id),
    variant_key BLOB NOT NULL,
    quantity INTEGER NOT NULL,
    from_location_id BLOB REFERENCES locations(id),
    to_location_id BLOB REFERENCES locations(id),
    reason TEXT,
    reference TEXT,
    reservation_id BLOB,
    user_id BLOB,
    created_at TEXT NOT NULL,
    CONSTRAINT ck_stock_movements_quantity CHECK (quantity > 0),
    CONSTRAINT ck_stock_movements_place CHECK (from_location_id IS NOT NULL OR to_location_id IS NOT NULL)
);
CREATE INDEX ix_stock_movements_product ON stock_movements(organization_id, product_id, created_at, id);
CREATE INDEX ix_stock_movements_org_time ON stock_movements(organization_id, created_at, id);
CREATE INDEX ix_stock_movements_from ON stock_movements(from_location_id);
CREATE INDEX ix_stock_movements_to ON stock_movements(to_location_id);

CREATE TRIGGER stock_movements_no_update BEFORE UPDATE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock_movements is immutable');
END;
CREATE TRIGGER stock_movements_no_delete BEFORE DELETE ON stock_movements
BEGIN
    SELECT RAISE(ABORT, 'stock_movements is immutable');
END;

-- Stock held for a document line until it is delivered or released.
CREATE TABLE stock_reservations (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    document_type TEXT NOT NULL,
    document_line_id BLOB NOT NULL,
    location_id BLOB NOT NULL REFERENCES locations(id),
    product_id BLOB NOT NULL REFERENCES products(id),
    variant_id BLOB REFERENCES product_variants(id),
    variant_key BLOB NOT NULL,
    quantity INTEGER NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_stock_reservations_quantity CHECK (quantity > 0)
);
CREATE INDEX ix_stock_reservations_product ON stock_reservations(organization_id, product_id, created_at, id);
CREATE INDEX ix_stock_reservations_line ON stock_reservations(document_line_id);
