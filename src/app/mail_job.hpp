// The outbox delivery job: a background thread that sends due emails through the configured
// transport and records the outcome. Runs in every `serve` process; claims are leased, so
// several instances never send the same email twice at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "platform/db/database.hpp"
#include "platform/mail/mail.hpp"

namespace sd::app {

class MailJob {
 public:
  MailJob(db::Database& db, const Clock& clock, std::unique_ptr<mail::Transport> transport,
          std::string from_address);
  ~MailJob();
  void start();
  // Finishes the batch in hand, then returns.
  void stop();
  // Sends what is due now (also used by tests and the CLI); returns how many were sent.
  int run_once();

 private:
  db::Database& db_;
  const Clock& clock_;
  std::unique_ptr<mail::Transport> transport_;
  std::string from_address_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace sd::app
