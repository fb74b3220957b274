// SQLite back end. See README.md for the group-commit design.
#include "platform/db/sqlite_database.hpp"
#include "platform/db/sqlite_wal_buffer.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <random>
#include <semaphore>
#include <span>
#include <thread>
#include <unordered_map>

#include "core/assert.hpp"
#include "core/limits.hpp"

namespace sd::db {
namespace {

// Each busy wait inside SQLite is a slice of the overall budget, so that retries bounded by
// db_retry_attempts_max never wait much longer than db_pool_wait_ms_max in total.
constexpr int busy_timeout_ms = limits::db_pool_wait_ms_max / limits::db_retry_attempts_max;
constexpr int backoff_base_us = 500;
constexpr int backoff_cap_us = 50'000;

void sleep_backoff(int attempt) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  int ceiling = std::min(backoff_cap_us, backoff_base_us << std::min(attempt, 10));
  std::uniform_int_distribution<int> dist(ceiling / 2, ceiling);
  std::this_thread::sleep_for(std::chrono::microseconds(dist(rng)));
}

bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// Maps an SQLite result code (extended codes are on) to our error vocabulary.
Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  auto conflict = [&](const char* code) { return Error{ErrorKind::conflict, code, msg, {}, 0, {}}; };
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return conflict("unique_violation");
    case SQLITE_CONSTRAINT_CHECK:
      return conflict("check_violation");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return conflict("foreign_key_violation");
    case SQLITE_CONSTRAINT_TRIGGER:
      return conflict("constraint_violation");
    default:
      break;
  }
  if (is_busy(rc)) return Error{ErrorKind::unavailable, "database_busy", msg, {}, 1, {}};
  return Error{ErrorKind::internal, "database_error", std::string(what) + ": " + msg, {}, 0, {}};
}

Error work_threw(const char* what) {
  return Error{ErrorKind::internal, "work_threw", std::string("work threw: ") + what, {}, 0, {}};
}

// Works are noexcept by convention; this is the safety net that keeps a bug in one work from
// killing the writer thread or leaking an exception through our API.
Result<void> call_work(const Work& work, Tx& tx) {
  try {
    return work(tx);
  } catch (const std::exception& e) {
    return tl::unexpected(work_threw(e.what()));
  } catch (...) {
    return tl::unexpected(work_threw("unknown exception"));
  }
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// One connection and its prepared statements, used by one thread at a time.
class Conn {
 public:
  // `vfs`: nullptr for the default one.
  static Result<std::unique_ptr<Conn>> open(const std::string& path, bool read_only,
                                            const char* vfs = nullptr) {
    int flags = SQLITE_OPEN_NOMUTEX |
                (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* handle = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &handle, flags, vfs);
    auto conn = std::unique_ptr<Conn>(new Conn(handle));  // closes even a failed handle
    if (rc != SQLITE_OK) return fail(sqlite_error(handle, rc, "open " + path));
    sqlite3_extended_result_codes(handle, 1);
    sqlite3_busy_timeout(handle, busy_timeout_ms);
    return conn;
  }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  ~Conn() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  sqlite3* handle() const { return db_; }

  // A cached prepared statement for `sql` (exactly one statement).
  Result<sqlite3_stmt*> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, "prepare"));
    if (stmt == nullptr) return fail(ErrorKind::internal, "database_error", "empty statement");
    if (std::string_view(tail, static_cast<size_t>(sql.data() + sql.size() - tail))
            .find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(stmt);
      return fail(ErrorKind::internal, "database_error",
                  "one statement per call: " + std::string(sql));
    }
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // Runs one parameterless statement through the statement cache (BEGIN, COMMIT: parsed once
  // per connection instead of once per transaction).
  Result<void> exec_cached(std::string_view sql) {
    sqlite3_stmt* stmt = SD_TRY(prepare(sql));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail(sqlite_error(db_, rc, sql));
    return {};
  }

  // Runs parameterless SQL (possibly several statements), mapping errors.
  Result<void> exec_plain(std::string_view sql) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return fail(sqlite_error(db_, rc, "exec"));
    return {};
  }

 private:
  explicit Conn(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

// Resets a cached statement when a call is done with it, so it can be reused and does not
// keep a read transaction open.
class StmtUse {
 public:
  explicit StmtUse(sqlite3_stmt* s) : s_(s) {}
  StmtUse(const StmtUse&) = delete;
  StmtUse& operator=(const StmtUse&) = delete;
  ~StmtUse() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

 private:
  sqlite3_stmt* s_;
};

// Binds `$n` by name: SQLite treats `$1` as a named parameter, so the number in the name, not
// the order of appearance, decides which value it gets.
Result<void> bind_params(sqlite3* db, sqlite3_stmt* stmt, Params params) {
  if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size()))
    return fail(ErrorKind::internal, "database_error",
                "statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                    " parameters, got " + std::to_string(params.size()));
  int n = 0;
  for (const Value& v : params) {
    char name[16];
    std::snprintf(name, sizeof name, "$%d", ++n);
    int idx = sqlite3_bind_parameter_index(stmt, name);
    if (idx == 0)
      return fail(ErrorKind::internal, "database_error", std::string("statement lacks ") + name);
    int rc = v.is_null()  ? sqlite3_bind_null(stmt, idx)
             : v.is_int() ? sqlite3_bind_int64(stmt, idx, v.as_int())
                          : sqlite3_bind_text64(stmt, idx, v.as_text().data(), v.as_text().size(),
                                                SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK) return fail(sqlite_error(db, rc, "bind"));
  }
  return {};
}

