// Result/Error: expected outcomes are values, not exceptions (docs/ARCHITECTURE.md).
#pragma once

#include <cstdint>
#include <string>
#include <tl/expected.hpp>
#include <utility>
#include <variant>
#include <vector>

namespace sd {

// What went wrong, coarse enough to map one-to-one onto an HTTP status.
enum class ErrorKind {
  invalid_input,    // 400: the caller sent something wrong
  unauthenticated,  // 401: no or bad credentials
  payment_failed,   // 402: the payment provider refused
  forbidden,        // 403: authenticated but not allowed (CSRF, role)
  not_found,        // 404: unknown, or another store's object
  unsupported_media_type,  // 415: a body in a format the route does not take
  conflict,         // 409: the state does not allow it now
  idempotency,      // 422: an Idempotency-Key reused with another request
  rate_limited,     // 429: too many attempts
  unavailable,      // 503: a dependency is down or busy
  internal,         // 500: a bug or an unexpected failure
};

// An extra field of the API's error object, beside type/code/message/param (for example the
// missing amount of `available_balance_insufficient`).
struct ErrorDetail {
  std::string name;
  std::variant<int64_t, std::string> value;
};

// An outcome that is not success. `code` is a stable snake_case rule name, `param` the
// offending field path (empty when none). This is exactly the API's error object.
struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string code;
  std::string message;
  std::string param;
  // Seconds a client should wait before retrying (rate_limited / unavailable); 0 = unset.
  long retry_after_seconds = 0;
  std::vector<ErrorDetail> details;  // extra fields of the error object; usually none
};

template <class T>
using Result = tl::expected<T, Error>;

// Shorthand for the error branch: `return fail(ErrorKind::conflict, "code", "message");`
inline tl::unexpected<Error> fail(ErrorKind kind, std::string code, std::string message,
                                  std::string param = {}) {
  return tl::unexpected<Error>(
      Error{kind, std::move(code), std::move(message), std::move(param), 0, {}});
}
inline tl::unexpected<Error> fail(Error e) { return tl::unexpected<Error>(std::move(e)); }

// Stable lowercase name of a kind, for logs.
const char* to_string(ErrorKind kind);

}  // namespace sd

#define SD_CONCAT_INNER(a, b) a##b
#define SD_CONCAT(a, b) SD_CONCAT_INNER(a, b)

// Propagates the error of a Result-returning expression, else yields its value.
// Usage: `auto user = SD_TRY(find_user(tx, id));` (a GNU statement expression; __extension__
// keeps -Wpedantic quiet; each expansion gets its own name so nesting does not shadow).
#define SD_TRY(expr) SD_TRY_IMPL(expr, SD_CONCAT(sd_try_result_, __COUNTER__))
#define SD_TRY_IMPL(expr, var)                                    \
  __extension__({                                                 \
    auto var = (expr);                                            \
    if (!var) return ::tl::unexpected(std::move(var).error());    \
    std::move(*var);                                              \
  })

// Same for Result<void>.
#define SD_TRY_VOID(expr) SD_TRY_VOID_IMPL(expr, SD_CONCAT(sd_try_void_, __COUNTER__))
#define SD_TRY_VOID_IMPL(expr, var)                               \
  do {                                                            \
    auto var = (expr);                                            \
    if (!var) return ::tl::unexpected(std::move(var).error());    \
  } while (0)
