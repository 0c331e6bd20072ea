-- Rows updated on the hot paths keep room on their page, and the columns
-- those updates change are in no index: PostgreSQL then updates them in
-- place (HOT), without a new entry in every index of the table. A level's
-- reserved quantity changes with each reservation, a document's status
-- with each transition.
ALTER TABLE stock_levels SET (fillfactor = 70);
ALTER TABLE sales_documents SET (fillfactor = 80);
DROP INDEX ix_sales_documents_kind;
CREATE INDEX ix_sales_documents_kind ON sales_documents(organization_id, kind);