// Made after the first step: a statement re-prepared by that step (the schema changed) may
// have other columns than before it.
class SqliteRowView final : public RowView {
 public:
  explicit SqliteRowView(sqlite3_stmt* s)
      : s_(s), columns_(static_cast<size_t>(sqlite3_column_count(s))) {}
  size_t size() const override { return columns_; }
  bool is_null(size_t col) const override {
    return sqlite3_column_type(s_, index(col)) == SQLITE_NULL;
  }
  int64_t i64(size_t col) const override {
    int type = sqlite3_column_type(s_, index(col));
    if (type == SQLITE_INTEGER) return sqlite3_column_int64(s_, index(col));
    if (type == SQLITE_NULL) return 0;
    std::string_view t = text(col);  // same rule as Row::i64: decimal text or a bug
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    SD_ASSERT(ec == std::errc() && ptr == t.data() + t.size());
    return v;
  }
  std::string_view text(size_t col) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, index(col)));
    if (p == nullptr) return {};
    return {p, static_cast<size_t>(sqlite3_column_bytes(s_, index(col)))};
  }

 private:
  int index(size_t col) const {
    SD_ASSERT(col < columns_);
    return static_cast<int>(col);
  }
  sqlite3_stmt* s_;
  size_t columns_;  // fixed for a prepared statement
};

using Deferred = std::vector<std::function<Result<void>(Tx&)>>;

class SqliteTx final : public Tx {
 public:
  // With `deferred`, exec_deferred collects statements there for the group to run at its end.
  explicit SqliteTx(Conn& conn, Deferred* deferred = nullptr) : conn_(conn), deferred_(deferred) {}
  Dialect dialect() const override { return Dialect::sqlite; }

  Result<int64_t> exec(std::string_view sql, Params params) override {
    SD_TRY_VOID(each(sql, params, [](const RowView&) { return true; }));
    return static_cast<int64_t>(sqlite3_changes64(conn_.handle()));
  }

  Result<std::vector<Row>> query(std::string_view sql, Params params) override {
    std::vector<Row> rows;
    SD_TRY_VOID(each(sql, params, [&](const RowView& v) {
      std::vector<std::optional<std::string>> cols(v.size());
      for (size_t i = 0; i < cols.size(); ++i)
        if (!v.is_null(i)) cols[i] = std::string(v.text(i));
      rows.emplace_back(std::move(cols));
      return true;
    }));
    return rows;
  }

