// The outbox delivery job: sends due emails through the configured transport and records the
// outcome. Runs in every `serve` process; claims are leased, so
// several instances never send the same email twice at once.
#pragma once

#include <memory>
#include <string>

#include "core/clock.hpp"
#include "platform/db/database.hpp"
#include "platform/mail/mail.hpp"

namespace sd::app {

// Sends due emails in batches; run it on a PeriodicJob: `[&] { return job.run_once() == kBatch; }`.
class MailJob {
 public:
  static constexpr int kBatch = 50;
  MailJob(db::Database& db, const Clock& clock, std::unique_ptr<mail::Transport> transport,
          std::string from_address);
  // Sends what is due now (up to kBatch); returns how many were sent.
  int run_once();

 private:
  db::Database& db_;
  const Clock& clock_;
  std::unique_ptr<mail::Transport> transport_;
  std::string from_address_;
};

}  // namespace sd::app
