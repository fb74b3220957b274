-- Sales search and sorting (Issue 4, R-SALES-2).
--
-- `search_text` is the row's searchable text, normalised in C++ by sales::record (lower case,
-- accents stripped, fields joined by U+001F so a query never matches across two fields):
-- order id (also without its dashes), customer name, email (the domain is part of it),
-- product title and license key. Queries are normalised the same way, so "nunez" finds "Núñez".
CREATE EXTENSION IF NOT EXISTS pg_trgm;

ALTER TABLE sales ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
-- Rows written before this migration: lower() here does not strip accents;
-- sales::backfill_search rewrites them with the C++ normalisation (rows marked by version 0).
ALTER TABLE sales ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
UPDATE sales SET search_text = lower(order_public_id || chr(31) || replace(order_public_id, '-', '')
  || chr(31) || customer_name || chr(31) || customer_email || chr(31) || product_title
  || chr(31) || license_key);

-- Trigram index for selective fragments (3+ characters), used by LIKE '%…%'.
CREATE INDEX sales_search_trgm ON sales USING gin (search_text gin_trgm_ops);

-- Keyset walks per store, newest first and by total. The newest-first index carries
-- total_minor so an unfiltered count and sum can be an index-only scan.
DROP INDEX sales_store_created;
CREATE INDEX sales_store_created ON sales(store_id, created_at DESC, line_id DESC) INCLUDE (total_minor);
CREATE INDEX sales_store_total ON sales(store_id, total_minor DESC, line_id DESC);

-- Finds the rows sales::backfill_search still has to rewrite (empty once it ran).
CREATE INDEX sales_search_stale ON sales(line_id) WHERE search_version = 0;