  Result<void> each(std::string_view sql, Params params,
                    const std::function<bool(const RowView&)>& on_row) override {
    sqlite3_stmt* stmt = SD_TRY(conn_.prepare(sql));
    StmtUse use(stmt);
    SD_TRY_VOID(bind_params(conn_.handle(), stmt, params));
    std::optional<SqliteRowView> view;
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return fail(sqlite_error(conn_.handle(), rc, "step"));
      if (!view) view.emplace(stmt);
      if (!on_row(*view)) return {};
    }
  }

  Result<void> exec_script(std::string_view sql) override { return conn_.exec_plain(sql); }

  Result<void> exec_deferred(std::function<Result<void>(Tx&)> statement) override {
    if (deferred_ == nullptr) return statement(*this);
    deferred_->push_back(std::move(statement));
    return {};
  }

  // Multi-row INSERTs of 2^k rows (at most kAppendRowsMax and the parameter limit), so a table
  // has a handful of statement shapes in the cache; parameters are `?` bound by position.
  Result<void> append_rows(std::string_view table, std::initializer_list<std::string_view> columns,
                           std::span<const Value> values) override {
    const size_t width = columns.size();
    if (width == 0 || values.size() % width != 0)
      return fail(ErrorKind::internal, "database_error", "append_rows: values do not fill rows");
    const size_t max_params = static_cast<size_t>(
        sqlite3_limit(conn_.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1));
    size_t chunk = 1;
    while (chunk * 2 <= kAppendRowsMax && chunk * 2 * width <= max_params) chunk *= 2;
    std::string head = "INSERT INTO " + std::string(table) + " (";
    for (auto it = columns.begin(); it != columns.end(); ++it)
      head += (it == columns.begin() ? "" : ", ") + std::string(*it);
    head += ") VALUES ";
    std::string row = "(";
    for (size_t c = 0; c < width; ++c) row += c == 0 ? "?" : ", ?";
    row += ")";
    size_t done = 0;
    const size_t rows = values.size() / width;
    while (done < rows) {
      while (chunk > rows - done) chunk /= 2;
      std::string sql = head;
      sql.reserve(head.size() + chunk * (row.size() + 2));
      for (size_t r = 0; r < chunk; ++r) (sql += r == 0 ? "" : ", ") += row;
      sqlite3_stmt* stmt = SD_TRY(conn_.prepare(sql));
      StmtUse use(stmt);
      const auto part = values.subspan(done * width, chunk * width);
      for (size_t i = 0; i < part.size(); ++i) {
        const Value& v = part[i];
        const int idx = static_cast<int>(i + 1);
        int rc = v.is_null()  ? sqlite3_bind_null(stmt, idx)
                 : v.is_int() ? sqlite3_bind_int64(stmt, idx, v.as_int())
                              : sqlite3_bind_text64(stmt, idx, v.as_text().data(),
                                                    v.as_text().size(), SQLITE_STATIC, SQLITE_UTF8);
        if (rc != SQLITE_OK) return fail(sqlite_error(conn_.handle(), rc, "bind"));
      }
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) return fail(sqlite_error(conn_.handle(), rc, "step"));
      done += chunk;
    }
    return {};
  }

 private:
  static constexpr size_t kAppendRowsMax = 4096;
  Conn& conn_;
  Deferred* deferred_;
};

