// A background thread that runs one step of work on an interval until stopped.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace sd::app {

class PeriodicJob {
 public:
  // `step` returns true when more work is waiting (then it runs again at once).
  PeriodicJob(std::chrono::milliseconds interval, std::function<bool()> step);
  ~PeriodicJob();
  void start();
  // Lets the step in hand finish, then returns.
  void stop();

 private:
  std::chrono::milliseconds interval_;
  std::function<bool()> step_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

}  // namespace sd::app
