-- Foundation: organizations, users, sessions, audit, catalog, clients, suppliers.
-- Money, prices, quantities and rates are INTEGER ten-thousandths (exact, and
-- summed exactly by SQL). Kept in lockstep with the other backend's file.

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE organizations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'EUR',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_users_email ON users(email);
CREATE INDEX ix_users_organization ON users(organization_id);

CREATE TABLE sessions (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT
);
CREATE INDEX ix_sessions_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES sessions(id),
    created_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX ix_refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE login_failures (
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX ix_login_failures_email ON login_failures(email, at);
CREATE INDEX ix_login_failures_ip ON login_failures(ip, at);

CREATE TABLE counters (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (organization_id, name)
);

CREATE TABLE audit_heads (
    organization_id BLOB PRIMARY KEY REFERENCES organizations(id),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_log (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    seq INTEGER NOT NULL,
    user_id BLOB,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id BLOB,
    before_state TEXT,
    after_state TEXT,
    at TEXT NOT NULL,
    request_id TEXT,
    ip TEXT,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_audit_log_seq ON audit_log(organization_id, seq);
CREATE INDEX ix_audit_log_resource ON audit_log(organization_id, resource_type, resource_id);

CREATE TABLE idempotency_keys (
    user_id BLOB NOT NULL REFERENCES users(id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER,
    response_body TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

CREATE TABLE categories (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    parent_id BLOB REFERENCES categories(id),
    name TEXT NOT NULL,
    description TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_categories_org_parent ON categories(organization_id, parent_id);

CREATE TABLE price_lists (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    name TEXT NOT NULL,
    description TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_price_lists_name ON price_lists(organization_id, name);

CREATE TABLE products (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    kind TEXT NOT NULL,
    category_id BLOB REFERENCES categories(id),
    unit TEXT NOT NULL,
    sale_price INTEGER NOT NULL,
    purchase_price INTEGER,
    vat_rate INTEGER NOT NULL,
    vat_category TEXT NOT NULL,
    vat_exemption_reason TEXT,
    barcode TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    attributes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_products_prices CHECK (sale_price >= 0 AND (purchase_price IS NULL OR purchase_price >= 0))
);
CREATE UNIQUE INDEX uq_products_code ON products(organization_id, code);
CREATE UNIQUE INDEX uq_products_barcode ON products(organization_id, barcode);
CREATE INDEX ix_products_category ON products(organization_id, category_id);
CREATE INDEX ix_products_org_name ON products(organization_id, name);

CREATE TABLE product_variants (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    options TEXT NOT NULL,
    price_delta INTEGER NOT NULL DEFAULT 0,
    barcode TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_product_variants_code ON product_variants(organization_id, code);
CREATE UNIQUE INDEX uq_product_variants_barcode ON product_variants(organization_id, barcode);
CREATE INDEX ix_product_variants_product ON product_variants(product_id);

CREATE TABLE price_rules (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    price_list_id BLOB NOT NULL REFERENCES price_lists(id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    category_id BLOB REFERENCES categories(id),
    product_id BLOB REFERENCES products(id),
    variant_id BLOB REFERENCES product_variants(id),
    min_quantity INTEGER NOT NULL DEFAULT 0,
    fixed_price INTEGER,
    discount_percent INTEGER,
    valid_from TEXT,
    valid_to TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_price_rules_adjustment CHECK ((fixed_price IS NULL) <> (discount_percent IS NULL))
);
CREATE INDEX ix_price_rules_list ON price_rules(price_list_id);

CREATE TABLE clients (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    vat_number TEXT,
    siren TEXT,
    siret TEXT,
    status TEXT NOT NULL,
    payment_terms_days INTEGER NOT NULL DEFAULT 30,
    discount_percent INTEGER NOT NULL DEFAULT 0,
    credit_limit INTEGER,
    price_list_id BLOB REFERENCES price_lists(id),
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_clients_code ON clients(organization_id, code);
CREATE INDEX ix_clients_org_name ON clients(organization_id, name);

CREATE TABLE suppliers (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    vat_number TEXT,
    siren TEXT,
    siret TEXT,
    payment_terms_days INTEGER NOT NULL DEFAULT 30,
    active INTEGER NOT NULL DEFAULT 1,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_suppliers_code ON suppliers(organization_id, code);

-- Addresses and contacts belong to exactly one client or one supplier.
CREATE TABLE addresses (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    client_id BLOB REFERENCES clients(id) ON DELETE CASCADE,
    supplier_id BLOB REFERENCES suppliers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    label TEXT,
    line1 TEXT NOT NULL,
    line2 TEXT,
    postal_code TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_addresses_owner CHECK ((client_id IS NULL) <> (supplier_id IS NULL))
);
CREATE INDEX ix_addresses_client ON addresses(client_id);
CREATE INDEX ix_addresses_supplier ON addresses(supplier_id);
CREATE UNIQUE INDEX uq_addresses_default_client ON addresses(client_id, kind) WHERE is_default AND client_id IS NOT NULL;
CREATE UNIQUE INDEX uq_addresses_default_supplier ON addresses(supplier_id, kind) WHERE is_default AND supplier_id IS NOT NULL;

CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    client_id BLOB REFERENCES clients(id) ON DELETE CASCADE,
    supplier_id BLOB REFERENCES suppliers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    job_title TEXT,
    email TEXT,
    phone TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT ck_contacts_owner CHECK ((client_id IS NULL) <> (supplier_id IS NULL))
);
CREATE INDEX ix_contacts_client ON contacts(client_id);
CREATE INDEX ix_contacts_supplier ON contacts(supplier_id);
CREATE UNIQUE INDEX uq_contacts_primary_client ON contacts(client_id) WHERE is_primary AND client_id IS NOT NULL;
CREATE UNIQUE INDEX uq_contacts_primary_supplier ON contacts(supplier_id) WHERE is_primary AND supplier_id IS NOT NULL;

CREATE TABLE product_suppliers (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    supplier_id BLOB NOT NULL REFERENCES suppliers(id),
    supplier_reference TEXT,
    purchase_price INTEGER NOT NULL,
    lead_time_days INTEGER NOT NULL DEFAULT 0,
    min_order_quantity INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX uq_product_suppliers_pair ON product_suppliers(product_id, supplier_id);
CREATE INDEX ix_product_suppliers_supplier ON product_suppliers(supplier_id);

-- The audit log is append-only: the database refuses to change or remove an entry.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is immutable');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is immutable');
END;
