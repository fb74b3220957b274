// Idempotency-Key records (R-CHK-3): a retry gets the first answer, never a second effect.
// Keys are stored hashed and each answer is sealed under its own key, so the table holds no
// usable secret at rest (answers may carry session cookies or API token secrets).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::idempotency {

struct StoredResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

enum class ClaimKind {
  claimed,      // first use: run the request, then complete() or release()
  replay,       // answered before: return `response`
  mismatch,     // same key, different request: 422 idempotency_key_reused
  in_progress,  // the first request is still running
};

struct Claim {
  ClaimKind kind = ClaimKind::claimed;
  std::optional<StoredResponse> response;
};

// --- rules (pure) ---
// Fingerprint of a request: method, path and body.
std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body);
std::string encode_response(const StoredResponse& r);
std::optional<StoredResponse> decode_response(std::string_view text);
// Whether an answer with this status is kept for replay (server errors and "try later"
// answers are not, so the client's retry runs again).
bool is_replayable_status(int status);

// --- store (SQL) ---
// Claims `key` for `scope` (the principal). A pending claim older than
// `stale_after` is taken over: its request died before answering.
Result<Claim> claim(db::Tx& tx, std::string_view scope, std::string_view key,
                    std::string_view fingerprint, Micros now, Micros stale_after);
// Reads what a key holds without claiming it (routes that record their answer inline, in the
// same transaction as their effect): `claimed` means the key is unused.
Result<Claim> lookup(db::Tx& tx, std::string_view scope, std::string_view key,
                     std::string_view fingerprint);
// Records a completed answer for an unused key inside the caller's transaction. When the key
// already holds the same request's answer (a concurrent twin committed first), returns that
// answer; a different request's → Error idempotency_key_reused.
Result<std::optional<StoredResponse>> record(db::Tx& tx, std::string_view scope,
                                             std::string_view key, std::string_view fingerprint,
                                             const StoredResponse& response, Micros now);
// The same in two steps: the answer sealed under its key (no database: before the
// transaction), then recorded as record() does.
std::string seal_response(std::string_view scope, std::string_view key,
                          const StoredResponse& response);
Result<std::optional<StoredResponse>> record_sealed(db::Tx& tx, std::string_view scope,
                                                    std::string_view key,
                                                    std::string_view fingerprint,
                                                    const std::string& sealed, Micros now);
// Stores the answer of a claimed key.
Result<void> complete(db::Tx& tx, std::string_view scope, std::string_view key,
                      const StoredResponse& response, Micros now);
// Forgets a claimed key (the request failed in a way a retry may fix).
Result<void> release(db::Tx& tx, std::string_view scope, std::string_view key);
// Deletes records older than `created_before`; returns how many.
Result<int64_t> purge(db::Tx& tx, Micros created_before);

}  // namespace sd::idempotency
