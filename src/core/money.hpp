// Money: integer minor units with an ISO 4217 currency. Never floating point (R-MONEY-1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sd {

// An ISO 4217 currency the platform supports, with its number of minor-unit digits.
struct Currency {
  char code[4] = {0, 0, 0, 0};  // "USD", NUL-terminated
  int exponent = 2;             // digits after the decimal point (JPY 0, KWD 3)

  std::string_view str() const { return std::string_view(code, 3); }
  friend bool operator==(const Currency& a, const Currency& b) {
    return a.str() == b.str();
  }
};

// The currency with this upper-case ISO code, or nothing if unsupported.
std::optional<Currency> currency_from_code(std::string_view code);

struct Money {
  int64_t amount_minor = 0;
  Currency currency;
};

// a + b; conflict `currency_mismatch` if currencies differ, invalid_input `amount_overflow`
// if the sum leaves int64.
Result<Money> add(const Money& a, const Money& b);

// amount * rate_ppm / 1,000,000 rounded half-up (away from zero on .5), exact in integers.
// Used for tax and percentage fees; rate_ppm is parts per million (19% = 190000).
int64_t apply_rate_half_up(int64_t amount_minor, int64_t rate_ppm);

// "12.99" style rendering with the currency's exponent (no symbol, no grouping).
std::string format_decimal(const Money& m);

}  // namespace sd
