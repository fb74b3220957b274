-- Sales search and sorting (Issue 4, R-SALES-2).
--
-- `search_text` is the row's searchable text, normalised in C++ by sales::record (lower case,
-- accents stripped, fields joined by U+001F so a query never matches across two fields):
-- order id (also without its dashes), customer name, email (the domain is part of it),
-- product title and license key. Queries are normalised the same way, so "nunez" finds "Núñez".
ALTER TABLE sales ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- Rows written before this migration: SQLite's lower() folds ASCII only; sales::backfill_search
-- rewrites them with the C++ normalisation when the server starts (rows marked by version 0).
ALTER TABLE sales ADD COLUMN search_version INTEGER NOT NULL DEFAULT 0;
UPDATE sales SET search_text = lower(order_public_id || char(31) || replace(order_public_id, '-', '')
  || char(31) || customer_name || char(31) || customer_email || char(31) || product_title
  || char(31) || license_key);

-- Trigram index over search_text for selective fragments (3+ characters). External content:
-- the text lives once, in sales; sales::record inserts the index entry beside the row.
CREATE VIRTUAL TABLE sales_search USING fts5(search_text, content='sales',
  content_rowid='line_id', tokenize='trigram');
INSERT INTO sales_search(sales_search) VALUES ('rebuild');

-- Keyset walks per store, newest first and by total. The newest-first index carries
-- total_minor so an unfiltered count and sum read the index only.
DROP INDEX sales_store_created;
CREATE INDEX sales_store_created ON sales(store_id, created_at DESC, line_id DESC, total_minor);
CREATE INDEX sales_store_total ON sales(store_id, total_minor DESC, line_id DESC);

-- Finds the rows sales::backfill_search still has to rewrite (empty once it ran).
CREATE INDEX sales_search_stale ON sales(line_id) WHERE search_version = 0;
