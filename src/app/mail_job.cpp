#include "app/mail_job.hpp"

#include "modules/outbox/outbox.hpp"
#include "platform/observability/log.hpp"

namespace sd::app {
namespace {
constexpr Micros kLease = 5 * kMicrosPerMinute;
}  // namespace

MailJob::MailJob(db::Database& db, const Clock& clock, std::unique_ptr<mail::Transport> transport,
                 std::string from_address, Renderer render)
    : db_(db),
      clock_(clock),
      transport_(std::move(transport)),
      from_address_(std::move(from_address)),
      render_(std::move(render)) {}

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
  // Decoded here, outside the claiming transaction (the writer's time is the checkout's);
  // references are rendered in one read transaction for the batch.
  std::vector<Result<outbox::OutgoingEmail>> emails;
  std::vector<std::pair<size_t, outbox::Reference>> refs;
  for (const auto& c : *due) {
    if (auto ref = outbox::decode_reference(c.message)) {
      refs.emplace_back(emails.size(), std::move(*ref));
      // Stays so (tried again later) if the database cannot be read now.
      emails.push_back(
          fail(ErrorKind::unavailable, "not_rendered", "the database could not be read"));
    } else if (auto email = outbox::decode(c.message)) {
      emails.push_back(std::move(*email));
    } else {
      emails.push_back(fail(ErrorKind::invalid_input, "unreadable", "unreadable"));
    }
  }
  if (!refs.empty()) {
    auto rendered = db_.read<void>([&](db::Tx& tx) -> Result<void> {
      for (const auto& [at, ref] : refs) {
        auto email = render_(tx, ref);
        // What it names is gone, or the kind is unknown: given up, like an unreadable one.
        if (!email && email.error().kind != ErrorKind::not_found) return fail(email.error());
        if (!email || !*email) {
          emails[at] = fail(ErrorKind::invalid_input, "unrenderable",
                            !email ? email.error().message : "unknown kind " + ref.kind);
        } else {
          emails[at] = std::move(**email);
        }
      }
      return {};
    });
    if (!rendered) log::warn("outbox rendering failed", {{"error", rendered.error().code}});
  }
  for (size_t i = 0; i < due->size(); ++i) {
    const auto& c = (*due)[i];
    auto& email = emails[i];
    if (!email) {
      outcomes.push_back({&c, fail(email.error())});
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
