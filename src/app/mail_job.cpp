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
  auto due = db_.write<std::vector<outbox::Claimed>>(
      [&](db::Tx& tx) { return outbox::claim_due(tx, clock_.now(), kBatch, kLease); });
  if (!due) {
    log::warn("outbox claim failed", {{"error", due.error().code}});
    return 0;
  }
  // Outcomes are recorded together, in one write, after the batch: a failure to record only
  // means those emails are sent again after the lease (at-least-once, never lost).
  struct Outcome {
    const outbox::Claimed* claimed;
    Result<void> sent;
  };
  std::vector<Outcome> outcomes;
  int sent = 0;
  for (const auto& c : *due) {
    // Decoded here, outside the claiming transaction (the writer's time is the checkout's).
    const auto email = outbox::decode(c.message);
    if (!email) {
      outcomes.push_back({&c, fail(ErrorKind::invalid_input, "unreadable", "unreadable")});
      continue;
    }
    mail::Email e;
    e.from_name = email->from_name;
    e.from_address = from_address_;
    e.to_name = email->to_name;
    e.to_address = email->to_address;
    e.reply_to = email->reply_to;
    e.subject = email->subject;
    e.text_body = email->text_body;
    e.headers = email->headers;
    // One Message-ID per outbox row, so a retried delivery is recognisably the same message.
    e.message_id = "<outbox-" + std::to_string(c.id) + "@" +
                   from_address_.substr(from_address_.find('@') + 1) + ">";
    auto r = transport_->send(e);
    if (r) ++sent;
    if (!r) log::warn("email not sent", {{"outbox_id", c.id}, {"error", r.error().code}});
    outcomes.push_back({&c, std::move(r)});
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
  std::vector<int64_t> delivered;
  for (const auto& o : outcomes)
    if (o.sent) delivered.push_back(o.claimed->id);
  auto recorded = db_.write<void>([&](db::Tx& tx) -> Result<void> {
    SD_TRY_VOID(outbox::mark_sent(tx, delivered, now));
    for (const auto& o : outcomes) {
      if (o.sent) continue;
      SD_TRY_VOID(outbox::mark_failed(tx, o.claimed->id, o.claimed->attempts,
                                      o.sent.error().message,
                                      o.sent.error().kind == ErrorKind::invalid_input, now));
    }
    return {};
  });
  if (!recorded) log::error("outbox not updated", {{"emails", static_cast<long long>(outcomes.size())}});
  return sent;
}

}  // namespace sd::app
