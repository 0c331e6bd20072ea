-- Audit entries as the mutations write them, not yet linked into their
-- organization's hash chain: the chainer moves them into audit_log in
-- batches. Writers of one organization thus never queue on audit_heads.
-- No foreign key: the move into audit_log checks the organization once per
-- batch, and a key check here would lock the organization's row in every
-- writing transaction. Kept in lockstep with the other backend's file.

CREATE TABLE audit_pending (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL,
    user_id UUID,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id UUID,
    before_state JSONB,
    after_state JSONB,
    at TIMESTAMPTZ NOT NULL,
    request_id TEXT,
    ip TEXT
);
CREATE INDEX ix_audit_pending_order ON audit_pending(organization_id, at, id);
