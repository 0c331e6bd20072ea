-- The dashboard's figures read sales documents by issue date (revenue per
-- day, confirmed orders per day, quotes of a period). The date comes
-- right after the organization so a range is read in date order and
-- grouped per day as it goes; kind, status and net total ride along so
-- those sums and counts are read from the index alone, however many
-- documents and lines the organization has.
CREATE INDEX ix_sales_documents_issue_date
    ON sales_documents(organization_id, issue_date, kind, status, total_excl_tax);
