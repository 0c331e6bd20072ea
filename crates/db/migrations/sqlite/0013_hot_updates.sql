-- The same index as on PostgreSQL, where a document's status is left out
-- so that transitions update it in place.
DROP INDEX ix_sales_documents_kind;
CREATE INDEX ix_sales_documents_kind ON sales_documents(organization_id, kind);
