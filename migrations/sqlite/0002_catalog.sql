-- Catalog: products, license tiers, deliverables (files, links), support materials, bundles.
-- Money is integer minor units in the store's currency; times are BIGINT microseconds.

CREATE TABLE products (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  title        TEXT NOT NULL,
  description  TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('draft', 'published', 'unpublished')),
  license_keys INTEGER NOT NULL DEFAULT 0 CHECK (license_keys IN (0, 1)),
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);
CREATE INDEX products_store ON products(store_id, id);
-- The public storefront lists a store's published products, newest first.
CREATE INDEX products_store_status ON products(store_id, status, id);

-- License tiers: a product's prices. Orders snapshot name, price and terms and reference the
-- tier, so a tier is archived (archived_at), never deleted.
CREATE TABLE product_tiers (
  id          INTEGER PRIMARY KEY,
  public_id   TEXT NOT NULL UNIQUE,
  product_id  INTEGER NOT NULL REFERENCES products(id),
  store_id    INTEGER NOT NULL REFERENCES stores(id),
  name        TEXT NOT NULL,
  price_minor BIGINT NOT NULL CHECK (price_minor >= 0),
  terms       TEXT NOT NULL,
  position    INTEGER NOT NULL,
  archived_at BIGINT
);
CREATE INDEX product_tiers_product ON product_tiers(product_id, position);

-- Deliverable files; the bytes live in platform/files under storage_key. Soft-deleted only
-- (orders and download counts reference them).
CREATE TABLE product_files (
  id           INTEGER PRIMARY KEY,
  public_id    TEXT NOT NULL UNIQUE,
  product_id   INTEGER NOT NULL REFERENCES products(id),
  store_id     INTEGER NOT NULL REFERENCES stores(id),
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes   BIGINT NOT NULL,
  sha256       TEXT NOT NULL,
  storage_key  TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  deleted_at   BIGINT
);
CREATE INDEX product_files_product ON product_files(product_id);

CREATE TABLE product_links (
  id         INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES products(id),
  store_id   INTEGER NOT NULL REFERENCES stores(id),
  label      TEXT NOT NULL,
  url        TEXT NOT NULL,
  position   INTEGER NOT NULL
);
CREATE INDEX product_links_product ON product_links(product_id, position);

CREATE TABLE support_materials (
  id         INTEGER PRIMARY KEY,
  public_id  TEXT NOT NULL UNIQUE,
  store_id   INTEGER NOT NULL REFERENCES stores(id),
  kind       TEXT NOT NULL CHECK (kind IN ('guide', 'video', 'faq', 'link')),
  title      TEXT NOT NULL,
  body       TEXT NOT NULL,
  url        TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX support_materials_store ON support_materials(store_id, id);

CREATE TABLE product_support_materials (
  product_id          INTEGER NOT NULL REFERENCES products(id),
  support_material_id INTEGER NOT NULL REFERENCES support_materials(id),
  store_id            INTEGER NOT NULL REFERENCES stores(id),
  position            INTEGER NOT NULL,
  PRIMARY KEY (product_id, support_material_id)
);
CREATE INDEX product_support_materials_material ON product_support_materials(support_material_id);

CREATE TABLE bundle_items (
  bundle_product_id INTEGER NOT NULL REFERENCES products(id),
  item_product_id   INTEGER NOT NULL REFERENCES products(id),
  store_id          INTEGER NOT NULL REFERENCES stores(id),
  position          INTEGER NOT NULL,
  PRIMARY KEY (bundle_product_id, item_product_id),
  CHECK (bundle_product_id <> item_product_id)
);
CREATE INDEX bundle_items_item ON bundle_items(item_product_id);

