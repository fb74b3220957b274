-- The version of each store's catalog, as a checkout prices it: products (status, license
-- keys), tiers (price, archived), bundle contents, and the store's money settings. A checkout
-- quotes before it charges and writes after; inside the write it compares this version with
-- the quote's, and only when they differ does it quote again from the catalog (a price or a
-- product changed while the buyer paid). Triggers bump it in the transaction of every change,
-- so no code path can forget it.
ALTER TABLE stores ADD COLUMN catalog_version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER products_catalog_version_insert AFTER INSERT ON products BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = NEW.store_id;
END;
CREATE TRIGGER products_catalog_version_update AFTER UPDATE ON products BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id IN (OLD.store_id, NEW.store_id);
END;
CREATE TRIGGER products_catalog_version_delete AFTER DELETE ON products BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = OLD.store_id;
END;

CREATE TRIGGER product_tiers_catalog_version_insert AFTER INSERT ON product_tiers BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = NEW.store_id;
END;
CREATE TRIGGER product_tiers_catalog_version_update AFTER UPDATE ON product_tiers BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id IN (OLD.store_id, NEW.store_id);
END;
CREATE TRIGGER product_tiers_catalog_version_delete AFTER DELETE ON product_tiers BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = OLD.store_id;
END;

CREATE TRIGGER bundle_items_catalog_version_insert AFTER INSERT ON bundle_items BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = NEW.store_id;
END;
CREATE TRIGGER bundle_items_catalog_version_update AFTER UPDATE ON bundle_items BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id IN (OLD.store_id, NEW.store_id);
END;
CREATE TRIGGER bundle_items_catalog_version_delete AFTER DELETE ON bundle_items BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = OLD.store_id;
END;

CREATE TRIGGER stores_catalog_version AFTER UPDATE OF currency, hold_period_days, fee_percent_bp,
  fee_fixed_minor ON stores
  WHEN OLD.currency IS NOT NEW.currency OR OLD.hold_period_days IS NOT NEW.hold_period_days
    OR OLD.fee_percent_bp IS NOT NEW.fee_percent_bp OR OLD.fee_fixed_minor IS NOT NEW.fee_fixed_minor
BEGIN
  UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = NEW.id;
END;
