#include "core/limits.hpp"
#include "core/validation.hpp"
#include "modules/accounts/accounts.hpp"

namespace sd::accounts {

Result<void> validate_new_user(const NewUser& u) {
  if (!is_valid_email(u.email) || u.email.size() > limits::email_bytes_max) {
    return fail(ErrorKind::invalid_input, "invalid_email", "email is not a valid email address",
                "email");
  }
  if (u.name.empty()) return fail(ErrorKind::invalid_input, "required", "name is required", "name");
  if (u.name.size() > limits::name_bytes_max)
    return fail(ErrorKind::invalid_input, "too_long", "name is too long", "name");
  if (u.password.size() < limits::password_bytes_min) {
    return fail(ErrorKind::invalid_input, "too_short",
                "password must be at least " + std::to_string(limits::password_bytes_min) +
                    " characters",
                "password");
  }
  if (u.password.size() > limits::password_bytes_max)
    return fail(ErrorKind::invalid_input, "too_long", "password is too long", "password");
  return {};
}

Result<void> throttle_decision(int64_t failures, Micros window_start, Micros now,
                               int max_failures) {
  const Micros window_end = window_start + limits::login_throttle_window_seconds * kMicrosPerSecond;
  if (failures < max_failures || now >= window_end) return {};
  Error e{ErrorKind::rate_limited, "too_many_attempts",
          "too many failed sign-in attempts; try again later", "", 0, {}};
  e.retry_after_seconds = (window_end - now + kMicrosPerSecond - 1) / kMicrosPerSecond;
  return fail(std::move(e));
}

std::string account_throttle_key(std::string_view canonical_email) {
  return "account:" + std::string(canonical_email);
}

std::string ip_throttle_key(std::string_view ip) { return "ip:" + std::string(ip); }

}  // namespace sd::accounts
