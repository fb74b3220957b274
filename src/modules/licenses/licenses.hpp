// License keys for software products (R-LIC-1): one per purchased line, verifiable by the
// seller's software; a refund or the seller disables it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::licenses {

struct Verification {
  bool valid = false;
  std::string status;  // active | disabled | refunded
  int64_t uses = 0;
  std::string product_public_id;
  Micros created_at = 0;
};

// --- rules (pure) ---
// "XXXXX-XXXXX-XXXXX-XXXXX": 100 random bits in Crockford base32.
std::string new_license_key();
// Upper-cases and trims a key as typed by a user.
std::string normalize_key(std::string_view key);

// --- store (SQL) ---
// A key as issue() writes it.
struct IssuedKey {
  std::string license_key;
  std::string product_public_id;
  int64_t store_id = 0;
  int64_t product_id = 0;
  int64_t order_line_id = 0;
  Micros created_at = 0;
};
// Generators (seed-demo): appends keys (new_license_key) in few statements.
Result<void> append_keys(db::Tx& tx, const std::vector<IssuedKey>& keys);
// Issues `key` (new_license_key(), drawn before the transaction) for the line; returns it.
Result<std::string> issue(db::Tx& tx, int64_t store_id, int64_t product_id,
                          const std::string& product_public_id, int64_t order_line_id, Micros now,
                          std::string key);
// The key of an order line, if it has one.
Result<std::optional<std::string>> key_for_line(db::Tx& tx, int64_t order_line_id);
// Checks a key against a product (public id); not_found `license_not_found` if the pair is
// unknown. `count_use` adds one to its uses (activation), only while it is valid.
Result<Verification> verify(db::Tx& tx, std::string_view product_public_id, std::string_view key,
                            bool count_use);
// Disables the line's key; `reason` is `refunded`, `disabled` (by the seller) or `dispute`.
Result<void> disable_for_line(db::Tx& tx, int64_t order_line_id, std::string_view reason,
                              Micros now);
// Enables the line's key again if it was disabled for `reason` (a refund's never is).
Result<void> enable_for_line(db::Tx& tx, int64_t order_line_id, std::string_view reason);

}  // namespace sd::licenses
