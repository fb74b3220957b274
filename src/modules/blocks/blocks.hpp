// Blocking (R-BLK-1): a store's blocks and what each one covers — accounts, payment-method
// fingerprints and normalised emails. A block records its coverage row by row, so removing
// it removes exactly that coverage; another block covering the same account keeps it
// blocked. What to cover is decided by the caller (flows/block_customer walks the store's
// orders with `walk_coverage`); this module only stores and answers.
//
// The seam other modules' flows call: `is_blocked(tx, store_id, user_id)` (messaging,
// broadcasts, memberships) and `is_covered` (checkout, which also knows the email and card).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::blocks {

// What one block covers.
struct Coverage {
  struct Account {
    int64_t user_id = 0;
    int depth = 0;  // 0 = the blocked customer; n = linked through n shared cards
  };
  std::vector<Account> accounts;
  std::vector<std::string> fingerprints;
  std::vector<std::string> emails;  // normalised
  bool truncated = false;           // the walk stopped at its bound; more may be linked
};

struct Block {
  int64_t id = 0;
  std::string public_id;  // "blk_…"
  int64_t store_id = 0;
  int64_t customer_id = 0;
  std::string reason;
  int64_t created_by = 0;
  Micros created_at = 0;
  Coverage coverage;
};

// --- rules (pure) ---

// The form emails are compared in: trimmed and lower-cased; a `+tag` in the local part
// dropped; for gmail.com and googlemail.com (one mailbox service) the dots of the local part
// dropped and the domain read as gmail.com. Other domains keep their dots: many providers
// treat them as significant.
std::string normalise_email(std::string_view email);

// "a•••@example.com": enough for a seller to recognise an account, not to copy an address.
std::string mask_email(std::string_view email);

// The accounts linked to `start`: breadth first, an account links to every account that paid
// with one of its fingerprints. Accounts up to `depth_max` links away and at most
// `accounts_max` of them (the start included) are covered; `truncated` says a bound cut the
// walk short. The fingerprints of every covered account are covered too. Emails are left to
// the caller (it knows the accounts).
struct Links {
  std::function<Result<std::vector<std::string>>(int64_t user_id)> fingerprints_of;
  std::function<Result<std::vector<int64_t>>(std::string_view fingerprint)> accounts_with;
};
Result<Coverage> walk_coverage(int64_t start_user_id, const Links& links, int depth_max,
                               size_t accounts_max);

// --- store (SQL) ---

// Records a block with its coverage; conflict `customer_already_blocked` if the store already
// blocks this customer.
Result<Block> create_block(db::Tx& tx, Block block);
// The store's block of a customer, if any (coverage included).
Result<std::optional<Block>> find_block_for_customer(db::Tx& tx, int64_t store_id,
                                                     int64_t customer_id);
// Removes the block and its coverage (nothing else); false when there was none.
Result<bool> delete_block(db::Tx& tx, int64_t store_id, int64_t block_id);
// The store's blocks, newest first (created_at DESC, public_id DESC), strictly after
// (at, public_id) when given, at most `limit`, coverage included.
Result<std::vector<Block>> list_blocks(db::Tx& tx, int64_t store_id,
                                       const std::optional<std::pair<Micros, std::string>>& after,
                                       int limit);

// True when some block of the store covers the account. The seam messaging calls.
Result<bool> is_blocked(db::Tx& tx, int64_t store_id, int64_t user_id);
// True when some block of the store covers the account (0 = none yet), the normalised email
// or the fingerprint ("" = none). Checkout calls it.
Result<bool> is_covered(db::Tx& tx, int64_t store_id, int64_t user_id,
                        std::string_view normalised_email, std::string_view fingerprint);

// The accounts and normalised emails the store's blocks cover, read at once to judge many
// customers (broadcasts); covers() answers as is_covered does without a fingerprint.
struct StoreCoverage {
  std::unordered_set<int64_t> users;
  std::unordered_set<std::string> emails;
  bool covers(int64_t user_id, const std::string& normalised_email) const {
    return (user_id != 0 && users.contains(user_id)) ||
           (!normalised_email.empty() && emails.contains(normalised_email));
  }
};
Result<StoreCoverage> store_coverage(db::Tx& tx, int64_t store_id);

}  // namespace sd::blocks
