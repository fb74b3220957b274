#include "app/periodic_job.hpp"

namespace sd::app {

PeriodicJob::PeriodicJob(std::chrono::milliseconds interval, std::function<bool()> step)
    : interval_(interval), step_(std::move(step)) {}

PeriodicJob::~PeriodicJob() { stop(); }

void PeriodicJob::start() {
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      const bool more = step_();
      lock.lock();
      if (!more) cv_.wait_for(lock, interval_, [this] { return stopping_; });
    }
  });
}

void PeriodicJob::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sd::app
