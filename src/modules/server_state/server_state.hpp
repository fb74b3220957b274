// Small process-independent state kept in the database, so every instance agrees on it:
// signing secrets (created once) and the test clock's offset.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::server_state {

// The secret named `name` (256 random bits, base64url), created on first use.
Result<std::string> secret(db::Tx& tx, std::string_view name);
// The test clock's offset in microseconds (0 when never moved).
Result<int64_t> clock_offset(db::Tx& tx);
Result<void> set_clock_offset(db::Tx& tx, int64_t offset_us);

}  // namespace sd::server_state
