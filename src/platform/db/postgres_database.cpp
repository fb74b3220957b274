// PostgreSQL back end over libpq. See README.md for the retry and error-mapping rules.
#include "platform/db/postgres_database.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/assert.hpp"
#include "core/limits.hpp"

namespace sd::db {
namespace {

constexpr Oid int8_oid = 20;  // INT8OID: integers are sent as bigint
constexpr Oid bool_oid = 16;  // BOOLOID: read back as "1"/"0" so Row::boolean works
constexpr int backoff_base_us = 1000;
constexpr int backoff_cap_us = 100'000;

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

void sleep_backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int ceiling = std::min(backoff_cap_us, backoff_base_us << std::min(attempt, 10));
  std::uniform_int_distribution<int> dist(ceiling / 2, ceiling);
  std::this_thread::sleep_for(std::chrono::microseconds(dist(rng)));
}

bool is_retryable(std::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";  // serialization failure, deadlock
}

std::string_view field(const PGresult* res, int code) {
  const char* v = res != nullptr ? PQresultErrorField(res, code) : nullptr;
  return v != nullptr ? std::string_view(v) : std::string_view();
}

// Maps a failed result (or a connection error when `res` is null) to our error vocabulary.
Error pg_error(PGconn* conn, const PGresult* res, std::string_view what) {
  std::string_view state = field(res, PG_DIAG_SQLSTATE);
  std::string msg(field(res, PG_DIAG_MESSAGE_PRIMARY));
  if (msg.empty()) msg = res != nullptr ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  auto make = [&](ErrorKind kind, const char* code, long retry_after = 0) {
    return Error{kind, code, msg, {}, retry_after, {}};
  };
  if (state == "23505") return make(ErrorKind::conflict, "unique_violation");
  if (state == "23514") return make(ErrorKind::conflict, "check_violation");
  if (state == "23503") return make(ErrorKind::conflict, "foreign_key_violation");
  if (state == "P0001") return make(ErrorKind::conflict, "constraint_violation");
  if (state == "55P03") return make(ErrorKind::conflict, "lock_timeout");
  if (is_retryable(state)) return make(ErrorKind::unavailable, "database_busy", 1);
  if (PQstatus(conn) == CONNECTION_BAD)
    return make(ErrorKind::unavailable, "database_unavailable", 1);
  return Error{ErrorKind::internal,
               "database_error",
               std::string(what) + ": " + std::string(state) + " " + msg,
               {},
               0, {}};
}

Error work_threw(const char* what) {
  return Error{ErrorKind::internal, "work_threw", std::string("work threw: ") + what, {}, 0, {}};
}

// Works are noexcept by convention; this keeps a bug in one from escaping our API.
Result<void> call_work(const Work& work, Tx& tx) {
  try {
    return work(tx);
  } catch (const std::exception& e) {
    return tl::unexpected(work_threw(e.what()));
  } catch (...) {
    return tl::unexpected(work_threw("unknown exception"));
  }
}

// Parameters in libpq's text form. Integers are typed int8; text and NULL go as unknown
// (0) so the server infers the type from the context, as it does for literals.
struct PgParams {
  std::vector<std::string> ints;
  std::vector<const char*> values;
  std::vector<Oid> types;
  std::string signature;  // one letter per parameter type, part of the statement cache key

