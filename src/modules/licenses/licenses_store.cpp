// SQL of the licenses module, and nothing else.
#include "modules/licenses/licenses.hpp"

namespace sd::licenses {

Result<std::string> issue(db::Tx& tx, int64_t store_id, int64_t product_id,
                          const std::string& product_public_id, int64_t order_line_id, Micros now,
                          std::string key) {
  // 100 random bits: a collision is not a practical concern (and would fail the insert).
  SD_TRY(tx.exec(
      "INSERT INTO license_keys (license_key, product_public_id, store_id, product_id, "
      "order_line_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
      {key, product_public_id, store_id, product_id, order_line_id, now}));
  return key;
}

Result<void> append_keys(db::Tx& tx, const std::vector<IssuedKey>& keys) {
  std::vector<db::Value> rows;
  rows.reserve(keys.size() * 6);
  for (const auto& k : keys)
    for (db::Value v : {db::Value(k.license_key), db::Value(k.product_public_id),
                        db::Value(k.store_id), db::Value(k.product_id), db::Value(k.order_line_id),
                        db::Value(k.created_at)})
      rows.push_back(std::move(v));
  return tx.append_rows(
      "license_keys",
      {"license_key", "product_public_id", "store_id", "product_id", "order_line_id", "created_at"},
      rows);
}

Result<std::optional<std::string>> key_for_line(db::Tx& tx, int64_t order_line_id) {
  auto row = SD_TRY(tx.query_one(
      "SELECT license_key FROM license_keys WHERE order_line_id = $1 ORDER BY id LIMIT 1",
      {order_line_id}));
  if (!row) return std::optional<std::string>{};
  return std::optional<std::string>{row->text(0)};
}

Result<Verification> verify(db::Tx& tx, std::string_view product_public_id, std::string_view key,
                            bool count_use) {
  const auto normalized = normalize_key(key);
  auto row = SD_TRY(tx.query_one(
      "SELECT id, uses, disabled_at, disabled_reason, created_at FROM license_keys "
      "WHERE license_key = $1 AND product_public_id = $2",
      {normalized, product_public_id}));
  if (!row) {
    return fail(ErrorKind::not_found, "license_not_found",
                "no such license key for this product", "key");
  }
  Verification v;
  v.product_public_id = std::string(product_public_id);
  v.valid = row->is_null(2);
  v.status = v.valid ? "active" : (row->text(3) == "refunded" ? "refunded" : "disabled");
  v.uses = row->i64(1);
  v.created_at = row->i64(4);
  if (count_use && v.valid) {
    SD_TRY(tx.exec("UPDATE license_keys SET uses = uses + 1 WHERE id = $1", {row->i64(0)}));
    v.uses += 1;
  }
  return v;
}

Result<void> disable_for_line(db::Tx& tx, int64_t order_line_id, std::string_view reason,
                              Micros now) {
  SD_TRY(tx.exec(
      "UPDATE license_keys SET disabled_at = $2, disabled_reason = $3 "
      "WHERE order_line_id = $1 AND disabled_at IS NULL",
      {order_line_id, now, reason}));
  return {};
}

Result<void> enable_for_line(db::Tx& tx, int64_t order_line_id, std::string_view reason) {
  SD_TRY(tx.exec(
      "UPDATE license_keys SET disabled_at = NULL, disabled_reason = NULL "
      "WHERE order_line_id = $1 AND disabled_reason = $2",
      {order_line_id, reason}));
  return {};
}

}  // namespace sd::licenses
