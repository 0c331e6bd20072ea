-- A list of sales documents is read a page at a time in its default order
-- (creation time, then id). With that order in the index after the
-- organization and the kind, the first page is the index's first rows
-- instead of a sort of every document of the kind. It replaces the index
-- on (organization_id, kind), which is its prefix. created_at never
-- changes, so status and payment updates stay HOT on PostgreSQL.
DROP INDEX ix_sales_documents_kind;
CREATE INDEX ix_sales_documents_kind ON sales_documents(organization_id, kind, created_at, id);
