// Structured JSON logs (one object per line) on stderr, through spdlog's async logger.
#pragma once

#include <initializer_list>
#include <string_view>
#include <type_traits>  // std::is_integral_v in Field
#include <utility>

namespace sd::log {

enum class Level { debug, info, warn, error };

// A key/value of a log line; values are strings or integers.
struct Field {
  std::string_view key;
  std::string_view text;
  long long number = 0;
  bool is_number = false;
  Field(std::string_view k, std::string_view v) : key(k), text(v) {}
  Field(std::string_view k, const char* v) : key(k), text(v) {}
  template <class I>
    requires std::is_integral_v<I>
  Field(std::string_view k, I v) : key(k), number(static_cast<long long>(v)), is_number(true) {}
};

// Call once at start-up. `access_log` false silences per-request lines (benchmarks).
void init(Level min_level, bool access_log);
bool access_log_enabled();
// {"ts":"…","level":"info","msg":"…",<fields>}
void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }
inline void warn(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, m, f); }
inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }
// Flushes pending lines (before exit).
void flush();

}  // namespace sd::log
