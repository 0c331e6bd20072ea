CREATE TABLE warehouses (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_warehouses_code ON warehouses(organization_id, code);

CREATE TABLE locations (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    warehouse_id UUID NOT NULL REFERENCES warehouses(id),
    parent_id UUID REFERENCES locations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_locations_code ON locations(warehouse_id, code);
CREATE INDEX ix_locations_org_code ON locations(organization_id, code, id);

-- One level per (location, product, variant). `variant_key` is the variant
-- id, or the nil UUID for a product without variants, so the unique key
-- has no NULL in it on either backend.
CREATE TABLE stock_levels (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    location_id UUID NOT NULL REFERENCES locations(id),
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    physical BIGINT NOT NULL DEFAULT 0,
    reserved BIGINT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck_stock_levels_physical CHECK (physical >= 0),
    CONSTRAINT ck_stock_levels_reserved CHECK (reserved >= 0 AND reserved <= physical)
);
CREATE UNIQUE INDEX uq_stock_levels_item ON stock_levels(location_id, product_id, variant_key);
CREATE INDEX ix_stock_levels_product ON stock_levels(organization_id, product_id);

-- The ledger: append-only, the database refuses to change or remove a row.
CREATE TABLE stock_movements (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    movement_type TEXT NOT NULL,
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    quantity BIGINT NOT NULL,
    from_location_id UUID REFERENCES locations(id),
    to_location_id UUID REFERENCES locations(id),
    reason TEXT,
    reference TEXT,
    reservation_id UUID,
    user_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT ck_stock_movements_quantity CHECK (quantity > 0),
    CONSTRAINT ck_stock_movements_place CHECK (from_location_id IS NOT NULL OR to_location_id IS NOT NULL)
);
CREATE INDEX ix_stock_movements_product ON stock_movements(organization_id, product_id, created_at, id);
CREATE INDEX ix_stock_movements_org_time ON stock_movements(organization_id, created_at, id);
CREATE INDEX ix_stock_movements_from ON stock_movements(from_location_id);
CREATE INDEX ix_stock_movements_to ON stock_movements(to_location_id);

CREATE FUNCTION stock_movements_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'stock_movements is immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER stock_movements_no_change BEFORE UPDATE OR DELETE ON stock_movements
    FOR EACH ROW EXECUTE FUNCTION stock_movements_immutable();

-- Stock held for a document line until it is delivered or released.
CREATE TABLE stock_reservations (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    document_type TEXT NOT NULL,
    document_line_id UUID NOT NULL,
    location_id UUID NOT NULL REFERENCES locations(id),
    product_id UUID NOT NULL REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    variant_key UUID NOT NULL,
    quantity BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_stock_reservations_quantity CHECK (quantity > 0)
);
CREATE INDEX ix_stock_reservations_product ON stock_reservations(organization_id, product_id, created_at, id);
CREATE INDEX ix_stock_reservations_line ON stock_reservations(document_line_id);
