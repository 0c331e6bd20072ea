-- Foundation: organizations, users, sessions, audit, catalog, clients, suppliers.
-- Money, prices, quantities and rates are BIGINT ten-thousandths (exact, and
-- summed exactly by SQL). Kept in lockstep with the other backend's file.

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_users_email ON users(email);
CREATE INDEX ix_users_organization ON users(organization_id);

CREATE TABLE sessions (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    user_id UUID NOT NULL REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    revoked_reason TEXT
);
CREATE INDEX ix_sessions_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES sessions(id),
    created_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE login_failures (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_login_failures_email ON login_failures(email, at);
CREATE INDEX ix_login_failures_ip ON login_failures(ip, at);

CREATE TABLE counters (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (organization_id, name)
);

CREATE TABLE audit_heads (
    organization_id UUID PRIMARY KEY REFERENCES organizations(id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    seq BIGINT NOT NULL,
    user_id UUID,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id UUID,
    before_state JSONB,
    after_state JSONB,
    at TIMESTAMPTZ NOT NULL,
    request_id TEXT,
    ip TEXT,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_audit_log_seq ON audit_log(organization_id, seq);
CREATE INDEX ix_audit_log_resource ON audit_log(organization_id, resource_type, resource_id);

CREATE TABLE idempotency_keys (
    user_id UUID NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code BIGINT,
    response_body TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE categories (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    parent_id UUID REFERENCES categories(id),
    name TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_categories_org_parent ON categories(organization_id, parent_id);

CREATE TABLE price_lists (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    description TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_price_lists_name ON price_lists(organization_id, name);

CREATE TABLE products (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    category_id UUID REFERENCES categories(id),
    unit TEXT NOT NULL,
    sale_price BIGINT NOT NULL,
    purchase_price BIGINT,
    vat_rate BIGINT NOT NULL,
    vat_category TEXT NOT NULL,
    vat_exemption_reason TEXT,
    barcode TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    attributes JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_products_prices CHECK (sale_price >= 0 AND (purchase_price IS NULL OR purchase_price >= 0))
);
CREATE UNIQUE INDEX uq_products_code ON products(organization_id, code);
CREATE UNIQUE INDEX uq_products_barcode ON products(organization_id, barcode);
CREATE INDEX ix_products_category ON products(organization_id, category_id);
CREATE INDEX ix_products_org_name ON products(organization_id, name);

CREATE TABLE product_variants (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    options JSONB NOT NULL,
    price_delta BIGINT NOT NULL DEFAULT 0,
    barcode TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_product_variants_code ON product_variants(organization_id, code);
CREATE UNIQUE INDEX uq_product_variants_barcode ON product_variants(organization_id, barcode);
CREATE INDEX ix_product_variants_product ON product_variants(product_id);

CREATE TABLE price_rules (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    price_list_id UUID NOT NULL REFERENCES price_lists(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    category_id UUID REFERENCES categories(id),
    product_id UUID REFERENCES products(id),
    variant_id UUID REFERENCES product_variants(id),
    min_quantity BIGINT NOT NULL DEFAULT 0,
    fixed_price BIGINT,
    discount_percent BIGINT,
    valid_from DATE,
    valid_to DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_price_rules_adjustment CHECK ((fixed_price IS NULL) <> (discount_percent IS NULL))
);
CREATE INDEX ix_price_rules_list ON price_rules(price_list_id);

CREATE TABLE clients (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    vat_number TEXT,
    siren TEXT,
    siret TEXT,
    status TEXT NOT NULL,
    payment_terms_days BIGINT NOT NULL DEFAULT 30,
    discount_percent BIGINT NOT NULL DEFAULT 0,
    credit_limit BIGINT,
    price_list_id UUID REFERENCES price_lists(id),
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_clients_code ON clients(organization_id, code);
CREATE INDEX ix_clients_org_name ON clients(organization_id, name);

CREATE TABLE suppliers (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    vat_number TEXT,
    siren TEXT,
    siret TEXT,
    payment_terms_days BIGINT NOT NULL DEFAULT 30,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    notes TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_suppliers_code ON suppliers(organization_id, code);

-- Addresses and contacts belong to exactly one client or one supplier.
CREATE TABLE addresses (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    client_id UUID REFERENCES clients(id) ON DELETE CASCADE,
    supplier_id UUID REFERENCES suppliers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT,
    line1 TEXT NOT NULL,
    line2 TEXT,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_addresses_owner CHECK ((client_id IS NULL) <> (supplier_id IS NULL))
);
CREATE INDEX ix_addresses_client ON addresses(client_id);
CREATE INDEX ix_addresses_supplier ON addresses(supplier_id);
CREATE UNIQUE INDEX uq_addresses_default_client ON addresses(client_id, kind) WHERE is_default AND client_id IS NOT NULL;
CREATE UNIQUE INDEX uq_addresses_default_supplier ON addresses(supplier_id, kind) WHERE is_default AND supplier_id IS NOT NULL;

CREATE TABLE contacts (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    client_id UUID REFERENCES clients(id) ON DELETE CASCADE,
    supplier_id UUID REFERENCES suppliers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    job_title TEXT,
    email TEXT,
    phone TEXT,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT ck_contacts_owner CHECK ((client_id IS NULL) <> (supplier_id IS NULL))
);
CREATE INDEX ix_contacts_client ON contacts(client_id);
CREATE INDEX ix_contacts_supplier ON contacts(supplier_id);
CREATE UNIQUE INDEX uq_contacts_primary_client ON contacts(client_id) WHERE is_primary AND client_id IS NOT NULL;
CREATE UNIQUE INDEX uq_contacts_primary_supplier ON contacts(supplier_id) WHERE is_primary AND supplier_id IS NOT NULL;

CREATE TABLE product_suppliers (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    product_id UUID NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    supplier_id UUID NOT NULL REFERENCES suppliers(id),
    supplier_reference TEXT,
    purchase_price BIGINT NOT NULL,
    lead_time_days BIGINT NOT NULL DEFAULT 0,
    min_order_quantity BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_product_suppliers_pair ON product_suppliers(product_id, supplier_id);
CREATE INDEX ix_product_suppliers_supplier ON product_suppliers(supplier_id);

-- The audit log is append-only: the database refuses to change or remove an entry.
CREATE FUNCTION audit_log_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is immutable';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
