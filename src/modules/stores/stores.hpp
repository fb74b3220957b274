// Stores: the tenant. Settings that every later rule reads (R-STORE-1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::stores {

struct Store {
  int64_t id = 0;  // internal key; never leaves the server
  std::string public_id;
  std::string slug;
  std::string name;
  int64_t owner_user_id = 0;
  std::string currency;
  std::string support_email;
  std::string locale;
  std::string refund_policy;  // no_refunds | discretionary | within_days:N
  int64_t hold_period_days = 7;
  int64_t refund_window_days = 90;
  int64_t fee_percent_bp = 500;
  int64_t fee_fixed_minor = 30;
  Micros created_at = 0;
  Micros updated_at = 0;
  // Bumped by the database with every change to what a checkout prices: products, tiers,
  // bundle contents, and the currency, hold and fee above (migration 0016).
  int64_t catalog_version = 0;
};

// A partial update; absent fields stay as they are.
struct StoreChanges {
  std::optional<std::string> name, support_email, currency, locale, refund_policy;
  std::optional<int64_t> hold_period_days, refund_window_days, fee_percent_bp, fee_fixed_minor;
};

// --- rules (pure) ---
// Checks every present field; the error names the first offending field as `param`.
Result<void> validate_changes(const StoreChanges& changes);
// `no_refunds` | `discretionary` | `within_days:N` (1 ≤ N ≤ limits::refund_policy_days_max).
bool is_valid_refund_policy(std::string_view policy);
// URL-safe slug of a store name ("Ana's Fonts!" → "anas-fonts"); never empty.
std::string slugify(std::string_view name);
// A new store's settings: USD, the owner's email for support, English, 30-day refunds,
// 7-day hold, 90-day window, 5% + 0.30 platform fee.
Store default_store(std::string name, int64_t owner_user_id, std::string owner_email);
// `store` with `changes` applied.
Store apply_changes(Store store, const StoreChanges& changes);

// --- store (SQL) ---
// Inserts the store with a unique slug (suffixing -2, -3, … on collision); fills ids.
Result<Store> create_store(db::Tx& tx, Store store, Micros now);
Result<std::optional<Store>> find_store_by_owner(db::Tx& tx, int64_t owner_user_id);
// Only the id of the user's store, if any.
Result<std::optional<int64_t>> find_store_id_by_owner(db::Tx& tx, int64_t owner_user_id);
// The store with this slug; not_found `store_not_found` (param `store`) if none.
Result<Store> get_store_by_slug(db::Tx& tx, std::string_view slug);
// The store by public id ("sto_…"), if any.
Result<std::optional<Store>> find_store_by_public_id(db::Tx& tx, std::string_view public_id);
// The store by internal id; not_found `store_not_found` if absent.
Result<Store> get_store(db::Tx& tx, int64_t store_id);
// The store's current catalog_version; not_found `store_not_found` if absent.
Result<int64_t> catalog_version(db::Tx& tx, int64_t store_id);
// Validates and writes `changes`; returns the updated store.
Result<Store> update_store(db::Tx& tx, int64_t store_id, const StoreChanges& changes, Micros now);

}  // namespace sd::stores
