-- The dashboard's figures read sales documents by kind and issue date
-- (revenue per day, month, client; quotes and orders of a period). The
-- status and net total ride along so the revenue sums are read from the
-- index alone, however many documents and lines the organization has.
CREATE INDEX ix_sales_documents_issue_date
    ON sales_documents(organization_id, kind, issue_date, status, total_excl_tax);
