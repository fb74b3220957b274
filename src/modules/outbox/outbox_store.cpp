// SQL of the outbox module, and nothing else.
#include "modules/outbox/outbox.hpp"

#include <algorithm>

namespace sd::outbox {

Result<void> enqueue(db::Tx& tx, std::optional<int64_t> store_id, const OutgoingEmail& email,
                     Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO outbox_emails (store_id, kind, message, created_at, next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $4)",
      {store_id, email.kind, encode(email), now}));
  return {};
}

Result<void> enqueue_reference(db::Tx& tx, const Reference& ref, Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO outbox_emails (store_id, kind, message, created_at, next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $4)",
      {ref.store_id, ref.kind, encode_reference(ref), now}));
  return {};
}

Result<std::vector<Claimed>> claim_due(db::Tx& tx, Micros now, int limit, Micros lease) {
  // PostgreSQL: SKIP LOCKED lets instances claim disjoint batches; SQLite has one writer.
  const std::string lock = tx.dialect() == db::Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
  std::vector<Claimed> out;
  SD_TRY_VOID(tx.each(
      "UPDATE outbox_emails SET next_attempt_at = $2 WHERE id IN (SELECT id FROM outbox_emails "
      "WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 "
      "ORDER BY next_attempt_at, id LIMIT $3" + lock + ") RETURNING id, attempts, message",
      {now, now + lease, limit}, [&](const db::RowView& r) {
        out.push_back(Claimed{r.i64(0), static_cast<int>(r.i64(1)), std::string(r.text(2))});
        return true;
      }));
  std::sort(out.begin(), out.end(), [](const Claimed& a, const Claimed& b) { return a.id < b.id; });
  return out;
}

Result<void> mark_sent(db::Tx& tx, const std::vector<int64_t>& ids, Micros now) {
  if (ids.empty()) return {};
  // The ids as one array parameter, so every batch size shares one prepared statement.
  const bool pg = tx.dialect() == db::Dialect::postgres;
  std::string list = pg ? "{" : "[";
  for (size_t i = 0; i < ids.size(); ++i) list += (i == 0 ? "" : ",") + std::to_string(ids[i]);
  list += pg ? "}" : "]";
  SD_TRY(tx.exec(pg ? "UPDATE outbox_emails SET sent_at = $1, attempts = attempts + 1 "
                      "WHERE id = ANY($2::bigint[])"
                    : "UPDATE outbox_emails SET sent_at = $1, attempts = attempts + 1 "
                      "WHERE id IN (SELECT value FROM json_each($2))",
                 {now, list}));
  return {};
}

Result<void> mark_failed(db::Tx& tx, int64_t id, int attempts, const std::string& error,
                         bool permanent, Micros now) {
  const int next = attempts + 1;
  const bool give_up = permanent || next >= kAttemptsMax;
  SD_TRY(tx.exec(
      "UPDATE outbox_emails SET attempts = $2, last_error = $3, next_attempt_at = $4, "
      "failed_at = $5 WHERE id = $1",
      {id, next, error, now + retry_delay(next), give_up ? db::Value(now) : db::Value(nullptr)}));
  return {};
}

}  // namespace sd::outbox
