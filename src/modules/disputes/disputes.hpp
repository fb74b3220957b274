// Disputes (R-DISP-1): chargebacks the payment provider reports on an order's charge. The
// pure rules (which amounts may be disputed, which outcomes exist, what a dispute forbids) and
// the disputes table. A charge is disputed at most once; a dispute is `open` until the provider
// resolves it `won` (the money comes back) or `lost` (it stays with the buyer); a resolved
// dispute is final (the database refuses changes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::disputes {

struct Dispute {
  int64_t id = 0;
  std::string public_id;  // "dp_…"
  int64_t store_id = 0;
  int64_t order_id = 0;
  std::string provider_dispute_id;
  std::string currency;
  int64_t amount_minor = 0;
  std::string reason;
  std::string status;  // open | won | lost
  Micros opened_at = 0;
  std::optional<Micros> resolved_at;
};

// --- rules (pure) ---------------------------------------------------------------------------

// The amount a new dispute takes: `requested` (0 = all that is disputable), which must be
// within what was paid and not refunded. conflict `nothing_to_dispute` when nothing is left,
// invalid_input `dispute_exceeds_charge` (param amount_minor) when it asks for more.
Result<int64_t> dispute_amount(int64_t paid_minor, int64_t refunded_minor, int64_t requested_minor);
// "won" | "lost"; invalid_input `invalid_outcome` (param outcome) otherwise.
Result<std::string> parse_outcome(std::string_view outcome);
// Whether a dispute in this status forbids refunds of its order: open (the money is already
// on its way back to the buyer through the bank) and lost (it went back): refunding as well
// would pay the buyer twice. A won dispute forbids nothing.
bool blocks_refund(std::string_view status);
// The sales status a line shows while its order is disputed (open or lost).
inline constexpr const char* kSaleStatus = "disputed";

// --- store (SQL) ----------------------------------------------------------------------------

// Inserts an open dispute (public id assigned); unique provider_dispute_id and order.
Result<Dispute> insert(db::Tx& tx, Dispute d);
// By the provider's id, any store (a notification names only the provider's ids).
Result<std::optional<Dispute>> find_by_provider_id(db::Tx& tx, std::string_view provider_dispute_id);
// One of the store's disputes by public id; not_found `not_found` for another store's.
Result<Dispute> get(db::Tx& tx, int64_t store_id, std::string_view public_id);
// The order's disputes, oldest first (at most one today).
Result<std::vector<Dispute>> list_for_order(db::Tx& tx, int64_t order_id);
// True when the order has a dispute that blocks refunds (open or lost).
Result<bool> order_blocked(db::Tx& tx, int64_t order_id);
// open → won | lost; false when the dispute was not open (already resolved).
Result<bool> resolve(db::Tx& tx, int64_t dispute_id, std::string_view outcome, Micros now);

}  // namespace sd::disputes