  explicit PgParams(Params params) {
    ints.reserve(params.size());  // values point into it, so it must never reallocate
    for (const Value& v : params) {
      if (v.is_null()) {
        values.push_back(nullptr);
        types.push_back(0);
        signature += 'u';
      } else if (v.is_int()) {
        ints.push_back(std::to_string(v.as_int()));
        values.push_back(ints.back().c_str());
        types.push_back(int8_oid);
        signature += 'i';
      } else {
        values.push_back(v.as_text().c_str());
        types.push_back(0);
        signature += 'u';
      }
    }
  }
  int count() const { return static_cast<int>(values.size()); }
};

// One connection with its prepared statements; used by one thread at a time.
class PgConn {
 public:
  static Result<std::unique_ptr<PgConn>> connect(const std::string& conninfo, bool bulk_load) {
    // Later keywords override the URI's; connect_timeout comes first so the URI can override it.
    const char* keys[] = {"connect_timeout", "dbname", "client_encoding", "application_name",
                          nullptr};
    const char* vals[] = {"10", conninfo.c_str(), "UTF8", "shopdesk", nullptr};
    auto conn = std::unique_ptr<PgConn>(new PgConn(PQconnectdbParams(keys, vals, 1)));
    if (conn->conn_ == nullptr || PQstatus(conn->conn_) != CONNECTION_OK)
      return fail(Error{ErrorKind::unavailable,
                        "database_unavailable",
                        std::string("cannot connect: ") +
                            (conn->conn_ ? PQerrorMessage(conn->conn_) : "out of memory"),
                        {},
                        1, {}});
    PQsetNoticeProcessor(
        conn->conn_, [](void*, const char*) {}, nullptr);  // no stderr noise
    if (bulk_load) {
      // A bulk load builds indexes of millions of rows at its end: give the sorts memory.
      ResultPtr res(PQexec(conn->conn_, "SET maintenance_work_mem = '1GB'; SET work_mem = '256MB'"),
                    &PQclear);
      if (PQresultStatus(res.get()) != PGRES_COMMAND_OK)
        return fail(pg_error(conn->conn_, res.get(), "bulk settings"));
    }
    return conn;
  }
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;
  ~PgConn() { PQfinish(conn_); }

  PGconn* handle() const { return conn_; }
  bool broken() const { return PQstatus(conn_) == CONNECTION_BAD; }
  bool idle() const { return PQtransactionStatus(conn_) == PQTRANS_IDLE; }
  // A prepared plan went stale (a table it reads changed shape): the pool closes this
  // connection instead of reusing it, which is simpler than tracking which plans to drop.
  void discard() { discard_ = true; }
  bool reusable() const { return !discard_ && !broken() && idle(); }

  // The name of a prepared statement for (sql, parameter types); prepares it on first use.
  Result<std::string> prepared(std::string_view sql, const PgParams& p, std::string& sqlstate) {
    std::string key = p.signature + '\n' + std::string(sql);
    if (auto it = prepared_.find(key); it != prepared_.end()) return it->second;
    std::string name = "sd" + std::to_string(prepared_.size());
    ResultPtr res(PQprepare(conn_, name.c_str(), key.c_str() + p.signature.size() + 1, p.count(),
                            p.types.data()),
                  &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      sqlstate = field(res.get(), PG_DIAG_SQLSTATE);
      return fail(pg_error(conn_, res.get(), "prepare"));
    }
    prepared_.emplace(std::move(key), name);
    return name;
  }

 private:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;
  bool discard_ = false;
};

class PgRowView final : public RowView {
 public:
  PgRowView(const PGresult* res, int row) : res_(res), row_(row) {}
  size_t size() const override { return static_cast<size_t>(PQnfields(res_)); }
  bool is_null(size_t col) const override { return PQgetisnull(res_, row_, index(col)) != 0; }
  int64_t i64(size_t col) const override {
    std::string_view t = text(col);
    if (is_null(col)) return 0;
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    SD_ASSERT(ec == std::errc() && ptr == t.data() + t.size());
    return v;
  }
  std::string_view text(size_t col) const override {
    int c = index(col);
    if (PQgetisnull(res_, row_, c) != 0) return {};
    const char* v = PQgetvalue(res_, row_, c);
    if (PQftype(res_, c) == bool_oid) return v[0] == 't' ? "1" : "0";
    return {v, static_cast<size_t>(PQgetlength(res_, row_, c))};
  }

 private:
  int index(size_t col) const {
    SD_ASSERT(col < size());
    return static_cast<int>(col);
  }
  const PGresult* res_;
  int row_;
};

class PgTx final : public Tx {
 public:
  explicit PgTx(PgConn& conn) : conn_(conn) {}
  Dialect dialect() const override { return Dialect::postgres; }
  // Whether any statement failed with a serialization failure or deadlock.
  bool retryable() const { return retryable_; }

