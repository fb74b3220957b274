-- The version of each store's catalog, as a checkout prices it: products (status, license
-- keys), tiers (price, archived), bundle contents, and the store's money settings. A checkout
-- quotes before it charges and writes after; inside the write it compares this version with
-- the quote's, and only when they differ does it quote again from the catalog (a price or a
-- product changed while the buyer paid). Triggers bump it in the transaction of every change,
-- so no code path can forget it. A quote reads the store first, so whatever catalog rows it
-- reads later are at least as new as the version it keeps: a change in between only makes
-- the versions differ, which quotes again.
ALTER TABLE stores ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = OLD.store_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.store_id IS DISTINCT FROM OLD.store_id) THEN
    UPDATE stores SET catalog_version = catalog_version + 1 WHERE id = NEW.store_id;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER products_catalog_version AFTER INSERT OR UPDATE OR DELETE ON products
  FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_tiers_catalog_version AFTER INSERT OR UPDATE OR DELETE ON product_tiers
  FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER bundle_items_catalog_version AFTER INSERT OR UPDATE OR DELETE ON bundle_items
  FOR EACH ROW EXECUTE FUNCTION bump_catalog_version();

CREATE FUNCTION bump_store_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.catalog_version := OLD.catalog_version + 1;
  RETURN NEW;
END $$;

CREATE TRIGGER stores_catalog_version BEFORE UPDATE OF currency, hold_period_days, fee_percent_bp,
  fee_fixed_minor ON stores
  FOR EACH ROW WHEN (OLD.currency IS DISTINCT FROM NEW.currency
                     OR OLD.hold_period_days IS DISTINCT FROM NEW.hold_period_days
                     OR OLD.fee_percent_bp IS DISTINCT FROM NEW.fee_percent_bp
                     OR OLD.fee_fixed_minor IS DISTINCT FROM NEW.fee_fixed_minor)
  EXECUTE FUNCTION bump_store_catalog_version();
