// Blocking a customer (R-BLK-1): preview, block, unblock, the block list. A block covers the
// customer's account, every account that paid THIS store with one of its payment-method
// fingerprints, and accounts linked to those in turn (limits::block_link_depth_max links,
// limits::block_accounts_max accounts), with the fingerprints of every covered account and
// the normalised emails of every covered account and customer record. The walk reads only
// this store's orders: a store never learns who bought elsewhere. Checkout refuses a covered
// account, email or fingerprint (`ensure_may_buy` in checkout.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/blocks/blocks.hpp"
#include "platform/db/database.hpp"

namespace sd::flows {

// A covered account as the seller's UI shows it: the store's customer record when the account
// bought here (it always did, since the walk follows this store's orders).
struct CoveredAccount {
  std::string customer_id;  // public id, "" if the account has no customer record here
  std::string name;
  std::string email_masked;
  int depth = 0;
};

struct BlockView {
  std::string id;  // "blk_…"
  std::string customer_id;
  std::string customer_name;
  std::string customer_email;
  std::string reason;
  Micros created_at = 0;
  std::vector<CoveredAccount> accounts;
  size_t fingerprints_count = 0;
  size_t emails_count = 0;
  bool truncated = false;
};

// What blocking the customer would cover, without blocking (a read).
Result<BlockView> preview_block(db::Database& db, int64_t store_id,
                                std::string_view customer_public_id);
// Blocks the customer with a private reason (invalid_input `required` when empty); conflict
// `customer_already_blocked` when the store already blocks them.
Result<BlockView> block_customer(db::Database& db, int64_t store_id, int64_t actor_user_id,
                                 std::string_view customer_public_id, const std::string& reason,
                                 Micros now);
// Removes the store's block of this customer and exactly its coverage; not_found
// `block_not_found` when there is none.
Result<void> unblock_customer(db::Database& db, int64_t store_id,
                              std::string_view customer_public_id);

struct BlockPage {
  std::vector<BlockView> data;
  bool has_more = false;
  std::optional<std::string> next_cursor;
};
// The store's blocks, newest first; invalid_input `invalid_cursor` for a bad cursor.
Result<BlockPage> list_blocks(db::Database& db, int64_t store_id, int limit,
                              const std::optional<std::string>& cursor);

// The block of a customer, if any ("" otherwise): GET /customers/{id} shows it.
Result<std::string> block_id_of(db::Tx& tx, int64_t store_id, int64_t customer_id);

}  // namespace sd::flows