  Result<int64_t> exec(std::string_view sql, Params params) override {
    PgParams p(params);
    ResultPtr res = SD_TRY(run(sql, p));
    std::string_view n = PQcmdTuples(res.get());
    int64_t changed = 0;
    std::from_chars(n.data(), n.data() + n.size(), changed);  // empty for DDL: stays 0
    return changed;
  }

  Result<std::vector<Row>> query(std::string_view sql, Params params) override {
    PgParams p(params);
    ResultPtr res = SD_TRY(run(sql, p));
    std::vector<Row> rows;
    int n = PQntuples(res.get());
    rows.reserve(static_cast<size_t>(n));
    for (int r = 0; r < n; ++r) {
      PgRowView view(res.get(), r);
      std::vector<std::optional<std::string>> cols(view.size());
      for (size_t c = 0; c < cols.size(); ++c)
        if (!view.is_null(c)) cols[c] = std::string(view.text(c));
      rows.emplace_back(std::move(cols));
    }
    return rows;
  }

  // Streams in libpq's single-row mode so large exports never sit in memory at once. Stopping
  // early still reads the rest off the wire (cancelling would abort the transaction).
  Result<void> each(std::string_view sql, Params params,
                    const std::function<bool(const RowView&)>& on_row) override {
    PgParams p(params);
    std::string name = SD_TRY(prepare(sql, p));
    PGconn* c = conn_.handle();
    if (PQsendQueryPrepared(c, name.c_str(), p.count(), p.values.data(), nullptr, nullptr, 0) == 0)
      return fail(note(nullptr, "send"));
    PQsetSingleRowMode(c);
    std::optional<Error> error;
    bool stopped = false;
    while (PGresult* raw = PQgetResult(c)) {
      ResultPtr res(raw, &PQclear);
      auto status = PQresultStatus(raw);
      if (status == PGRES_SINGLE_TUPLE) {
        if (!stopped && !error) stopped = !on_row(PgRowView(raw, 0));
      } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !error) {
        error = note(raw, "query");
      }
    }
    if (error) return fail(*error);
    if (conn_.broken()) return fail(note(nullptr, "query"));
    return {};
  }

  Result<void> exec_script(std::string_view sql) override {
    SD_TRY(simple(std::string(sql).c_str()));
    return {};
  }

  Result<void> exec_deferred(std::function<Result<void>(Tx&)> statement) override {
    return statement(*this);
  }

