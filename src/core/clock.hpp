// The one injectable clock every time-dependent rule reads (R-TIME-1).
#pragma once

#include <atomic>
#include <cstdint>

namespace sd {

// Microseconds since the Unix epoch, UTC. Stored as BIGINT in every table.
using Micros = int64_t;

constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr Micros kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr Micros kMicrosPerDay = 24 * kMicrosPerHour;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Micros now() const = 0;
};

// Wall-clock time.
class SystemClock final : public Clock {
 public:
  Micros now() const override;
};

// Wall-clock time plus an offset that tests move forward (`--test-mode` only).
class TestClock final : public Clock {
 public:
  Micros now() const override;
  Micros offset() const { return offset_.load(); }
  void set_offset(Micros offset) { offset_.store(offset); }
  void advance(Micros delta) { offset_.fetch_add(delta); }

 private:
  std::atomic<Micros> offset_{0};
};

}  // namespace sd
