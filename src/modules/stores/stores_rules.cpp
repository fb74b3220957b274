#include <charconv>

#include "core/limits.hpp"
#include "core/money.hpp"
#include "core/validation.hpp"
#include "modules/stores/stores.hpp"

namespace sd::stores {
namespace {

Result<void> check_range(const std::optional<int64_t>& v, const char* param, int64_t min,
                         int64_t max) {
  if (v && (*v < min || *v > max)) {
    return fail(ErrorKind::invalid_input, "out_of_range",
                std::string(param) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max),
                param);
  }
  return {};
}

}  // namespace

bool is_valid_refund_policy(std::string_view policy) {
  if (policy == "no_refunds" || policy == "discretionary") return true;
  constexpr std::string_view prefix = "within_days:";
  if (!policy.starts_with(prefix)) return false;
  const auto digits = policy.substr(prefix.size());
  if (digits.empty() || digits.size() > 3 || digits[0] == '0') return false;
  int days = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), days);
  return ec == std::errc{} && end == digits.data() + digits.size() && days >= 1 &&
         days <= limits::refund_policy_days_max;
}

Result<void> validate_changes(const StoreChanges& c) {
  if (c.name) {
    if (c.name->empty())
      return fail(ErrorKind::invalid_input, "required", "name must not be empty", "name");
    if (c.name->size() > limits::store_name_bytes_max)
      return fail(ErrorKind::invalid_input, "too_long", "name is too long", "name");
  }
  if (c.support_email && !is_valid_email(*c.support_email)) {
    return fail(ErrorKind::invalid_input, "invalid_email",
                "support_email is not a valid email address", "support_email");
  }
  if (c.currency && !currency_from_code(*c.currency)) {
    return fail(ErrorKind::invalid_input, "unsupported_currency",
                "currency must be a supported ISO 4217 code such as USD or EUR", "currency");
  }
  if (c.locale && *c.locale != "en" && *c.locale != "es") {
    return fail(ErrorKind::invalid_input, "unsupported_locale", "locale must be en or es",
                "locale");
  }
  if (c.refund_policy && !is_valid_refund_policy(*c.refund_policy)) {
    return fail(ErrorKind::invalid_input, "invalid_refund_policy",
                "refund_policy must be no_refunds, discretionary or within_days:N (1-365)",
                "refund_policy");
  }
  SD_TRY_VOID(check_range(c.hold_period_days, "hold_period_days", 0, limits::hold_period_days_max));
  SD_TRY_VOID(
      check_range(c.refund_window_days, "refund_window_days", 1, limits::refund_window_days_max));
  SD_TRY_VOID(check_range(c.fee_percent_bp, "fee_percent_bp", 0, limits::fee_percent_bp_max));
  SD_TRY_VOID(check_range(c.fee_fixed_minor, "fee_fixed_minor", 0, limits::fee_fixed_minor_max));
  return {};
}

std::string slugify(std::string_view name) {
  std::string out;
  bool dash = false;
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out += static_cast<char>(c);
      dash = false;
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c + 32);
      dash = false;
    } else if (c == '\'') {
      continue;  // "Ana's" → "anas"
    } else if (!out.empty() && !dash) {
      out += '-';
      dash = true;
    }
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "store" : out;
}

Store default_store(std::string name, int64_t owner_user_id, std::string owner_email) {
  Store s;
  s.slug = slugify(name);
  s.name = std::move(name);
  s.owner_user_id = owner_user_id;
  s.currency = "USD";
  s.support_email = std::move(owner_email);
  s.locale = "en";
  s.refund_policy = "within_days:30";
  return s;
}

Store apply_changes(Store s, const StoreChanges& c) {
  if (c.name) s.name = *c.name;
  if (c.support_email) s.support_email = *c.support_email;
  if (c.currency) s.currency = *c.currency;
  if (c.locale) s.locale = *c.locale;
  if (c.refund_policy) s.refund_policy = *c.refund_policy;
  if (c.hold_period_days) s.hold_period_days = *c.hold_period_days;
  if (c.refund_window_days) s.refund_window_days = *c.refund_window_days;
  if (c.fee_percent_bp) s.fee_percent_bp = *c.fee_percent_bp;
  if (c.fee_fixed_minor) s.fee_fixed_minor = *c.fee_fixed_minor;
  return s;
}

}  // namespace sd::stores
