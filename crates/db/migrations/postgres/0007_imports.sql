-- Spreadsheet imports, run in the background, and every problem they met.
CREATE TABLE imports (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations(id),
    user_id UUID NOT NULL,
    entity TEXT NOT NULL,
    mode TEXT NOT NULL,
    on_error TEXT NOT NULL,
    file_name TEXT,
    status TEXT NOT NULL,
    total_rows BIGINT NOT NULL DEFAULT 0,
    processed_rows BIGINT NOT NULL DEFAULT 0,
    created_count BIGINT NOT NULL DEFAULT 0,
    updated_count BIGINT NOT NULL DEFAULT 0,
    failed_count BIGINT NOT NULL DEFAULT 0,
    message TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ix_imports_org ON imports(organization_id, created_at);

CREATE TABLE import_errors (
    id UUID PRIMARY KEY,
    import_id UUID NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row_number BIGINT NOT NULL,
    column_name TEXT NOT NULL,
    value TEXT,
    message TEXT NOT NULL
);
CREATE INDEX ix_import_errors_import ON import_errors(import_id, row_number);
