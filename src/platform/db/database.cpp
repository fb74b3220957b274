#include "platform/db/database.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <system_error>

#include "core/assert.hpp"
#include "platform/db/postgres_database.hpp"
#include "platform/db/sqlite_database.hpp"

namespace sd::db {

namespace {

// Both back ends hand integers over as decimal text; anything else in an integer column is a
// schema or query bug, not user input, so it asserts.
int64_t parse_i64(const std::string& text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  SD_ASSERT(ec == std::errc() && ptr == end);
  return v;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

Result<std::unique_ptr<Database>> open_sqlite_url(std::string_view path, bool bulk_load) {
  if (path.empty()) return fail(ErrorKind::invalid_input, "database_url_invalid", "empty path");
  std::filesystem::path file{std::string(path)};
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
      return fail(ErrorKind::internal, "database_error",
                  "cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  return open_sqlite(file.string(), bulk_load);
}

}  // namespace

int64_t Row::i64(size_t col) const {
  const auto& c = cols_.at(col);
  return c ? parse_i64(*c) : 0;
}

std::optional<int64_t> Row::opt_i64(size_t col) const {
  const auto& c = cols_.at(col);
  if (!c) return std::nullopt;
  return parse_i64(*c);
}

const std::string& Row::text(size_t col) const {
  static const std::string empty;
  const auto& c = cols_.at(col);
  return c ? *c : empty;
}

Result<void> Tx::lock_row(std::string_view table, int64_t id) {
  if (dialect() == Dialect::sqlite) return {};
  auto r = exec("SELECT 1 FROM " + std::string(table) + " WHERE id = $1 FOR UPDATE", {id});
  if (!r) return tl::unexpected(r.error());
  return {};
}

Result<std::optional<Row>> Tx::query_one(std::string_view sql, Params params) {
  std::optional<Row> first;
  auto status = each(sql, params, [&](const RowView& view) {
    std::vector<std::optional<std::string>> cols;
    cols.reserve(view.size());
    for (size_t i = 0; i < view.size(); ++i) {
      if (view.is_null(i))
        cols.emplace_back(std::nullopt);
      else
        cols.emplace_back(std::string(view.text(i)));
    }
    first.emplace(std::move(cols));
    return false;  // one row is all we need
  });
  if (!status) return tl::unexpected(status.error());
  return first;
}

Result<std::unique_ptr<Database>> open_database(std::string_view url, const OpenOptions& options) {
  if (starts_with(url, "sqlite:")) return open_sqlite_url(url.substr(7), options.bulk_load);
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://"))
    return open_postgres(std::string(url), options.bulk_load);
  return fail(ErrorKind::invalid_input, "database_url_invalid",
              "database URL must start with sqlite: or postgres://");
}

Result<int64_t> reserve_ids(Tx& tx, std::string_view table, int64_t n) {
  const std::string t(table);
  if (tx.dialect() == Dialect::sqlite) {
    // No sequence: the next rowid SQLite would choose is past the largest one.
    auto row = SD_TRY(tx.query_one("SELECT COALESCE(MAX(id), 0) + 1 FROM " + t));
    return row->i64(0);
  }
  // Past both the sequence and any id written explicitly, then the sequence skips the range.
  auto row = SD_TRY(tx.query_one(
      "SELECT GREATEST(nextval(pg_get_serial_sequence($1, 'id')), "
      "(SELECT COALESCE(MAX(id), 0) + 1 FROM " + t + "))",
      {table}));
  const int64_t first = row->i64(0);
  SD_TRY(tx.query_one("SELECT setval(pg_get_serial_sequence($1, 'id'), $2)",
                      {table, first + std::max<int64_t>(n, 1) - 1}));
  return first;
}

Result<std::vector<std::string>> drop_secondary_indexes(
    Tx& tx, std::initializer_list<std::string_view> tables) {
  std::vector<std::pair<std::string, std::string>> found;  // (name, CREATE statement)
  for (const auto table : tables) {
    // SQLite: indexes made by PRIMARY KEY / UNIQUE constraints have no SQL and cannot be
    // dropped; PostgreSQL: indisunique covers those and unique indexes alike.
    const auto rows = SD_TRY(tx.query(
        tx.dialect() == Dialect::sqlite
            ? "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 "
              "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
            : "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
              "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
              "WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace "
              "AND NOT x.indisunique AND NOT x.indisprimary ORDER BY i.relname",
        {table}));
    for (const auto& r : rows) found.emplace_back(r.text(0), r.text(1));
  }
  std::vector<std::string> rebuild;
  for (const auto& [name, create] : found) {
    SD_TRY(tx.exec("DROP INDEX " + name));
    rebuild.push_back(create);
  }
  return rebuild;
}

Result<void> refresh_statistics(Tx& tx) {
  if (tx.dialect() != Dialect::postgres) return {};
  SD_TRY(tx.exec("ANALYZE"));
  return {};
}

Result<std::vector<std::string>> foreign_key_problems(Tx& tx) {
  std::vector<std::string> problems;
  if (tx.dialect() != Dialect::sqlite) return problems;
  SD_TRY_VOID(tx.each("PRAGMA foreign_key_check", {}, [&](const RowView& r) {
    problems.push_back("foreign key: " + std::string(r.text(0)) + " row " +
                       std::string(r.text(1)) + " → " + std::string(r.text(2)));
    return problems.size() < 100;
  }));
  return problems;
}

Result<std::vector<std::string>> check_integrity(Database& db) {
  std::vector<std::string> problems;
  if (db.dialect() != Dialect::sqlite) return problems;
  SD_TRY_VOID(db.read<void>([&](Tx& tx) -> Result<void> {
    problems.clear();
    SD_TRY_VOID(tx.each("PRAGMA quick_check", {}, [&](const RowView& r) {
      if (r.text(0) != "ok") problems.emplace_back(r.text(0));
      return problems.size() < 100;
    }));
    auto keys = SD_TRY(foreign_key_problems(tx));
    problems.insert(problems.end(), keys.begin(), keys.end());
    return {};
  }));
  return problems;
}

}  // namespace sd::db
