// SQL of the entitlements module, and nothing else.
#include "core/ids.hpp"
#include "modules/entitlements/entitlements.hpp"

namespace sd::entitlements {
namespace {

constexpr const char* kColumns =
    "e.id, e.public_id, e.store_id, e.user_id, e.order_id, o.public_id, e.order_line_id, "
    "e.product_id, e.revoked_at, e.created_at, e.revoked_reason "
    "FROM entitlements e JOIN orders o ON o.id = e.order_id";

Entitlement from_row(const db::Row& r) {
  return Entitlement{r.i64(0), r.text(1), r.i64(2), r.i64(3), r.i64(4), r.text(5),
                     r.i64(6), r.i64(7), r.opt_i64(8), r.i64(9), r.text(10)};
}

Result<Entitlement> one(db::Tx& tx, const std::string& where, db::Value a, db::Value b) {
  auto row = SD_TRY(tx.query_one(std::string("SELECT ") + kColumns + " WHERE " + where,
                                 {std::move(a), std::move(b)}));
  if (!row) {
    // The same answer for "another store's" and "does not exist" (API.md).
    return fail(ErrorKind::not_found, "not_found", "purchase not found", "entitlement_id");
  }
  return from_row(*row);
}

Result<std::vector<Entitlement>> many(db::Tx& tx, const std::string& where, db::Value a) {
  auto rows = SD_TRY(tx.query(std::string("SELECT ") + kColumns + " WHERE " + where, {std::move(a)}));
  std::vector<Entitlement> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

}  // namespace

Result<Entitlement> grant(db::Tx& tx, int64_t store_id, int64_t user_id, int64_t order_id,
                          int64_t order_line_id, int64_t product_id, Micros now) {
  Entitlement e{0, new_public_id("ent"), store_id, user_id, order_id, {}, order_line_id,
                product_id, std::nullopt, now, ""};
  auto row = SD_TRY(tx.query_one(
      "INSERT INTO entitlements (public_id, store_id, user_id, order_id, order_line_id, "
      "product_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {e.public_id, store_id, user_id, order_id, order_line_id, product_id, now}));
  e.id = row->i64(0);
  return e;
}

Result<void> append_grants(db::Tx& tx, const std::vector<Entitlement>& grants) {
  std::vector<db::Value> rows;
  rows.reserve(grants.size() * 10);
  for (const auto& e : grants)
    for (db::Value v : {db::Value(e.id), db::Value(e.public_id), db::Value(e.store_id),
                        db::Value(e.user_id), db::Value(e.order_id), db::Value(e.order_line_id),
                        db::Value(e.product_id), db::Value(e.revoked_at),
                        e.revoked_at ? db::Value(e.revoked_reason) : db::Value(nullptr),
                        db::Value(e.created_at)})
      rows.push_back(std::move(v));
  return tx.append_rows("entitlements",
                        {"id", "public_id", "store_id", "user_id", "order_id", "order_line_id",
                         "product_id", "revoked_at", "revoked_reason", "created_at"},
                        rows);
}

Result<std::vector<Entitlement>> list_for_user(db::Tx& tx, int64_t user_id) {
  return many(tx, "e.user_id = $1 ORDER BY e.created_at DESC, e.id DESC", user_id);
}

Result<std::vector<Entitlement>> list_for_order(db::Tx& tx, int64_t store_id, int64_t order_id) {
  auto rows = SD_TRY(tx.query(std::string("SELECT ") + kColumns +
                                  " WHERE e.order_id = $1 AND e.store_id = $2 "
                                  "ORDER BY e.order_line_id, e.id",
                              {order_id, store_id}));
  std::vector<Entitlement> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<Entitlement> get_for_user(db::Tx& tx, int64_t user_id, std::string_view public_id) {
  return one(tx, "e.user_id = $1 AND e.public_id = $2", user_id, public_id);
}

Result<Entitlement> get_for_any(db::Tx& tx, std::string_view public_id) {
  return one(tx, "e.public_id = $1 AND $2 = 1", public_id, 1);
}

Result<Entitlement> get_for_store(db::Tx& tx, int64_t store_id, std::string_view public_id) {
  return one(tx, "e.store_id = $1 AND e.public_id = $2", store_id, public_id);
}

Result<bool> revoke(db::Tx& tx, int64_t entitlement_id, std::string_view reason, Micros now) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE entitlements SET revoked_at = $2, revoked_reason = $3 "
      "WHERE id = $1 AND revoked_at IS NULL",
      {entitlement_id, now, reason}));
  return n > 0;
}

Result<bool> restore(db::Tx& tx, int64_t entitlement_id) {
  const auto n = SD_TRY(tx.exec(
      "UPDATE entitlements SET revoked_at = NULL, revoked_reason = NULL "
      "WHERE id = $1 AND revoked_at IS NOT NULL",
      {entitlement_id}));
  return n > 0;
}

Result<void> count_download(db::Tx& tx, const Entitlement& e, int64_t file_id, Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO download_counts (entitlement_id, file_id, store_id, downloads, last_at) "
      "VALUES ($1, $2, $3, 1, $4) ON CONFLICT (entitlement_id, file_id) DO UPDATE SET "
      "downloads = download_counts.downloads + 1, last_at = $4",
      {e.id, file_id, e.store_id, now}));
  return {};
}

Result<std::vector<std::pair<int64_t, int64_t>>> download_counts(db::Tx& tx,
                                                                 int64_t entitlement_id) {
  auto rows = SD_TRY(tx.query(
      "SELECT file_id, downloads FROM download_counts WHERE entitlement_id = $1", {entitlement_id}));
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& r : rows) out.emplace_back(r.i64(0), r.i64(1));
  return out;
}

Result<void> reset_downloads(db::Tx& tx, int64_t entitlement_id) {
  SD_TRY(tx.exec("DELETE FROM download_counts WHERE entitlement_id = $1", {entitlement_id}));
  return {};
}

}  // namespace sd::entitlements
