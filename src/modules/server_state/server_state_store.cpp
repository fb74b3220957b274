// SQL of the server_state module, and nothing else.
#include "core/ids.hpp"
#include "modules/server_state/server_state.hpp"

namespace sd::server_state {
namespace {
constexpr const char* kClockKey = "test_clock_offset_us";
}

Result<std::string> secret(db::Tx& tx, std::string_view name) {
  const std::string key = "secret:" + std::string(name);
  // Concurrent first uses: one insert wins, everyone reads the winner.
  SD_TRY(tx.exec("INSERT INTO server_state (state_key, value) VALUES ($1, $2) "
                 "ON CONFLICT (state_key) DO NOTHING",
                 {key, random_token(32)}));
  auto row = SD_TRY(tx.query_one("SELECT value FROM server_state WHERE state_key = $1", {key}));
  return row->text(0);
}

Result<int64_t> clock_offset(db::Tx& tx) {
  auto row = SD_TRY(tx.query_one("SELECT value FROM server_state WHERE state_key = $1", {kClockKey}));
  if (!row) return int64_t{0};
  return static_cast<int64_t>(std::stoll(row->text(0)));
}

Result<void> set_clock_offset(db::Tx& tx, int64_t offset_us) {
  SD_TRY(tx.exec("INSERT INTO server_state (state_key, value) VALUES ($1, $2) "
                 "ON CONFLICT (state_key) DO UPDATE SET value = $2",
                 {kClockKey, std::to_string(offset_us)}));
  return {};
}

}  // namespace sd::server_state
