#include "platform/db/database.hpp"

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

Result<std::unique_ptr<Database>> open_sqlite_url(std::string_view path) {
  if (path.empty()) return fail(ErrorKind::invalid_input, "database_url_invalid", "empty path");
  std::filesystem::path file{std::string(path)};
  if (file.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    if (ec)
      return fail(ErrorKind::internal, "database_error",
                  "cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  return open_sqlite(file.string());
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

Result<std::unique_ptr<Database>> open_database(std::string_view url) {
  if (starts_with(url, "sqlite:")) return open_sqlite_url(url.substr(7));
  if (starts_with(url, "postgres://") || starts_with(url, "postgresql://"))
    return open_postgres(std::string(url));
  return fail(ErrorKind::invalid_input, "database_url_invalid",
              "database URL must start with sqlite: or postgres://");
}

}  // namespace sd::db
