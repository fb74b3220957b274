#include "platform/db/migrations.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

#include "core/assert.hpp"
#include "core/resources.hpp"

namespace sd::db {
namespace {

constexpr std::string_view create_table_sql =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

// Any fixed number works; it only has to be the same in every Shopdesk process.
constexpr int64_t pg_migration_lock_key = 0x53686f704d696721;  // "ShopMig!"

std::string_view prefix(Dialect dialect) {
  return dialect == Dialect::sqlite ? "migrations/sqlite/" : "migrations/postgres/";
}

// `NNNN_name.sql` → (NNNN, name). A malformed embedded file name is a build bug: it asserts.
Migration parse(std::string_view file, std::string_view sql) {
  constexpr std::string_view ext = ".sql";
  SD_ASSERT(file.size() > ext.size() && file.ends_with(ext));
  file.remove_suffix(ext.size());
  size_t underscore = file.find('_');
  SD_ASSERT(underscore != std::string_view::npos && underscore > 0);
  Migration m;
  auto [ptr, ec] = std::from_chars(file.data(), file.data() + underscore, m.version);
  SD_ASSERT(ec == std::errc() && ptr == file.data() + underscore);
  m.name = std::string(file.substr(underscore + 1));
  m.sql = std::string(sql);
  return m;
}

std::vector<Migration> load(Dialect dialect) {
  std::vector<Migration> out;
  for (const auto& [path, bytes] : resources::all())
    if (path.starts_with(prefix(dialect)))
      out.push_back(parse(path.substr(prefix(dialect).size()), bytes));
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) SD_ASSERT(out[i - 1].version != out[i].version);
  return out;
}

// Serialises migrators and makes sure the bookkeeping table exists. On SQLite the writer's
// BEGIN IMMEDIATE already excludes other processes; PostgreSQL needs an explicit lock, held
// until this transaction ends, or two processes would race on the same DDL.
Result<void> lock_and_prepare(Tx& tx) {
  if (tx.dialect() == Dialect::postgres)
    SD_TRY(tx.query_one("SELECT pg_advisory_xact_lock($1)", {pg_migration_lock_key}));
  SD_TRY(tx.exec(create_table_sql));
  return {};
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Applies one migration unless another process got there first; true when this call did.
Result<bool> apply(Database& db, const Migration& m) {
  bool applied = false;
  auto status = db.write_work([&](Tx& tx) -> Result<void> {
    applied = false;  // the work may be retried
    SD_TRY_VOID(lock_and_prepare(tx));
    auto done =
        SD_TRY(tx.query_one("SELECT 1 FROM schema_migrations WHERE version = $1", {m.version}));
    if (done) return {};
    auto script = tx.exec_script(m.sql);
    if (!script) {
      Error e = script.error();
      e.message = "migration " + std::to_string(m.version) + "_" + m.name + ": " + e.message;
      return tl::unexpected(std::move(e));
    }
    SD_TRY(tx.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                   {m.version, m.name, unix_seconds()}));
    applied = true;
    return {};
  });
  if (!status) return tl::unexpected(status.error());
  return applied;
}

}  // namespace

const std::vector<Migration>& embedded_migrations(Dialect dialect) {
  static const std::vector<Migration> sqlite = load(Dialect::sqlite);
  static const std::vector<Migration> postgres = load(Dialect::postgres);
  return dialect == Dialect::sqlite ? sqlite : postgres;
}

Result<int> migrate(Database& db) { return migrate(db, embedded_migrations(db.dialect())); }

Result<int> migrate(Database& db, const std::vector<Migration>& migrations) {
  SD_TRY_VOID(db.write_work(lock_and_prepare));
  int applied = 0;
  for (const Migration& m : migrations)
    if (SD_TRY(apply(db, m))) applied += 1;
  return applied;
}

}  // namespace sd::db
