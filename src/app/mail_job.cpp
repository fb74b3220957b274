#include "app/mail_job.hpp"

#include "modules/outbox/outbox.hpp"
#include "platform/observability/log.hpp"

namespace sd::app {
namespace {
constexpr Micros kLease = 5 * kMicrosPerMinute;
}  // namespace

MailJob::MailJob(db::Database& db, const Clock& clock, std::unique_ptr<mail::Transport> transport,
                 std::string from_address)
    : db_(db), clock_(clock), transport_(std::move(transport)), from_address_(std::move(from_address)) {}

int MailJob::run_once() {
  auto due = db_.write<std::vector<outbox::Queued>>(
      [&](db::Tx& tx) { return outbox::claim_due(tx, clock_.now(), kBatch, kLease); });
  if (!due) {
    log::warn("outbox claim failed", {{"error", due.error().code}});
    return 0;
  }
  // Outcomes are recorded together, in one write, after the batch: a failure to record only
  // means those emails are sent again after the lease (at-least-once, never lost).
  std::vector<std::pair<const outbox::Queued*, Result<void>>> outcomes;
  int sent = 0;
  for (const auto& q : *due) {
    mail::Email e;
    e.from_name = q.email.from_name;
    e.from_address = from_address_;
    e.to_name = q.email.to_name;
    e.to_address = q.email.to_address;
    e.reply_to = q.email.reply_to;
    e.subject = q.email.subject;
    e.text_body = q.email.text_body;
    e.headers = q.email.headers;
    // One Message-ID per outbox row, so a retried delivery is recognisably the same message.
    e.message_id = "<outbox-" + std::to_string(q.id) + "@" +
                   from_address_.substr(from_address_.find('@') + 1) + ">";
    auto r = transport_->send(e);
    if (r) ++sent;
    if (!r) log::warn("email not sent", {{"outbox_id", q.id}, {"error", r.error().code}});
    outcomes.emplace_back(&q, std::move(r));
  }
  if (outcomes.empty()) return 0;
  // Durable before recorded: if the flush fails, nothing is marked and the batch is sent
  // again after the lease (at least once, never lost).
  if (sent > 0) {
    auto synced = transport_->sync();
    if (!synced) {
      log::warn("email batch not flushed", {{"error", synced.error().code}});
      return 0;
    }
  }
  const auto now = clock_.now();
  auto recorded = db_.write<void>([&](db::Tx& tx) -> Result<void> {
    for (const auto& [q, r] : outcomes) {
      SD_TRY_VOID(r ? outbox::mark_sent(tx, q->id, now)
                    : outbox::mark_failed(tx, q->id, q->attempts, r.error().message,
                                          r.error().kind == ErrorKind::invalid_input, now));
    }
    return {};
  });
  if (!recorded) log::error("outbox not updated", {{"emails", static_cast<long long>(outcomes.size())}});
  return sent;
}

}  // namespace sd::app
