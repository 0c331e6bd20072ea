-- Lists sort on (code, id) and, by default, hide archived rows. The first
-- indexes give a page in order without sorting the table; the narrow
-- (organization, flag) ones let the total be counted from the index alone.
CREATE INDEX ix_products_list ON products(organization_id, code, id, active);
CREATE INDEX ix_products_count ON products(organization_id, active);
CREATE INDEX ix_clients_list ON clients(organization_id, code, id, status);
CREATE INDEX ix_clients_count ON clients(organization_id, status);
CREATE INDEX ix_suppliers_list ON suppliers(organization_id, code, id, active);
