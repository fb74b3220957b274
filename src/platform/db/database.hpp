// Storage: one interface, two back ends (SQLite embedded, PostgreSQL server).
// SQL uses `$1, $2, …` placeholders on both back ends; dialect differences stay in platform/db.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace sd::db {

enum class Dialect { sqlite, postgres };

// A bound parameter: NULL, a 64-bit integer (also bools) or text.
class Value {
 public:
  Value(std::nullptr_t) {}
  Value(std::nullopt_t) {}
  template <class I>
    requires std::is_integral_v<I>
  Value(I v) : v_(static_cast<int64_t>(v)) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  template <class T>
  Value(const std::optional<T>& o) {
    if (o) *this = Value(*o);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  const std::string& as_text() const { return std::get<std::string>(v_); }

 private:
  std::variant<std::monostate, int64_t, std::string> v_;
};

using Params = std::initializer_list<Value>;

// One result row, owned. Columns by position, as written in the SELECT.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cols) : cols_(std::move(cols)) {}
  size_t size() const { return cols_.size(); }
  bool is_null(size_t col) const { return !cols_.at(col).has_value(); }
  // Integer column (NULL reads as 0; a non-integer is a bug and asserts).
  int64_t i64(size_t col) const;
  std::optional<int64_t> opt_i64(size_t col) const;
  // Text column (NULL reads as "").
  const std::string& text(size_t col) const;
  std::optional<std::string> opt_text(size_t col) const { return cols_.at(col); }
  // Integer 0/1 column as bool.
  bool boolean(size_t col) const { return i64(col) != 0; }

 private:
  std::vector<std::optional<std::string>> cols_;
};

// A borrowed view of the current row while streaming (valid only inside the callback).
class RowView {
 public:
  virtual ~RowView() = default;
  virtual size_t size() const = 0;
  virtual bool is_null(size_t col) const = 0;
  virtual int64_t i64(size_t col) const = 0;
  virtual std::string_view text(size_t col) const = 0;
};

// A transaction in progress. Statements fail as values: unique/check/foreign-key violations
// become ErrorKind::conflict with code `unique_violation` / `check_violation` /
// `foreign_key_violation` (message names the constraint); anything else `database_error`.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Dialect dialect() const = 0;
  // Runs a statement; returns the number of rows it changed.
  virtual Result<int64_t> exec(std::string_view sql, Params params = {}) = 0;
  // Runs a query and collects every row.
  virtual Result<std::vector<Row>> query(std::string_view sql, Params params = {}) = 0;
  // Streams rows to `on_row` without collecting them; `on_row` returns false to stop early.
  virtual Result<void> each(std::string_view sql, Params params,
                            const std::function<bool(const RowView&)>& on_row) = 0;
  // Runs several parameterless statements inside this transaction (migrations).
  virtual Result<void> exec_script(std::string_view sql) = 0;
  // Runs `statement` at the end of the work, after the statements run directly. SQLite runs
  // the deferred statements of a whole commit group after all its works, outside their
  // savepoints (FTS5 writes an index segment at every savepoint; deferred, a group's index rows
  // make one); PostgreSQL runs it at once. Its failure fails the work.
  virtual Result<void> exec_deferred(std::function<Result<void>(Tx&)> statement) = 0;
  // First row of a query, or nothing.
  Result<std::optional<Row>> query_one(std::string_view sql, Params params = {});
  // Locks one row until the transaction ends (PostgreSQL SELECT … FOR UPDATE; SQLite writes
  // are already serialised by the single writer). `table` is a trusted identifier.
  Result<void> lock_row(std::string_view table, int64_t id);

  // Appends rows to `table` (trusted identifiers), `values` holding columns.size() values per
  // row, row after row, in few statements: SQLite multi-row INSERTs bound by position,
  // PostgreSQL COPY. For bulk loads (generators) and small sets written together (a journal
  // entry's postings). Errors map as for exec.
  virtual Result<void> append_rows(std::string_view table,
                                   std::initializer_list<std::string_view> columns,
                                   std::span<const Value> values) = 0;
};

// A work unit: may run more than once (retried on busy/serialization conflicts), so it must
// not have effects outside the transaction. Returning an error rolls the transaction back.
using Work = std::function<Result<void>(Tx&)>;

struct PoolStats {
  int connections_total = 0;
  int connections_in_use = 0;
  int64_t waits_total = 0;          // times a caller had to wait for a connection
  int64_t commits_total = 0;        // write transactions committed
  int64_t commit_groups_total = 0;  // physical commits (SQLite groups several)
  int64_t retries_total = 0;        // busy / serialization retries
};

