#include "core/assert.hpp"
#include "core/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace sd {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::invalid_input: return "invalid_input";
    case ErrorKind::unauthenticated: return "unauthenticated";
    case ErrorKind::payment_failed: return "payment_failed";
    case ErrorKind::forbidden: return "forbidden";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::unsupported_media_type: return "unsupported_media_type";
    case ErrorKind::conflict: return "conflict";
    case ErrorKind::idempotency: return "idempotency";
    case ErrorKind::rate_limited: return "rate_limited";
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

void assertion_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "assertion failed: %s at %s:%d\n", expr, file, line);
  std::abort();
}

}  // namespace sd