  // COPY … FROM STDIN in text format, sent in pieces of about kCopyChunkBytes.
  Result<void> append_rows(std::string_view table, std::initializer_list<std::string_view> columns,
                           std::span<const Value> values) override {
    const size_t width = columns.size();
    if (width == 0 || values.size() % width != 0)
      return fail(ErrorKind::internal, "database_error", "append_rows: values do not fill rows");
    if (values.empty()) return {};
    std::string sql = "COPY " + std::string(table) + " (";
    for (auto it = columns.begin(); it != columns.end(); ++it)
      sql += (it == columns.begin() ? "" : ", ") + std::string(*it);
    sql += ") FROM STDIN";
    PGconn* c = conn_.handle();
    {
      ResultPtr res(PQexec(c, sql.c_str()), &PQclear);
      if (PQresultStatus(res.get()) != PGRES_COPY_IN) return fail(note(res.get(), "copy"));
    }
    std::string buf;
    buf.reserve(kCopyChunkBytes + 4096);
    bool sent = true;
    auto flush = [&] {
      if (sent && !buf.empty())
        sent = PQputCopyData(c, buf.data(), static_cast<int>(buf.size())) == 1;
      buf.clear();
    };
    for (size_t i = 0; i < values.size() && sent; ++i) {
      const Value& v = values[i];
      if (v.is_null()) {
        buf += "\\N";
      } else if (v.is_int()) {
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, v.as_int());
        buf.append(digits, end);
      } else {
        for (char ch : v.as_text()) {
          switch (ch) {
            case '\\': buf += "\\\\"; break;
            case '\n': buf += "\\n"; break;
            case '\r': buf += "\\r"; break;
            case '\t': buf += "\\t"; break;
            default: buf += ch;
          }
        }
      }
      buf += (i + 1) % width == 0 ? '\n' : '\t';
      if (buf.size() >= kCopyChunkBytes) flush();
    }
    flush();
    const bool ended = sent && PQputCopyEnd(c, nullptr) == 1;
    if (!ended) (void)PQputCopyEnd(c, "client failed to send the rows");
    std::optional<Error> error;
    while (PGresult* raw = PQgetResult(c)) {
      ResultPtr res(raw, &PQclear);
      if (PQresultStatus(raw) != PGRES_COMMAND_OK && !error) error = note(raw, "copy");
    }
    if (error) return fail(*error);
    if (!ended) return fail(note(nullptr, "copy"));
    return {};
  }

  // A parameterless statement (BEGIN, COMMIT, scripts): PQexec runs several if given.
  Result<ResultPtr> simple(const char* sql) {
    ResultPtr res(PQexec(conn_.handle(), sql), &PQclear);
    return check(std::move(res), "exec");
  }

 private:
  Result<ResultPtr> run(std::string_view sql, const PgParams& p) {
    std::string name = SD_TRY(prepare(sql, p));
    ResultPtr res(PQexecPrepared(conn_.handle(), name.c_str(), p.count(), p.values.data(), nullptr,
                                 nullptr, 0),
                  &PQclear);
    return check(std::move(res), "exec");
  }

  Result<std::string> prepare(std::string_view sql, const PgParams& p) {
    auto name = conn_.prepared(sql, p, sqlstate_);
    if (!name && is_retryable(sqlstate_)) retryable_ = true;
    return name;
  }

  Result<ResultPtr> check(ResultPtr res, const char* what) {
    auto status = PQresultStatus(res.get());
    if (res && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return res;
    return fail(note(res.get(), what));
  }

  Error note(const PGresult* res, const char* what) {
    sqlstate_ = field(res, PG_DIAG_SQLSTATE);
    if (is_retryable(sqlstate_)) retryable_ = true;
    if (sqlstate_ == "0A000" &&
        field(res, PG_DIAG_MESSAGE_PRIMARY).find("cached plan") != std::string_view::npos) {
      conn_.discard();  // rerunning on a fresh connection prepares the statement again
      retryable_ = true;
    }
    return pg_error(conn_.handle(), res, what);
  }

  static constexpr size_t kCopyChunkBytes = 1 << 20;
  PgConn& conn_;
  std::string sqlstate_;
  bool retryable_ = false;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string conninfo, bool bulk_load)
      : conninfo_(std::move(conninfo)), bulk_load_(bulk_load) {}
  Dialect dialect() const override { return Dialect::postgres; }

  Result<void> write_work(const Work& work) override { return run_tx(work, "BEGIN", true); }

  Result<void> read_work(const Work& work) override {
    return run_tx(work, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false);
  }

  // Every statement is a network round trip: never "without waiting".
  Result<bool> try_read_work(const Work&) override { return false; }

  Result<void> scan_work(const Work& work) override { return read_work(work); }

  Result<void> exec_script(std::string_view sql) override {
    auto lease = SD_TRY(acquire());
    PgTx tx(*lease.conn);
    return tx.exec_script(sql);  // PQexec runs a multi-statement script as one transaction
  }

  Result<void> ping() override {
    auto lease = SD_TRY(acquire());
    PgTx tx(*lease.conn);
    SD_TRY(tx.simple("SELECT 1"));
    return {};
  }

  PoolStats stats() const override {
    std::lock_guard lock(mu_);
    PoolStats s;
    s.connections_total = open_;
    s.connections_in_use = in_use_;
    s.waits_total = waits_total_;
    s.commits_total = commits_total_;
    s.commit_groups_total = commits_total_;  // the server groups commits itself
    s.retries_total = retries_total_;
    return s;
  }

 private:
  // A pooled connection, returned (or dropped when broken or mid-transaction) on scope exit.
  struct Lease {
    PostgresDatabase* db = nullptr;
    std::unique_ptr<PgConn> conn;
    Lease(PostgresDatabase* d, std::unique_ptr<PgConn> c) : db(d), conn(std::move(c)) {}
    Lease(Lease&& o) noexcept : db(std::exchange(o.db, nullptr)), conn(std::move(o.conn)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (db != nullptr) db->release(std::move(conn));
    }
  };

  struct Attempt {
    Result<void> result;
    bool retryable = false;             // serialization failure or deadlock
    bool broken_before_commit = false;  // the connection died before COMMIT was sent
  };

  Result<void> run_tx(const Work& work, const char* begin, bool writing) {
    bool reconnected = false;
    for (int attempt = 0;; ++attempt) {
      Attempt a = attempt_tx(work, begin);
      if (a.result) {
        if (writing) count(commits_total_);
        return {};
      }
      if (a.retryable && attempt + 1 < limits::db_retry_attempts_max) {
        count(retries_total_);
        sleep_backoff(attempt);
        continue;
      }
      if (a.broken_before_commit && !reconnected) {  // nothing was committed: safe to rerun
        reconnected = true;
        count(retries_total_);
        continue;
      }
      return a.result;
    }
  }

  Attempt attempt_tx(const Work& work, const char* begin) {
    auto lease = acquire();
    if (!lease) return {tl::unexpected(lease.error())};
    PgConn& conn = *lease->conn;
    PgTx tx(conn);
    if (auto b = tx.simple(begin); !b) return {tl::unexpected(b.error()), false, conn.broken()};
    auto result = call_work(work, tx);
    if (!result) {
      if (!conn.broken()) (void)tx.simple("ROLLBACK");
      return {result, tx.retryable(), conn.broken()};
    }
    return commit(tx, conn);
  }

  static Attempt commit(PgTx& tx, PgConn& conn) {
    auto res = tx.simple("COMMIT");
    if (!res) {
      if (conn.broken())  // COMMIT was sent: it may or may not have happened
        return {fail(ErrorKind::unavailable, "database_commit_unknown",
                     "connection lost during COMMIT"),
                false, false};
      return {tl::unexpected(res.error()), tx.retryable(), false};
    }
    // A transaction with a failed statement answers COMMIT with ROLLBACK: the work swallowed
    // an error, so nothing was saved.
    if (std::strcmp(PQcmdStatus(res->get()), "COMMIT") != 0)
      return {fail(ErrorKind::internal, "database_error",
                   "transaction was rolled back after a failed statement"),
              tx.retryable(), false};
    return {{}};
  }

  Result<Lease> acquire() {
    std::unique_lock lock(mu_);
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(limits::db_pool_wait_ms_max);
    bool waited = false;
    while (idle_.empty() && open_ >= limits::db_pg_connections) {
      if (!waited) waits_total_ += 1;
      waited = true;
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= limits::db_pg_connections)
        return fail(
            Error{ErrorKind::unavailable, "database_busy", "no free database connection", {}, 1, {}});
    }
    in_use_ += 1;
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    open_ += 1;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    auto conn = PgConn::connect(conninfo_, bulk_load_);
    if (!conn) {
      release(nullptr);
      return tl::unexpected(conn.error());
    }
    return Lease(this, std::move(*conn));
  }

  void release(std::unique_ptr<PgConn> conn) {
    {
      std::lock_guard lock(mu_);
      in_use_ -= 1;
      if (conn && conn->reusable())
        idle_.push_back(std::move(conn));
      else
        open_ -= 1;  // a pooled connection is always healthy and outside a transaction
    }
    cv_.notify_one();
  }

  void count(int64_t& counter) {
    std::lock_guard lock(mu_);
    counter += 1;
  }

  const std::string conninfo_;
  const bool bulk_load_;
  mutable std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;
  int in_use_ = 0;
  int64_t waits_total_ = 0;
  int64_t commits_total_ = 0;
  int64_t retries_total_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> open_postgres(const std::string& conninfo, bool bulk_load) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? err : "malformed connection URI";
    PQfreemem(err);
    return fail(ErrorKind::invalid_input, "database_url_invalid", msg);
  }
  PQconninfoFree(opts);
  return std::unique_ptr<Database>(new PostgresDatabase(conninfo, bulk_load));
}

}  // namespace sd::db