// See Database::change_stamp.
struct ChangeStamp {
  std::array<uint32_t, 12> words{};
  bool operator==(const ChangeStamp&) const = default;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // Runs `work` in one read-write transaction and commits it durably before returning.
  // SQLite: on the single writer connection, group-committed with other callers' work
  // (each work unit in its own SAVEPOINT, so one failing unit does not affect the others).
  // PostgreSQL: a pooled connection, READ COMMITTED, retried on 40001/40P01.
  virtual Result<void> write_work(const Work& work) = 0;
  // Runs `work` in a read-only transaction with a consistent snapshot.
  virtual Result<void> read_work(const Work& work) = 0;
  // Like read_work, but only if it needs no waiting: a reader connection is free at once and
  // the back end is in-process (SQLite). Returns false when `work` did not run (always on
  // PostgreSQL, whose every statement is a network round trip).
  virtual Result<bool> try_read_work(const Work& work) = 0;
  // A read transaction for long scans (exports). SQLite: on a few connections of their own
  // with a small page cache, so that scanning a big store does not grow memory by the
  // readers' caches. PostgreSQL: read_work.
  virtual Result<void> scan_work(const Work& work) = 0;
  // Runs DDL/maintenance SQL outside any group (migrations); may hold several statements.
  virtual Result<void> exec_script(std::string_view sql) = 0;
  // Cheap liveness probe for /readyz.
  virtual Result<void> ping() = 0;
  virtual PoolStats stats() const = 0;
  // A fingerprint of the committed state, read without a transaction: two equal stamps mean
  // that no transaction of any connection, in any process, committed between the two reads.
  // None when the back end cannot tell cheaply (PostgreSQL) or a commit is being published.
  virtual std::optional<ChangeStamp> change_stamp() const { return std::nullopt; }

  // Typed helpers: `auto user = db.write<User>([&](Tx& tx) -> Result<User> {...});`
  template <class T, class F>
  Result<T> write(F&& f) {
    return run<T>(std::forward<F>(f), true);
  }
  template <class T, class F>
  Result<T> read(F&& f) {
    return run<T>(std::forward<F>(f), false);
  }

 private:
  template <class T, class F>
  Result<T> run(F&& f, bool writing) {
    if constexpr (std::is_void_v<T>) {
      Work w = [&](Tx& tx) -> Result<void> { return f(tx); };
      return writing ? write_work(w) : read_work(w);
    } else {
      std::optional<T> out;
      Work w = [&](Tx& tx) -> Result<void> {
        auto r = f(tx);
        if (!r) return tl::unexpected(r.error());
        out = std::move(*r);
        return {};
      };
      auto status = writing ? write_work(w) : read_work(w);
      if (!status) return tl::unexpected(status.error());
      return std::move(*out);
    }
  }
};

struct OpenOptions {
  // For one long bulk-load transaction (seed-demo): SQLite with a rollback journal instead of
  // WAL (pages new to the file are written once and not journaled), synchronous=OFF, a large
  // page cache and foreign keys not enforced row by row (the load checks them at its end with
  // foreign_key_problems); the next ordinary open is back to normal. PostgreSQL: memory for
  // index builds.
  bool bulk_load = false;
};

// Opens `sqlite:PATH` or `postgres://…` (also `postgresql://`). Creates the SQLite file's
// directory when missing. invalid_input `database_url_invalid` for anything else.
Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                const OpenOptions& options = {});

// --- bulk loads (one transaction, the only writer of the tables it touches) ---
// The first of `n` consecutive unused values of `table`'s integer `id` column, for rows the
// caller inserts with explicit ids (PostgreSQL: the identity sequence moves past them).
Result<int64_t> reserve_ids(Tx& tx, std::string_view table, int64_t n);
// Drops the indexes of `tables` that enforce nothing (not primary key, not unique) and returns
// the statements that build them again, to run in the same transaction once the rows are in
// (a sort then, instead of an index insert per row).
Result<std::vector<std::string>> drop_secondary_indexes(
    Tx& tx, std::initializer_list<std::string_view> tables);
// Planner statistics brought up to date with what this transaction wrote (PostgreSQL ANALYZE:
// its prepared statements otherwise keep plans made for the tables' earlier, smaller sizes, like
// a sequential scan of a table that has since grown a millionfold). SQLite plans without them.
Result<void> refresh_statistics(Tx& tx);
// Rows whose foreign key points at nothing (SQLite foreign_key_check, as text; PostgreSQL
// enforces them as it goes: empty). In a bulk load's transaction, before it commits.
Result<std::vector<std::string>> foreign_key_problems(Tx& tx);
// Database-wide check after a bulk load: SQLite quick_check and foreign_key_check (the
// problems found, as text; empty when none); PostgreSQL enforces both as it goes: empty.
Result<std::vector<std::string>> check_integrity(Database& db);

}  // namespace sd::db
