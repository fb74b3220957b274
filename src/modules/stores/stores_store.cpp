// SQL of the stores module, and nothing else.
#include "modules/stores/stores.hpp"

#include "core/ids.hpp"

namespace sd::stores {
namespace {

constexpr const char* kColumns =
    "id, public_id, slug, name, owner_user_id, currency, support_email, locale, refund_policy, "
    "hold_period_days, refund_window_days, fee_percent_bp, fee_fixed_minor, created_at, "
    "updated_at, catalog_version";

Store from_row(const db::Row& r) {
  Store s;
  s.id = r.i64(0);
  s.public_id = r.text(1);
  s.slug = r.text(2);
  s.name = r.text(3);
  s.owner_user_id = r.i64(4);
  s.currency = r.text(5);
  s.support_email = r.text(6);
  s.locale = r.text(7);
  s.refund_policy = r.text(8);
  s.hold_period_days = r.i64(9);
  s.refund_window_days = r.i64(10);
  s.fee_percent_bp = r.i64(11);
  s.fee_fixed_minor = r.i64(12);
  s.created_at = r.i64(13);
  s.updated_at = r.i64(14);
  s.catalog_version = r.i64(15);
  return s;
}

Result<std::optional<Store>> find_where(db::Tx& tx, const char* where, db::Value v) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kColumns + " FROM stores WHERE " +
                                     where + " = $1",
                                 {std::move(v)}));
  if (!row) return std::optional<Store>{};
  return std::optional<Store>{from_row(*row)};
}

}  // namespace

Result<Store> create_store(db::Tx& tx, Store s, Micros now) {
  s.public_id = new_public_id("st");
  s.created_at = s.updated_at = now;
  // Pick the first free slug; the UNIQUE constraint still guards a concurrent insert.
  const std::string base = s.slug;
  for (int n = 1;; ++n) {
    s.slug = n == 1 ? base : base + "-" + std::to_string(n);
    auto taken = SD_TRY(tx.query_one("SELECT 1 FROM stores WHERE slug = $1", {s.slug}));
    if (!taken) break;
    if (n > 1000) s.slug = base + "-" + random_base32(8);
  }
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO stores (public_id, slug, name, owner_user_id, currency, support_email, "
      "locale, refund_policy, hold_period_days, refund_window_days, fee_percent_bp, "
      "fee_fixed_minor, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
      {s.public_id, s.slug, s.name, s.owner_user_id, s.currency, s.support_email, s.locale,
       s.refund_policy, s.hold_period_days, s.refund_window_days, s.fee_percent_bp,
       s.fee_fixed_minor, now}));
  s.id = row->i64(0);
  return s;
}

Result<std::optional<Store>> find_store_by_owner(db::Tx& tx, int64_t owner_user_id) {
  return find_where(tx, "owner_user_id", owner_user_id);
}

Result<std::optional<int64_t>> find_store_id_by_owner(db::Tx& tx, int64_t owner_user_id) {
  std::optional<int64_t> id;
  SD_TRY_VOID(tx.each("SELECT id FROM stores WHERE owner_user_id = $1", {owner_user_id},
                      [&](const db::RowView& r) {
                        id = r.i64(0);
                        return false;
                      }));
  return id;
}

Result<Store> get_store_by_slug(db::Tx& tx, std::string_view slug) {
  auto s = SD_TRY(find_where(tx, "slug", slug));
  if (!s) return fail(ErrorKind::not_found, "store_not_found", "no store with this address", "store");
  return std::move(*s);
}

Result<std::optional<Store>> find_store_by_public_id(db::Tx& tx, std::string_view public_id) {
  return find_where(tx, "public_id", public_id);
}

Result<Store> get_store(db::Tx& tx, int64_t store_id) {
  auto s = SD_TRY(find_where(tx, "id", store_id));
  if (!s) return fail(ErrorKind::not_found, "store_not_found", "store not found");
  return std::move(*s);
}

Result<int64_t> catalog_version(db::Tx& tx, int64_t store_id) {
  auto row = SD_TRY(tx.query_one("SELECT catalog_version FROM stores WHERE id = $1", {store_id}));
  if (!row) return fail(ErrorKind::not_found, "store_not_found", "store not found");
  return row->i64(0);
}

Result<Store> update_store(db::Tx& tx, int64_t store_id, const StoreChanges& changes, Micros now) {
  SD_TRY_VOID(validate_changes(changes));
  auto s = apply_changes(SD_TRY(get_store(tx, store_id)), changes);
  s.updated_at = now;
  SD_TRY(tx.exec(
      "UPDATE stores SET name = $2, support_email = $3, currency = $4, locale = $5, "
      "refund_policy = $6, hold_period_days = $7, refund_window_days = $8, fee_percent_bp = $9, "
      "fee_fixed_minor = $10, updated_at = $11 WHERE id = $1",
      {store_id, s.name, s.support_email, s.currency, s.locale, s.refund_policy,
       s.hold_period_days, s.refund_window_days, s.fee_percent_bp, s.fee_fixed_minor, now}));
  return get_store(tx, store_id);  // with the catalog_version the database gave it
}

}  // namespace sd::stores
