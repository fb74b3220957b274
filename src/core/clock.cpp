#include <chrono>

#include "core/clock.hpp"

namespace sd {

Micros SystemClock::now() const {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Micros TestClock::now() const { return SystemClock{}.now() + offset_.load(); }

}  // namespace sd
