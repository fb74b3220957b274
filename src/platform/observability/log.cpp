// JSON-lines logging through spdlog's async logger.
//
// A line is formatted on the calling thread into a thread-local buffer. Info/debug lines are
// then batched per thread (up to batch_bytes, at most batch_delay late) and handed to spdlog's
// queue as one message: one queue operation and at most one wake-up of spdlog's worker per
// batch instead of per line, which halves the cost of the access log on a 2-core machine.
// Warnings and errors go out at once (after their thread's pending batch, to keep order).
// spdlog's worker writes into our buffered sink: spdlog's stderr sink fflush()es every line,
// i.e. one write(2) per access-log line; ours writes when its buffer fills, on warn/error,
// every second, and on flush().
#include "platform/observability/log.hpp"

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <spdlog/sinks/base_sink.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sd::log {
namespace {

constexpr size_t queue_slots = 4096;         // pre-allocated async messages (~1 MiB)
constexpr size_t sink_buffer_bytes = 32 * 1024;  // batch size of one write(2)
constexpr int flush_wait_seconds_max = 5;    // flush() never hangs the exit path for longer
constexpr size_t batch_bytes = 4096;         // per-thread batch handed to spdlog as one message
constexpr auto batch_delay = std::chrono::milliseconds(100);  // a batched line is at most this late
constexpr int sink_flush_every_batches = 10;  // the sink writes out at least every second

// Marks the message that flush() sends through the queue; its line number is the sequence.
constexpr const char* flush_marker = "sd-log-flush-marker";

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stderr gone: nothing sensible to do
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Only spdlog's worker thread calls sink_it_/flush_, so no mutex is needed there; the
// flush sequence is shared with flush() callers, hence its own mutex/condvar.
class BufferedFdSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
 public:
  explicit BufferedFdSink(int fd) : fd_(fd) { buffer_.reserve(sink_buffer_bytes * 2); }

  void wait_flushed(int seq) {
    std::unique_lock lock(seq_mu_);
    seq_cv_.wait_for(lock, std::chrono::seconds(flush_wait_seconds_max),
                     [&] { return flushed_seq_ >= seq; });
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (msg.source.filename == flush_marker) {
      flush_();
      std::lock_guard lock(seq_mu_);
      flushed_seq_ = std::max(flushed_seq_, msg.source.line);
      seq_cv_.notify_all();
      return;
    }
    buffer_.append(msg.payload.data(), msg.payload.size());
    buffer_.push_back('\n');
    if (buffer_.size() >= sink_buffer_bytes) flush_();
  }

  void flush_() override {
    write_all(fd_, buffer_.data(), buffer_.size());
    buffer_.clear();
  }

 private:
  int fd_;
  std::string buffer_;
  std::mutex seq_mu_;
  std::condition_variable seq_cv_;
  int flushed_seq_ = 0;
};

// Lines of one thread not yet handed to spdlog. The owning thread appends; the flusher
// thread and flush() take them; the mutex is uncontended almost always.
struct Batch {
  std::mutex mu;
  std::string lines;  // '\n'-separated, without the final '\n' (the sink adds it)
};

struct State {
  std::shared_ptr<spdlog::details::thread_pool> pool;
  std::shared_ptr<BufferedFdSink> sink;
  std::shared_ptr<spdlog::async_logger> logger;
  std::atomic<int> flush_seq{0};
  std::mutex batches_mu;
  std::vector<std::shared_ptr<Batch>> batches;  // one per thread that logged
};

std::atomic<int> min_level{static_cast<int>(Level::info)};
std::atomic<bool> access_enabled{true};
std::once_flag state_once;
State* state_ptr = nullptr;

// Hands a batch to spdlog. Called with the batch's mutex held, so per-thread order holds.
void submit_locked(State& s, Batch& b) {
  if (b.lines.empty()) return;
  s.logger->log(spdlog::level::info, spdlog::string_view_t(b.lines.data(), b.lines.size()));
  b.lines.clear();
}

void submit_all(State& s) {
  std::vector<std::shared_ptr<Batch>> batches;
  {
    std::lock_guard lock(s.batches_mu);
    batches = s.batches;
  }
  for (auto& b : batches) {
    std::lock_guard lock(b->mu);
    submit_locked(s, *b);
  }
}

[[noreturn]] void flusher_loop(State& s) {
  for (int tick = 1;; ++tick) {
    std::this_thread::sleep_for(batch_delay);
    submit_all(s);
    if (tick % sink_flush_every_batches == 0) s.logger->flush();
  }
}

// Created on first use so that code logging before init() (tests, early start-up) works.
// Never destroyed: the pool and logger must outlive static destructors that may still log,
// and owning the pool (rather than spdlog's registry) keeps it out of spdlog's exit teardown.
State& state() {
  std::call_once(state_once, [] {
    auto* s = new State();
    s->pool = std::make_shared<spdlog::details::thread_pool>(queue_slots, 1);
    s->sink = std::make_shared<BufferedFdSink>(STDERR_FILENO);
    s->logger = std::make_shared<spdlog::async_logger>("sd", s->sink, s->pool,
                                                       spdlog::async_overflow_policy::block);
    s->logger->set_pattern("%v");
    s->logger->set_level(spdlog::level::trace);  // we filter ourselves, before formatting
    s->logger->flush_on(spdlog::level::warn);
    state_ptr = s;
    std::thread([s] { flusher_loop(*s); }).detach();
    std::atexit([] { flush(); });  // a safety net; main() should call flush() itself
  });
  return *state_ptr;
}

Batch& thread_batch(State& s) {
  thread_local std::shared_ptr<Batch> batch = [&] {
    auto b = std::make_shared<Batch>();
    b->lines.reserve(batch_bytes + 512);
    std::lock_guard lock(s.batches_mu);
    s.batches.push_back(b);
    return b;
  }();
  return *batch;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

spdlog::level::level_enum spd_level(Level level) {
  switch (level) {
    case Level::debug: return spdlog::level::debug;
    case Level::info: return spdlog::level::info;
    case Level::warn: return spdlog::level::warn;
    case Level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

void append_escaped(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out.push_back(hex[c >> 4]);
          out.push_back(hex[c & 0xf]);
        } else {
          out.push_back(ch);  // UTF-8 passes through unchanged
        }
    }
  }
}

void append_number(std::string& out, long long v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// "2024-05-01T12:00:00.123Z". gmtime_r + formatting runs once per second per thread.
void append_timestamp(std::string& out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[32];
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  auto sec = static_cast<std::time_t>(ms / 1000);
  if (sec != cached_second) {
    std::tm tm{};
    gmtime_r(&sec, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S.", &tm);
    cached_second = sec;
  }
  out += cached;
  auto frac = static_cast<int>(ms % 1000);
  out.push_back(static_cast<char>('0' + frac / 100));
  out.push_back(static_cast<char>('0' + frac / 10 % 10));
  out.push_back(static_cast<char>('0' + frac % 10));
  out.push_back('Z');
}

}  // namespace

void init(Level level, bool access_log) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
  access_enabled.store(access_log, std::memory_order_relaxed);
  state();
}

bool access_log_enabled() { return access_enabled.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  State& s = state();
  // Reused per thread: after the first lines, formatting allocates nothing.
  thread_local std::string line;
  line.clear();
  line += "{\"ts\":\"";
  append_timestamp(line);
  line += "\",\"level\":\"";
  line += level_name(level);
  line += "\",\"msg\":\"";
  append_escaped(line, message);
  line.push_back('"');
  for (const Field& f : fields) {
    line += ",\"";
    append_escaped(line, f.key);
    line += "\":";
    if (f.is_number) {
      append_number(line, f.number);
    } else {
      line.push_back('"');
      append_escaped(line, f.text);
      line.push_back('"');
    }
  }
  line.push_back('}');
  Batch& b = thread_batch(s);
  std::lock_guard lock(b.mu);
  if (level >= Level::warn) {
    submit_locked(s, b);  // keep this thread's order
    s.logger->log(spd_level(level), spdlog::string_view_t(line.data(), line.size()));
    return;
  }
  if (!b.lines.empty()) b.lines.push_back('\n');
  b.lines += line;
  if (b.lines.size() >= batch_bytes) submit_locked(s, b);
}

void flush() {
  State& s = state();
  submit_all(s);
  int seq = s.flush_seq.fetch_add(1) + 1;
  // The marker travels through the queue behind every line logged before it, so when the
  // sink sees it, those lines have been written.
  s.logger->log(spdlog::source_loc{flush_marker, seq, ""}, spdlog::level::critical,
                spdlog::string_view_t(""));
  s.sink->wait_flushed(seq);
}

}  // namespace sd::log
