#include "core/money.hpp"

#include <array>
#include <cstdlib>

namespace sd {
namespace {

struct CurrencyRow {
  const char* code;
  int exponent;
};

// The currencies the platform accepts (ISO 4217 minor units). Extend deliberately.
constexpr std::array<CurrencyRow, 30> kCurrencies{{
    {"AUD", 2}, {"BGN", 2}, {"BHD", 3}, {"BRL", 2}, {"CAD", 2}, {"CHF", 2},
    {"CLP", 0}, {"CZK", 2}, {"DKK", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2},
    {"HUF", 2}, {"INR", 2}, {"ISK", 0}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3},
    {"MXN", 2}, {"NOK", 2}, {"NZD", 2}, {"PLN", 2}, {"RON", 2}, {"SEK", 2},
    {"SGD", 2}, {"TND", 3}, {"TWD", 2}, {"USD", 2}, {"VND", 0}, {"ZAR", 2},
}};

}  // namespace

std::optional<Currency> currency_from_code(std::string_view code) {
  if (code.size() != 3) return std::nullopt;
  for (const auto& row : kCurrencies) {
    if (code == row.code) {
      Currency c;
      for (int i = 0; i < 3; ++i) c.code[i] = row.code[i];
      c.exponent = row.exponent;
      return c;
    }
  }
  return std::nullopt;
}

Result<Money> add(const Money& a, const Money& b) {
  if (!(a.currency == b.currency)) {
    return fail(ErrorKind::conflict, "currency_mismatch", "amounts are in different currencies");
  }
  int64_t sum = 0;
  if (__builtin_add_overflow(a.amount_minor, b.amount_minor, &sum)) {
    return fail(ErrorKind::invalid_input, "amount_overflow", "amount is too large");
  }
  return Money{sum, a.currency};
}

int64_t apply_rate_half_up(int64_t amount_minor, int64_t rate_ppm) {
  // 128-bit intermediate: amounts up to int64 times rates up to 1e6 cannot overflow.
  __extension__ using Int128 = __int128;
  const Int128 product = static_cast<Int128>(amount_minor) * rate_ppm;
  const Int128 denom = 1000000;
  Int128 q = product / denom;
  Int128 r = product % denom;
  if (r < 0) r = -r;
  if (r * 2 >= denom) q += (product < 0 ? -1 : 1);
  return static_cast<int64_t>(q);
}

std::string format_decimal(const Money& m) {
  const bool negative = m.amount_minor < 0;
  // Work in unsigned to render INT64_MIN safely.
  uint64_t v = negative ? 0 - static_cast<uint64_t>(m.amount_minor)
                        : static_cast<uint64_t>(m.amount_minor);
  std::string digits = std::to_string(v);
  const auto exp = static_cast<size_t>(m.currency.exponent);
  if (exp > 0) {
    if (digits.size() <= exp) digits.insert(0, exp + 1 - digits.size(), '0');
    digits.insert(digits.size() - exp, 1, '.');
  }
  return negative ? "-" + digits : digits;
}

}  // namespace sd
