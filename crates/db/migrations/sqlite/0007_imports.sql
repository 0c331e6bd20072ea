-- Spreadsheet imports, run in the background, and every problem they met.
CREATE TABLE imports (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id BLOB NOT NULL,
    entity TEXT NOT NULL,
    mode TEXT NOT NULL,
    on_error TEXT NOT NULL,
    file_name TEXT,
    status TEXT NOT NULL,
    total_rows INTEGER NOT NULL DEFAULT 0,
    processed_rows INTEGER NOT NULL DEFAULT 0,
    created_count INTEGER NOT NULL DEFAULT 0,
    updated_count INTEGER NOT NULL DEFAULT 0,
    failed_count INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX ix_imports_org ON imports(organization_id, created_at);

CREATE TABLE import_errors (
    id BLOB PRIMARY KEY,
    import_id BLOB NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row_number INTEGER NOT NULL,
    column_name TEXT NOT NULL,
    value TEXT,
    message TEXT NOT NULL
);
CREATE INDEX ix_import_errors_import ON import_errors(import_id, row_number);
