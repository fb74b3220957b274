// SQL of the outbox module, and nothing else.
#include "modules/outbox/outbox.hpp"

namespace sd::outbox {

Result<void> enqueue(db::Tx& tx, std::optional<int64_t> store_id, const OutgoingEmail& email,
                     Micros now) {
  SD_TRY(tx.exec(
      "INSERT INTO outbox_emails (store_id, kind, message, created_at, next_attempt_at) "
      "VALUES ($1, $2, $3, $4, $4)",
      {store_id, email.kind, encode(email), now}));
  return {};
}

Result<std::vector<Queued>> claim_due(db::Tx& tx, Micros now, int limit, Micros lease) {
  // PostgreSQL: SKIP LOCKED lets instances claim disjoint batches; SQLite has one writer.
  const std::string lock = tx.dialect() == db::Dialect::postgres ? " FOR UPDATE SKIP LOCKED" : "";
  auto rows = SD_TRY(tx.query(
      "SELECT id, attempts, message FROM outbox_emails WHERE sent_at IS NULL AND failed_at IS NULL "
      "AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2" + lock,
      {now, limit}));
  std::vector<Queued> out;
  for (const auto& r : rows) {
    SD_TRY(tx.exec("UPDATE outbox_emails SET next_attempt_at = $2 WHERE id = $1",
                   {r.i64(0), now + lease}));
    auto email = decode(r.text(2));
    if (!email) {
      SD_TRY(tx.exec("UPDATE outbox_emails SET failed_at = $2, last_error = 'unreadable' WHERE id = $1",
                     {r.i64(0), now}));
      continue;
    }
    out.push_back(Queued{r.i64(0), static_cast<int>(r.i64(1)), std::move(*email)});
  }
  return out;
}

Result<void> mark_sent(db::Tx& tx, int64_t id, Micros now) {
  SD_TRY(tx.exec("UPDATE outbox_emails SET sent_at = $2, attempts = attempts + 1 WHERE id = $1",
                 {id, now}));
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
