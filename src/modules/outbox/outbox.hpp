// The email outbox: emails are rows written in the same transaction as what caused them, and
// a delivery job sends them, retrying with backoff. Nothing is sent for a rolled-back change,
// and nothing committed is lost.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::outbox {

struct OutgoingEmail {
  std::string kind;  // receipt, …
  std::string from_name;
  std::string to_name;
  std::string to_address;
  std::string reply_to;
  std::string subject;
  std::string text_body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// An email rendered when it is sent, from rows that never change (a receipt: its order), so
// the transaction that causes it writes a few bytes instead of the whole message.
struct Reference {
  std::string kind;  // receipt
  int64_t store_id = 0;
  int64_t id = 0;    // of the row it is rendered from
};

// A claimed email as stored: decode() its message outside the claiming transaction.
struct Claimed {
  int64_t id = 0;
  int attempts = 0;
  std::string message;
};

// --- rules (pure) ---
std::string encode(const OutgoingEmail& e);
std::optional<OutgoingEmail> decode(std::string_view json);
std::string encode_reference(const Reference& r);
// nullopt when `json` is not a reference (then it is an email: decode()).
std::optional<Reference> decode_reference(std::string_view json);
// Delay before the next attempt after `attempts` failures: 30 s doubling, at most 6 h.
Micros retry_delay(int attempts);
inline constexpr int kAttemptsMax = 12;

// --- store (SQL) ---
Result<void> enqueue(db::Tx& tx, std::optional<int64_t> store_id, const OutgoingEmail& email,
                     Micros now);
Result<void> enqueue_reference(db::Tx& tx, const Reference& ref, Micros now);
// Claims up to `limit` due emails for `lease` (they are not due again until then), so that
// several instances never send the same email at the same time. One statement; by id.
Result<std::vector<Claimed>> claim_due(db::Tx& tx, Micros now, int limit, Micros lease);
// Records that these emails were delivered (one statement).
Result<void> mark_sent(db::Tx& tx, const std::vector<int64_t>& ids, Micros now);
// Records a failure; after kAttemptsMax (or when `permanent`) the email is given up.
Result<void> mark_failed(db::Tx& tx, int64_t id, int attempts, const std::string& error,
                         bool permanent, Micros now);

}  // namespace sd::outbox
