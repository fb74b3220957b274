// Entitlements (R-CHK-4): what a buyer may download. Every download re-checks the
// entitlement, so revocation takes effect at once, even for links already issued.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::entitlements {

struct Entitlement {
  int64_t id = 0;
  std::string public_id;  // "ent_…"
  int64_t store_id = 0;
  int64_t user_id = 0;
  int64_t order_id = 0;
  std::string order_public_id;
  int64_t order_line_id = 0;
  int64_t product_id = 0;
  std::optional<Micros> revoked_at;
  Micros created_at = 0;
  std::string revoked_reason;  // "" while not revoked
};

// A signed download link's content.
struct LinkClaims {
  std::string entitlement_public_id;
  std::string file_public_id;
  Micros expires_at = 0;
};

// --- rules (pure) ---
// "<base64url(claims)>.<hmac>" under `key`.
std::string sign_link(const LinkClaims& claims, std::string_view key);
// The claims of an untampered, unexpired token; forbidden `download_link_invalid` or
// `download_link_expired` otherwise.
Result<LinkClaims> verify_link(std::string_view token, std::string_view key, Micros now);

// --- store (SQL) ---
// Generators (seed-demo): appends grants with the ids and public ids they carry (db::reserve_ids),
// revoked ones included, in few statements.
Result<void> append_grants(db::Tx& tx, const std::vector<Entitlement>& grants);
Result<Entitlement> grant(db::Tx& tx, int64_t store_id, int64_t user_id, int64_t order_id,
                          int64_t order_line_id, int64_t product_id, Micros now);
// The buyer's entitlements, newest first (revoked ones included: the library says why).
Result<std::vector<Entitlement>> list_for_user(db::Tx& tx, int64_t user_id);
// One of the buyer's entitlements; not_found `not_found` for anyone else's.
Result<Entitlement> get_for_user(db::Tx& tx, int64_t user_id, std::string_view public_id);
// One of the store's entitlements; not_found for another store's.
Result<Entitlement> get_for_store(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The entitlements an order of the store granted (bundles grant several per line), by line
// then grant order.
Result<std::vector<Entitlement>> list_for_order(db::Tx& tx, int64_t store_id, int64_t order_id);
// Any entitlement by public id (a signed download link names it); not_found otherwise.
Result<Entitlement> get_for_any(db::Tx& tx, std::string_view public_id);
// Revokes / restores; returns whether anything changed.
Result<bool> revoke(db::Tx& tx, int64_t entitlement_id, std::string_view reason, Micros now);
Result<bool> restore(db::Tx& tx, int64_t entitlement_id);
// Counts a download of a file under an entitlement.
Result<void> count_download(db::Tx& tx, const Entitlement& e, int64_t file_id, Micros now);
// Downloads per file id for an entitlement.
Result<std::vector<std::pair<int64_t, int64_t>>> download_counts(db::Tx& tx, int64_t entitlement_id);
Result<void> reset_downloads(db::Tx& tx, int64_t entitlement_id);

}  // namespace sd::entitlements