// The WAL-index header at the start of the database's -shm file (https://sqlite.org/walformat.html,
// "The WAL-Index Header"), mapped read-only. SQLite keeps two copies of its 48 bytes: a commit
// writes the second copy, then the first; a reader reads the first, then the second, and trusts
// them only when they are equal. Every commit changes them (the frame count and a change
// counter), and every process using the database shares the file, so equal copies read at two
// moments mean nothing committed in between. The format is shared by every SQLite version that
// may open the database at the same time, so it does not change.
class WalIndexHeader {
 public:
  // Null when there is no -shm file to map (not in WAL mode, an in-memory database).
  static std::unique_ptr<WalIndexHeader> map(const char* db_file) {
    if (db_file == nullptr || *db_file == '\0') return nullptr;
    const std::string shm = std::string(db_file) + "-shm";
    const int fd = ::open(shm.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    struct stat st {};
    void* p = MAP_FAILED;
    if (::fstat(fd, &st) == 0 && st.st_size >= static_cast<off_t>(kBytes))
      p = ::mmap(nullptr, kBytes, PROT_READ, MAP_SHARED, fd, 0);
    // Even unmapped, the descriptor stays open (see fd_); read() then has no stamp.
    return std::unique_ptr<WalIndexHeader>(
        new WalIndexHeader(p == MAP_FAILED ? nullptr : static_cast<const uint32_t*>(p), fd));
  }
  // After every connection of the database has closed (the Database's first member).
  ~WalIndexHeader() {
    if (words_ != nullptr) ::munmap(const_cast<uint32_t*>(words_), kBytes);
    ::close(fd_);
  }
  WalIndexHeader(const WalIndexHeader&) = delete;
  WalIndexHeader& operator=(const WalIndexHeader&) = delete;

  std::optional<ChangeStamp> read() const {
    if (words_ == nullptr) return std::nullopt;
    ChangeStamp first, second;
    for (size_t i = 0; i < kWords; ++i) first.words[i] = __atomic_load_n(words_ + i, __ATOMIC_ACQUIRE);
    for (size_t i = 0; i < kWords; ++i)
      second.words[i] = __atomic_load_n(words_ + kWords + i, __ATOMIC_ACQUIRE);
    // Unequal: a commit is being published. Byte 12 is isInit: not yet initialised.
    const auto* bytes = reinterpret_cast<const unsigned char*>(first.words.data());
    if (first != second || bytes[12] == 0) return std::nullopt;
    return first;
  }

 private:
  static constexpr size_t kWords = 12;  // one copy: 48 bytes
  static constexpr size_t kBytes = 2 * kWords * sizeof(uint32_t);
  WalIndexHeader(const uint32_t* words, int fd) : words_(words), fd_(fd) {}
  const uint32_t* words_;
  // Open until the end: closing any descriptor of a file drops every POSIX lock the process
  // holds on it, here SQLite's lock on -shm that tells other processes (a second server, the
  // sqlite3 shell) that it is in use. Without that lock, the next process to open the database
  // truncated -shm, and this one died of SIGBUS in SQLite's own mapping of it.
  int fd_;
};

class SqliteDatabase final : public Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path, bool bulk_load) {
    // Before SQLite initialises: no memory statistics, whose global mutex every allocation of
    // every connection (writer, readers, scanners) would otherwise take. Nothing reads them.
    static std::once_flag configured;
    std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase());
    // The writer's WAL writes are gathered into one per commit (sqlite_wal_buffer.hpp).
    db->writer_ = SD_TRY(Conn::open(path, false, wal_buffer_vfs()));
    if (bulk_load) {
      // Before any reader opens: leaving WAL needs the only connection. A rollback journal
      // keeps a crash (of the process) safe, and journals only pages the file had before.
      // Foreign keys are checked once, by foreign_key_problems, instead of row by row.
      SD_TRY_VOID(db->writer_->exec_plain(
          "PRAGMA journal_mode=TRUNCATE; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF; "
          "PRAGMA cache_size=-" + std::to_string(limits::db_sqlite_bulk_cache_kib) +
          "; PRAGMA temp_store=MEMORY;"));
      auto mode = SD_TRY(SqliteTx(*db->writer_).query_one("PRAGMA journal_mode"));
      if (!mode || mode->text(0) != "truncate")
        return fail(ErrorKind::unavailable, "database_busy",
                    "the database is open elsewhere (a bulk load needs it alone)");
    } else {
      SD_TRY_VOID(db->writer_->exec_plain(
          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
          "PRAGMA cache_size=-" + std::to_string(limits::db_sqlite_writer_cache_kib) +
          "; PRAGMA temp_store=MEMORY;"));
      // Checkpoints run on a thread of their own (the writer only asks for one), so a commit
      // never waits while the WAL is copied into the database and the database flushed.
      db->checkpointer_ = SD_TRY(Conn::open(path, false));
      // SQLite before 3.43 opens a connection's WAL only with its first read: until then a
      // checkpoint on it returns SQLITE_OK having copied nothing (so the writer did them all).
      SD_TRY_VOID(db->checkpointer_->exec_plain("SELECT 1 FROM sqlite_master LIMIT 1"));
      sqlite3_wal_hook(db->writer_->handle(), &SqliteDatabase::on_wal_commit, db.get());
    }
    // Readers open after the writer switched to WAL, so they see the -wal/-shm files.
    for (int i = 0; i < limits::db_reader_connections; ++i) {
      auto reader = SD_TRY(Conn::open(path, true));
      SD_TRY_VOID(reader->exec_plain("PRAGMA cache_size=-" +
                                     std::to_string(limits::db_sqlite_reader_cache_kib) + ";"));
      db->readers_.idle.push_back(std::move(reader));
    }
    for (int i = 0; i < limits::db_sqlite_scan_connections; ++i) {
      auto scanner = SD_TRY(Conn::open(path, true));
      SD_TRY_VOID(scanner->exec_plain("PRAGMA cache_size=-" +
                                      std::to_string(limits::db_sqlite_scan_cache_kib) + ";"));
      db->scanners_.idle.push_back(std::move(scanner));
    }
    if (!bulk_load) db->wal_index_ = WalIndexHeader::map(sqlite3_db_filename(db->writer_->handle(), "main"));
    try {
      if (db->checkpointer_) {
        db->checkpoint_thread_ = std::thread([raw = db.get()] {
          pthread_setname_np(pthread_self(), "sd-db-checkpt");
          raw->checkpoint_loop();
        });
      }
      db->writer_thread_ = std::thread([raw = db.get()] {
        pthread_setname_np(pthread_self(), "sd-db-writer");  // visible in top -H and perf
        raw->writer_loop();
      });
    } catch (const std::exception& e) {
      return fail(ErrorKind::internal, "database_error", e.what());
    }
    return std::unique_ptr<Database>(std::move(db));
  }

  ~SqliteDatabase() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;  // the writer drains what is queued, then exits
    }
    queue_cv_.notify_all();
    if (writer_thread_.joinable()) writer_thread_.join();
    {
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_stop_ = true;
    }
    checkpoint_cv_.notify_all();
    if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
  }

  Dialect dialect() const override { return Dialect::sqlite; }

  std::optional<ChangeStamp> change_stamp() const override {
    return wal_index_ ? wal_index_->read() : std::nullopt;
  }

  Result<void> write_work(const Work& work) override {
    Job job;
    job.work = &work;
    return submit(job);
  }

  Result<void> exec_script(std::string_view sql) override {
    Job job;
    job.script = sql;
    return submit(job);
  }

  Result<void> read_work(const Work& work) override {
    return run_read(readers_, SD_TRY(acquire(readers_, true)), work);
  }

  Result<bool> try_read_work(const Work& work) override {
    auto conn = SD_TRY(acquire(readers_, false));
    if (!conn) return false;
    SD_TRY_VOID(run_read(readers_, std::move(conn), work));
    return true;
  }

  Result<void> scan_work(const Work& work) override {
    return run_read(scanners_, SD_TRY(acquire(scanners_, true)), work);
  }

  Result<void> ping() override {
    return read_work([](Tx& tx) -> Result<void> {
      SD_TRY(tx.query_one("SELECT 1"));
      return {};
    });
  }

  PoolStats stats() const override {
    PoolStats s;
    std::lock_guard lock(mu_);
    s.connections_total = 1 + limits::db_reader_connections + limits::db_sqlite_scan_connections;
    s.connections_in_use = readers_.in_use + scanners_.in_use + (writer_busy_ ? 1 : 0);
    s.waits_total = waits_total_;
    s.commits_total = commits_total_;
    s.commit_groups_total = commit_groups_total_;
    s.retries_total = retries_total_;
    return s;
  }

 private:
  // A request to the writer thread: a work unit, or a script run outside any group.
  struct Job {
    const Work* work = nullptr;
    std::string_view script;
    std::optional<Result<void>> result;
    // Released by the writer once `result` is set: only this job's submitter wakes (a shared
    // condition variable woke every waiting submitter at each group commit).
    std::binary_semaphore done{0};
  };

  SqliteDatabase() = default;

  Result<void> submit(Job& job) {
    if (std::this_thread::get_id() == writer_thread_.get_id())
      return fail(ErrorKind::internal, "nested_write", "write_work called inside a work");
    {
      std::lock_guard lock(mu_);
      queue_.push_back(&job);
    }
    queue_cv_.notify_one();
    job.done.acquire();
    return std::move(*job.result);
  }

  // Takes one script alone, or up to db_group_commit_batch_max consecutive works.
  std::vector<Job*> take_batch_locked() {
    std::vector<Job*> batch{queue_.front()};
    queue_.pop_front();
    if (batch.front()->work == nullptr) return batch;
    while (!queue_.empty() && batch.size() < limits::db_group_commit_batch_max &&
           queue_.front()->work != nullptr) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    return batch;
  }

  void writer_loop() {
    for (;;) {
      std::vector<Job*> batch;
      {
        std::unique_lock lock(mu_);
        queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch = take_batch_locked();
        writer_busy_ = true;
      }
      std::vector<Result<void>> results = run_batch_guarded(batch);
      {
        std::lock_guard lock(mu_);
        writer_busy_ = false;
      }
      // After its release a job may be gone (its submitter returns): nothing touches it then.
      for (size_t i = 0; i < batch.size(); ++i) {
        batch[i]->result = std::move(results[i]);
        batch[i]->done.release();
      }
    }
  }

  // Nothing may escape the writer thread (it would terminate the process): an exception
  // outside a work (say, bad_alloc) fails the batch, after rolling back what it started.
  std::vector<Result<void>> run_batch_guarded(const std::vector<Job*>& batch) {
    try {
      return run_batch(batch);
    } catch (const std::exception& e) {
      if (sqlite3_get_autocommit(writer_->handle()) == 0) (void)writer_->exec_plain("ROLLBACK");
      return std::vector<Result<void>>(batch.size(), fail(work_threw(e.what())));
    }
  }

  std::vector<Result<void>> run_batch(const std::vector<Job*>& batch) {
    if (batch.front()->work == nullptr) return {writer_->exec_plain(batch.front()->script)};
    std::vector<Result<void>> results(batch.size());
    if (run_group(batch, results)) return results;
    // The group's transaction failed as a whole (COMMIT failed, or an error made SQLite roll
    // back everything): run each work in a transaction of its own, so only the guilty one
    // fails. Works may run more than once by contract, so this is safe.
    for (size_t i = 0; i < batch.size(); ++i) {
      std::vector<Result<void>> one(1);
      run_group(std::span<Job* const>(&batch[i], 1), one);
      results[i] = std::move(one[0]);
    }
    return results;
  }

  // Runs `jobs` in one transaction and commits once. Returns false when the transaction failed
  // as a whole and there is more than one job to isolate.
  //
  // The works run one after another without savepoints (a savepoint copies every page a work
  // first touches into its sub-journal). When one fails, the transaction is rolled back and run
  // again: the works before it once more without savepoints, the failed one not at all (its
  // result stands: it ran once, in the same state) and the ones after it each in a savepoint.
  // For a while after a group with a failure, groups use savepoints from the start, so a load
  // with failing works (duplicate refunds, say) does not pay for a second pass in every group.
  bool run_group(std::span<Job* const> jobs, std::vector<Result<void>>& results) {
    const auto started = std::chrono::steady_clock::now();
    size_t flat_until = started < savepoints_until_ ? 0 : jobs.size();
    std::optional<size_t> failed;  // a work whose failure stands
    for (;;) {
      auto begin = exec_retrying("BEGIN IMMEDIATE");
      if (!begin) {
        for (auto& r : results) r = begin;
        return true;  // nothing ran; running alone would meet the same lock
      }
      Deferred deferred;  // of the works that succeeded, run after the last one
      bool again = false;
      for (size_t i = 0; i < jobs.size(); ++i) {
        if (failed == i) continue;
        // A lone work needs no savepoint either: its failure rolls back the whole transaction.
        if (jobs.size() == 1) {
          results[i] = run_alone(*jobs[i]->work);
        } else if (i < flat_until) {
          SqliteTx tx(*writer_, &deferred);
          results[i] = call_work(*jobs[i]->work, tx);
          if (!results[i] && sqlite3_get_autocommit(writer_->handle()) == 0) {
            (void)writer_->exec_plain("ROLLBACK");
            // One that succeeded in the first pass failed in the second: isolate every work.
            if (failed) {
              const auto error = results[i];
              for (auto& r : results) r = error;
              return false;
            }
            failed = i;
            flat_until = i;
            savepoints_until_ =
                started + std::chrono::milliseconds(limits::db_group_savepoints_after_failure_ms);
            again = true;
            break;
          }
        } else {
          results[i] = run_in_savepoint(*jobs[i]->work, deferred);
        }
        if (sqlite3_get_autocommit(writer_->handle()) != 0) {  // transaction is gone
          Error e = results[i] ? lost_transaction() : results[i].error();
          for (auto& r : results) r = fail(e);
          return jobs.size() == 1;
        }
      }
      if (again) continue;
      SqliteTx end(*writer_);
      for (auto& statement : deferred) {
        auto ran = call_work(statement, end);
        if (!ran) {  // which work it belongs to is unknown here: isolate them all
          (void)writer_->exec_plain("ROLLBACK");
          for (auto& r : results) r = ran;
          return false;  // deferred is only used with more than one job
        }
      }
      auto commit = exec_retrying("COMMIT");
      if (!commit) {
        (void)writer_->exec_plain("ROLLBACK");
        for (auto& r : results) r = commit;
        return jobs.size() == 1;
      }
      std::lock_guard lock(mu_);
      for (const auto& r : results) commits_total_ += r ? 1 : 0;
      commit_groups_total_ += 1;
      return true;
    }
  }

  static Error lost_transaction() {
    return Error{ErrorKind::internal, "database_error", "transaction ended inside work", {}, 0, {}};
  }

  Result<void> run_alone(const Work& work) {
    SqliteTx tx(*writer_);
    auto result = call_work(work, tx);
    if (!result && sqlite3_get_autocommit(writer_->handle()) == 0)
      (void)writer_->exec_plain("ROLLBACK");
    return result;
  }

  // Runs `work` in a savepoint; its deferred statements join `group_deferred` if it succeeds.
  Result<void> run_in_savepoint(const Work& work, Deferred& group_deferred) {
    SD_TRY_VOID(writer_->exec_cached("SAVEPOINT work"));
    Deferred mine;
    SqliteTx tx(*writer_, &mine);
    auto result = call_work(work, tx);
    if (sqlite3_get_autocommit(writer_->handle()) != 0)
      return result ? fail(lost_transaction()) : result;
    if (result) {
      auto released = writer_->exec_cached("RELEASE work");
      if (released) {
        for (auto& d : mine) group_deferred.push_back(std::move(d));
        return result;
      }
      result = released;
    }
    (void)writer_->exec_cached("ROLLBACK TO work");
    (void)writer_->exec_cached("RELEASE work");
    return result;
  }

  // BEGIN IMMEDIATE / COMMIT may meet another process's lock even after busy_timeout.
  Result<void> exec_retrying(const char* sql) {
    sqlite3_stmt* stmt = SD_TRY(writer_->prepare(sql));  // parsed once per connection
    for (int attempt = 0;; ++attempt) {
      int rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      if (rc == SQLITE_DONE) return {};
      if (!is_busy(rc) || attempt + 1 >= limits::db_retry_attempts_max)
        return fail(sqlite_error(writer_->handle(), rc, sql));
      {
        std::lock_guard lock(mu_);
        retries_total_ += 1;
      }
      sleep_backoff(attempt);
    }
  }

  // Read-only connections handed out one at a time (guarded by mu_).
  struct Pool {
    std::vector<std::unique_ptr<Conn>> idle;
    int in_use = 0;
    std::condition_variable cv;
  };

  // One read transaction on `conn`, which goes back to `pool` afterwards.
  Result<void> run_read(Pool& pool, std::unique_ptr<Conn> conn, const Work& work) {
    struct Lease {
      SqliteDatabase& db;
      Pool& pool;
      std::unique_ptr<Conn>& conn;
      ~Lease() { db.release(pool, std::move(conn)); }
    } lease{*this, pool, conn};
    SD_TRY_VOID(conn->exec_cached("BEGIN"));  // one snapshot for the whole work
    SqliteTx tx(*conn);
    auto result = call_work(work, tx);
    auto end = conn->exec_cached(result ? "COMMIT" : "ROLLBACK");
    if (!result) return result;
    return end;
  }

  // A free connection of `pool`; with `wait`, waits up to db_pool_wait_ms_max for one, else
  // returns null when none is free at once.
  Result<std::unique_ptr<Conn>> acquire(Pool& pool, bool wait) {
    std::unique_lock lock(mu_);
    if (pool.idle.empty()) {
      if (!wait) return std::unique_ptr<Conn>();
      waits_total_ += 1;
      bool got = pool.cv.wait_for(lock, std::chrono::milliseconds(limits::db_pool_wait_ms_max),
                                  [&] { return !pool.idle.empty(); });
      if (!got)
        return fail(Error{
            ErrorKind::unavailable, "database_busy", "no free database reader connection", {}, 1, {}});
    }
    auto conn = std::move(pool.idle.back());
    pool.idle.pop_back();
    pool.in_use += 1;
    return conn;
  }

  void release(Pool& pool, std::unique_ptr<Conn> conn) {
    {
      std::lock_guard lock(mu_);
      pool.idle.push_back(std::move(conn));
      pool.in_use -= 1;
    }
    pool.cv.notify_one();
  }

  // After each commit (on the writer thread), once the WAL holds db_sqlite_wal_autocheckpoint_pages:
  // the checkpointer copies the bulk of it into the database on its own thread; when it is done
  // the writer checkpoints the few pages committed meanwhile (so the checkpoint completes and
  // the next commit starts the WAL over). At four times the threshold (readers holding old
  // snapshots, or a checkpointer that cannot keep up) the writer checkpoints at once.
  static int on_wal_commit(void* self, sqlite3* handle, const char*, int pages) {
    auto* db = static_cast<SqliteDatabase*>(self);
    if (pages < limits::db_sqlite_wal_autocheckpoint_pages) return SQLITE_OK;
    bool finish = pages >= 4 * limits::db_sqlite_wal_autocheckpoint_pages;
    {
      std::lock_guard lock(db->checkpoint_mu_);
      if (db->checkpoint_ == Checkpoint::idle) {
        db->checkpoint_ = Checkpoint::wanted;
        db->checkpoint_cv_.notify_one();
      } else if (db->checkpoint_ == Checkpoint::done) {
        db->checkpoint_ = Checkpoint::idle;
        finish = true;
      }
    }
    if (finish)
      (void)sqlite3_wal_checkpoint_v2(handle, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return SQLITE_OK;
  }

  void checkpoint_loop() {
    for (;;) {
      {
        std::unique_lock lock(checkpoint_mu_);
        checkpoint_cv_.wait(lock, [&] { return checkpoint_stop_ || checkpoint_ == Checkpoint::wanted; });
        if (checkpoint_stop_) return;
        checkpoint_ = Checkpoint::running;
      }
      // PASSIVE: copies what no reader still needs and never blocks the writer.
      (void)sqlite3_wal_checkpoint_v2(checkpointer_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                      nullptr, nullptr);
      std::lock_guard lock(checkpoint_mu_);
      checkpoint_ = Checkpoint::done;
    }
  }

  enum class Checkpoint { idle, wanted, running, done };

  // Declared first, so destroyed after every connection (its descriptor must outlive their locks).
  std::unique_ptr<WalIndexHeader> wal_index_;  // null: no change stamps
  std::unique_ptr<Conn> writer_;  // used only by writer_thread_ once it runs
  std::thread writer_thread_;
  std::unique_ptr<Conn> checkpointer_;  // used only by checkpoint_thread_
  std::thread checkpoint_thread_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  Checkpoint checkpoint_ = Checkpoint::idle;
  bool checkpoint_stop_ = false;

  mutable std::mutex mu_;  // guards everything below
  std::condition_variable queue_cv_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  bool writer_busy_ = false;
  Pool readers_;
  Pool scanners_;  // for scan_work: small page caches
  int64_t waits_total_ = 0;
  int64_t commits_total_ = 0;
  int64_t commit_groups_total_ = 0;
  std::chrono::steady_clock::time_point savepoints_until_{};  // writer thread only: run_group
  int64_t retries_total_ = 0;
};

}  // namespace

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, bool bulk_load) {
  return SqliteDatabase::open(path, bulk_load);
}

}  // namespace sd::db
