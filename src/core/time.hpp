// RFC 3339 rendering and parsing of Micros (UTC).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace sd {

// "2026-11-22T18:12:26Z", or with ".123456" when the value has sub-second digits.
std::string format_rfc3339(Micros t);

// Accepts "YYYY-MM-DD" (midnight UTC) and "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)".
std::optional<Micros> parse_rfc3339(std::string_view text);

}  // namespace sd
