// The outbox delivery job: sends due emails through the configured transport and records the
// outcome. Runs in every `serve` process; claims are leased, so
// several instances never send the same email twice at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "modules/outbox/outbox.hpp"
#include "platform/db/database.hpp"
#include "platform/mail/mail.hpp"

namespace sd::app {

// Sends due emails in batches; run it on a PeriodicJob: `[&] { return job.run_once() == kBatch; }`.
class MailJob {
 public:
  static constexpr int kBatch = 50;
  // Renders an email stored as a reference (outbox::Reference), reading what it names;
  // nullopt for a kind it does not know (the email is then given up).
  using Renderer = std::function<Result<std::optional<outbox::OutgoingEmail>>(
      db::Tx&, const outbox::Reference&)>;
  MailJob(db::Database& db, const Clock& clock, std::unique_ptr<mail::Transport> transport,
          std::string from_address, Renderer render);
  // Sends what is due now (up to kBatch); returns how many were sent.
  int run_once();

 private:
  db::Database& db_;
  const Clock& clock_;
  std::unique_ptr<mail::Transport> transport_;
  std::string from_address_;
  Renderer render_;
};

}  // namespace sd::app
