// SQL of the idempotency module, and nothing else.
#include "modules/idempotency/idempotency.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::idempotency {
namespace {

std::string key_hash(std::string_view scope, std::string_view key) {
  return crypto::sha256_hex(std::string(scope) + "\n" + std::string(key));
}

// The answer is sealed under the client's key: only a caller presenting it can read it.
std::string seal_secret(std::string_view scope, std::string_view key) {
  return std::string(scope) + "\n" + std::string(key);
}

// What a key's row says: a finished answer, another request's key, or a request under way.
Result<Claim> read_row(std::string_view scope, std::string_view key, std::string_view fingerprint,
                       const db::Row& row) {
  if (row.text(0) != fingerprint) return Claim{ClaimKind::mismatch, std::nullopt};
  if (row.text(1) != "complete") return Claim{ClaimKind::in_progress, std::nullopt};
  auto plain = crypto::open(seal_secret(scope, key), row.text(2));
  auto decoded = plain ? decode_response(*plain) : std::nullopt;
  if (!decoded) {
    return fail(ErrorKind::internal, "idempotency_record_unreadable",
                "the stored answer for this Idempotency-Key cannot be read");
  }
  return Claim{ClaimKind::replay, std::move(decoded)};
}

constexpr const char* kSelectRow =
    "SELECT request_hash, state, response, updated_at FROM idempotency_keys "
    "WHERE scope = $1 AND key_hash = $2";

}  // namespace

Result<Claim> lookup(db::Tx& tx, std::string_view scope, std::string_view key,
                     std::string_view fingerprint) {
  auto row = SD_TRY(tx.query_one(kSelectRow, {scope, key_hash(scope, key)}));
  if (!row) return Claim{ClaimKind::claimed, std::nullopt};
  return read_row(scope, key, fingerprint, *row);
}

std::string seal_response(std::string_view scope, std::string_view key,
                          const StoredResponse& response) {
  return crypto::seal(seal_secret(scope, key), encode_response(response));
}

Result<std::optional<StoredResponse>> record(db::Tx& tx, std::string_view scope,
                                             std::string_view key, std::string_view fingerprint,
                                             const StoredResponse& response, Micros now) {
  return record_sealed(tx, scope, key, fingerprint, seal_response(scope, key, response), now);
}

Result<std::optional<StoredResponse>> record_sealed(db::Tx& tx, std::string_view scope,
                                                    std::string_view key,
                                                    std::string_view fingerprint,
                                                    const std::string& sealed, Micros now) {
  const auto kh = key_hash(scope, key);
  const auto inserted = SD_TRY(tx.exec(
      "INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, response, "
      "created_at, updated_at) VALUES ($1, $2, $3, 'complete', $4, $5, $5) "
      "ON CONFLICT DO NOTHING",
      {scope, kh, fingerprint, sealed, now}));
  if (inserted == 1) return std::optional<StoredResponse>{};
  auto row = SD_TRY(tx.query_one(kSelectRow, {scope, kh}));
  const auto held = row ? SD_TRY(read_row(scope, key, fingerprint, *row))
                        : Claim{ClaimKind::in_progress, std::nullopt};
  if (held.kind == ClaimKind::replay) return held.response;
  if (held.kind == ClaimKind::mismatch) {
    return fail(ErrorKind::idempotency, "idempotency_key_reused",
                "this Idempotency-Key was used with a different request", "Idempotency-Key");
  }
  return fail(ErrorKind::conflict, "idempotency_request_in_progress",
              "a request with this Idempotency-Key is still being processed; retry shortly",
              "Idempotency-Key");
}

Result<Claim> claim(db::Tx& tx, std::string_view scope, std::string_view key,
                    std::string_view fingerprint, Micros now, Micros stale_after) {
  const auto kh = key_hash(scope, key);
  const auto inserted = SD_TRY(tx.exec(
      "INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, created_at, "
      "updated_at) VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT DO NOTHING",
      {scope, kh, fingerprint, now}));
  if (inserted == 1) return Claim{ClaimKind::claimed, std::nullopt};

  auto row = SD_TRY(tx.query_one(kSelectRow, {scope, kh}));
  if (!row) return Claim{ClaimKind::in_progress, std::nullopt};  // released meanwhile
  const auto held = SD_TRY(read_row(scope, key, fingerprint, *row));
  if (held.kind != ClaimKind::in_progress) return held;
  if (row->i64(3) < now - stale_after) {
    const auto taken = SD_TRY(tx.exec(
        "UPDATE idempotency_keys SET updated_at = $3 WHERE scope = $1 AND key_hash = $2 "
        "AND state = 'pending' AND updated_at = $4",
        {scope, kh, now, row->i64(3)}));
    if (taken == 1) return Claim{ClaimKind::claimed, std::nullopt};
  }
  return Claim{ClaimKind::in_progress, std::nullopt};
}

Result<void> complete(db::Tx& tx, std::string_view scope, std::string_view key,
                      const StoredResponse& response, Micros now) {
  SD_TRY(tx.exec(
      "UPDATE idempotency_keys SET state = 'complete', response = $3, updated_at = $4 "
      "WHERE scope = $1 AND key_hash = $2",
      {scope, key_hash(scope, key), crypto::seal(seal_secret(scope, key), encode_response(response)),
       now}));
  return {};
}

Result<void> release(db::Tx& tx, std::string_view scope, std::string_view key) {
  SD_TRY(tx.exec("DELETE FROM idempotency_keys WHERE scope = $1 AND key_hash = $2 AND "
                 "state = 'pending'",
                 {scope, key_hash(scope, key)}));
  return {};
}

Result<int64_t> purge(db::Tx& tx, Micros created_before) {
  return tx.exec("DELETE FROM idempotency_keys WHERE created_at < $1", {created_before});
}

}  // namespace sd::idempotency
