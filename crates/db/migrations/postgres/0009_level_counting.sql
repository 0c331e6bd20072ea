-- How many open inventories are counting a level. The one-statement issue
-- refuses a level with counting > 0 in its conditional UPDATE, which
-- PostgreSQL re-reads after waiting on the row lock, so an inventory
-- opening at the same moment either sees the issue or blocks it.
-- marks_level says whether a line counted its level in, so closing the
-- inventory counts out exactly those. Kept in lockstep with the other
-- backend's file.

ALTER TABLE stock_levels ADD COLUMN counting BIGINT NOT NULL DEFAULT 0 CHECK (counting >= 0);
ALTER TABLE inventory_lines ADD COLUMN marks_level BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE inventory_lines SET marks_level = TRUE
WHERE inventory_id IN (SELECT id FROM inventories WHERE status = 'open')
  AND EXISTS (SELECT 1 FROM stock_levels l WHERE l.location_id = inventory_lines.location_id
              AND l.product_id = inventory_lines.product_id AND l.variant_key = inventory_lines.variant_key);
UPDATE stock_levels SET counting = (
    SELECT count(*) FROM inventory_lines il WHERE il.marks_level
      AND il.location_id = stock_levels.location_id AND il.product_id = stock_levels.product_id
      AND il.variant_key = stock_levels.variant_key);
