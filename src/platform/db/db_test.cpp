// Every test runs on SQLite (a temporary file) and on PostgreSQL (a schema of its own in the
// database named by SHOPDESK_TEST_PG_URL; skipped when it is not set).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <random>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/limits.hpp"
#include "platform/db/database.hpp"
#include "platform/db/migrations.hpp"
#include "test_result.hpp"

namespace sd::db {
namespace {

using test::describe;
using test::must;

enum class Backend { sqlite, postgres };

std::string random_suffix() {
  std::random_device rd;
  return std::to_string(rd()) + std::to_string(rd() % 1000);
}

class DbTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::postgres) {
      const char* url = std::getenv("SHOPDESK_TEST_PG_URL");
      if (url == nullptr) GTEST_SKIP() << "SHOPDESK_TEST_PG_URL not set";
      schema_ = "t_" + random_suffix();
      admin_ = must(open_database(url));
      must(admin_->exec_script("CREATE SCHEMA " + schema_));
      std::string base = url;
      url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
             schema_ + "%2Cpublic";
    } else {
      dir_ = std::filesystem::temp_directory_path() / ("sd-db-test-" + random_suffix());
      url_ = "sqlite:" + (dir_ / "nested" / "test.db").string();  // the directory is created
    }
    db_ = must(open_database(url_));
  }

  void TearDown() override {
    db_.reset();
    if (admin_) (void)admin_->exec_script("DROP SCHEMA " + schema_ + " CASCADE");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  bool pg() const { return GetParam() == Backend::postgres; }
  std::unique_ptr<Database> reopen() { return must(open_database(url_)); }
  void script(const std::string& sql) { must(db_->exec_script(sql)); }

  int64_t scalar(Database& db, std::string_view sql, Params params = {}) {
    return must(db.read<int64_t>([&](Tx& tx) -> Result<int64_t> {
      auto row = SD_TRY(tx.query_one(sql, params));
      return row ? row->i64(0) : -1;
    }));
  }
  int64_t scalar(std::string_view sql, Params params = {}) { return scalar(*db_, sql, params); }

  // Runs `writes` write works on each of `threads` threads, all starting together.
  template <class F>
  void in_threads(int threads, F body) {
    std::latch start(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        start.arrive_and_wait();
        body(t);
      });
    for (auto& th : pool) th.join();
  }

  std::unique_ptr<Database> admin_;
  std::string schema_;
  std::filesystem::path dir_;
  std::string url_;
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, DbTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& test_info) {
                           return test_info.param == Backend::sqlite ? "sqlite" : "postgres";
                         });

TEST_P(DbTest, BindsEveryParameterTypeIncludingNull) {
  script("CREATE TABLE p (id INTEGER PRIMARY KEY, i BIGINT, s TEXT, n BIGINT, o TEXT)");
  must(db_->write_work([](Tx& tx) -> Result<void> {
    auto changed = SD_TRY(
        tx.exec("INSERT INTO p (id, i, s, n, o) VALUES ($1, $2, $3, $4, $5)",
                {1, INT64_MIN, "h\xc3\xa9llo 'q' $2", nullptr, std::optional<std::string>()}));
    EXPECT_EQ(changed, 1);
    SD_TRY(tx.exec(
        "INSERT INTO p (id, i, s, n, o) VALUES ($1, $2, $3, $4, $5)",
        {2, INT64_MAX, std::string_view("x"), std::nullopt, std::optional<std::string>("opt")}));
    SD_TRY(tx.exec("INSERT INTO p (id, i, s) VALUES ($1, $2, $3)", {3, true, std::string("")}));
    EXPECT_EQ(SD_TRY(tx.exec("UPDATE p SET n = $1 WHERE id > $2", {5, 1})), 2);
    return {};
  }));
  auto rows = must(db_->read<std::vector<Row>>(
      [](Tx& tx) { return tx.query("SELECT id, i, s, n, o FROM p ORDER BY id"); }));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].i64(1), INT64_MIN);
  EXPECT_EQ(rows[0].text(2), "h\xc3\xa9llo 'q' $2");
  EXPECT_TRUE(rows[0].is_null(3));
  EXPECT_EQ(rows[0].i64(3), 0);
  EXPECT_EQ(rows[0].text(3), "");
  EXPECT_EQ(rows[0].opt_i64(3), std::nullopt);
  EXPECT_EQ(rows[0].opt_text(4), std::nullopt);
  EXPECT_EQ(rows[1].i64(1), INT64_MAX);
  EXPECT_EQ(rows[1].opt_i64(3), 5);
  EXPECT_EQ(rows[1].opt_text(4), "opt");
  EXPECT_TRUE(rows[2].boolean(1));
  EXPECT_EQ(rows[2].opt_text(2), "");
  // A parameter used twice, a text parameter compared with a column, a boolean expression.
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM p WHERE id = $1 OR n = $1", {5}), 2);
  EXPECT_EQ(scalar("SELECT id FROM p WHERE s = $1", {"x"}), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM p WHERE o IS NULL AND i > $1", {0}), 1);
  auto truth =
      must(db_->read<std::optional<Row>>([](Tx& tx) { return tx.query_one("SELECT 1 = 1"); }));
  EXPECT_TRUE(truth && truth->boolean(0));
}

TEST_P(DbTest, QueryOneAndEachStopEarly) {
  script("CREATE TABLE q (v INTEGER PRIMARY KEY, label TEXT)");
  must(db_->write_work([](Tx& tx) -> Result<void> {
    for (int v = 0; v < 10; ++v)
      SD_TRY(tx.exec("INSERT INTO q (v, label) VALUES ($1, $2)",
                     {v, v % 2 ? Value(nullptr) : Value("even")}));
    return {};
  }));
  must(db_->read_work([](Tx& tx) -> Result<void> {
    auto first = SD_TRY(tx.query_one("SELECT v, label FROM q ORDER BY v"));
    EXPECT_TRUE(first && first->i64(0) == 0 && first->text(1) == "even");
    auto none = SD_TRY(tx.query_one("SELECT v FROM q WHERE v > $1", {100}));
    EXPECT_FALSE(none);
    for (int round = 0; round < 2; ++round) {  // the second round reuses the cached statement
      int seen = 0;
      SD_TRY_VOID(
          tx.each("SELECT v, label FROM q WHERE v >= $1 ORDER BY v", {2}, [&](const RowView& row) {
            EXPECT_EQ(row.size(), 2u);
            EXPECT_EQ(row.i64(0), seen + 2);
            EXPECT_EQ(row.is_null(1), seen % 2 == 1);
            if (!row.is_null(1)) {
              EXPECT_EQ(row.text(1), "even");
            }
            return ++seen < 3;
          }));
      EXPECT_EQ(seen, 3);
    }
    int64_t sum = 0;
    SD_TRY_VOID(tx.each("SELECT v FROM q", {}, [&](const RowView& row) {
      sum += row.i64(0);
      return true;
    }));
    EXPECT_EQ(sum, 45);
    return {};
  }));
}

TEST_P(DbTest, FailingWorkRollsBackOnlyItself) {
  script("CREATE TABLE f (id INTEGER PRIMARY KEY)");
  constexpr int threads = 32;
  constexpr int failing = 7;
  std::vector<Result<void>> results(threads);
  in_threads(threads, [&](int t) {
    results[static_cast<size_t>(t)] = db_->write_work([t](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec("INSERT INTO f (id) VALUES ($1)", {t}));
      if (t == failing) return fail(ErrorKind::conflict, "boom", "this work fails");
      return {};
    });
  });
  for (int t = 0; t < threads; ++t) {
    const auto& r = results[static_cast<size_t>(t)];
    if (t == failing)
      EXPECT_TRUE(!r && r.error().code == "boom");
    else
      EXPECT_TRUE(r) << describe(r.error());
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM f"), threads - 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM f WHERE id = $1", {failing}), 0);
}

// In a commit group, a failing work runs once and its failure stands (the group runs again
// without it), even a work that would succeed if it ran again; the others commit once each.
TEST_P(DbTest, AFailingWorkInAGroupRunsOnceAndTheOthersCommit) {
  script("CREATE TABLE g (id INTEGER PRIMARY KEY)");
  constexpr int threads = 48;
  std::array<std::atomic<int>, threads> runs{};
  std::vector<Result<void>> results(threads);
  auto failing = [](int t) { return t % 6 == 1; };
  in_threads(threads, [&](int t) {
    results[static_cast<size_t>(t)] = db_->write_work([&, t](Tx& tx) -> Result<void> {
      const int run = ++runs[static_cast<size_t>(t)];
      SD_TRY(tx.exec("INSERT INTO g (id) VALUES ($1)", {t}));
      // Fails on its first run only: a second run would hide the failure.
      if (failing(t) && run == 1) return fail(ErrorKind::conflict, "boom", "this work fails");
      return {};
    });
  });
  for (int t = 0; t < threads; ++t) {
    const auto& r = results[static_cast<size_t>(t)];
    if (failing(t)) {
      EXPECT_TRUE(!r && r.error().code == "boom") << t;
      EXPECT_EQ(runs[static_cast<size_t>(t)].load(), 1) << t;
    } else {
      EXPECT_TRUE(r) << t << ": " << describe(r.error());
    }
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM g"), threads - threads / 6);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM g WHERE id % 6 = 1"), 0);
}

// Deferred statements run after their work's direct statements, only for works that succeed;
// a deferred statement that fails fails its own work and no other (the group is isolated).
TEST_P(DbTest, DeferredStatementsRunOnlyForWorksThatSucceed) {
  script("CREATE TABLE d (id INTEGER PRIMARY KEY, seen INTEGER NOT NULL)");
  constexpr int threads = 24;
  constexpr int failing = 5;      // fails after deferring: its deferred row must not appear
  constexpr int bad_deferred = 9;  // its deferred statement violates the key
  std::vector<Result<void>> results(threads);
  in_threads(threads, [&](int t) {
    results[static_cast<size_t>(t)] = db_->write_work([t](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec("INSERT INTO d (id, seen) VALUES ($1, 0)", {t}));
      // The deferred row sees what its work wrote directly (the count of its own row).
      SD_TRY_VOID(tx.exec_deferred([t](Tx& end) -> Result<void> {
        const int64_t id = t == bad_deferred ? t : 1000 + t;
        SD_TRY(end.exec("INSERT INTO d (id, seen) SELECT $1, COUNT(*) FROM d WHERE id = $2",
                        {id, t}));
        return {};
      }));
      if (t == failing) return fail(ErrorKind::conflict, "boom", "this work fails");
      return {};
    });
  });
  for (int t = 0; t < threads; ++t) {
    const auto& r = results[static_cast<size_t>(t)];
    if (t == failing)
      EXPECT_TRUE(!r && r.error().code == "boom");
    else if (t == bad_deferred)
      EXPECT_TRUE(!r && r.error().code == "unique_violation") << (r ? "ok" : r.error().code);
    else
      EXPECT_TRUE(r) << describe(r.error());
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d WHERE id < 1000"), threads - 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d WHERE id >= 1000"), threads - 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d WHERE id >= 1000 AND seen = 1"), threads - 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d WHERE id IN ($1, $2, $3)",
                   {failing, 1000 + failing, 1000 + bad_deferred}),
            0);
}

// Checkpoints run off the writer thread and still keep the WAL bounded under steady writes.
// Four times the threshold's worth of pages is written (a WAL never restarted would reach that);
// the WAL must stay under three times it. The margin is the checkpointer's lag: it copies the
// WAL on its own thread while the writer goes on, so on a loaded machine the WAL outgrows the
// threshold by what is committed meanwhile (seen: half the threshold, with 1.5 as the bound).
// The rows are rewritten in place, so the database itself stays small.
TEST_P(DbTest, WalStaysBoundedUnderSteadyWrites) {
  if (pg()) GTEST_SKIP() << "SQLite's WAL";
  script("CREATE TABLE w (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
  const auto wal = dir_ / "nested" / "test.db-wal";
  const int64_t frame = 4096 + 24;  // a page and its frame header
  const int64_t threshold_bytes = limits::db_sqlite_wal_autocheckpoint_pages * frame;
  const int commits = 4 * limits::db_sqlite_wal_autocheckpoint_pages / 25;  // 25+ pages each
  int64_t biggest = 0;
  for (int i = 0; i < commits; ++i) {
    must(db_->write_work([i](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec("INSERT OR REPLACE INTO w (id, b) VALUES ($1, zeroblob(100000))", {i % 10}));
      return {};
    }));
    biggest = std::max<int64_t>(biggest, static_cast<int64_t>(std::filesystem::file_size(wal)));
  }
  EXPECT_GT(biggest, threshold_bytes / 2) << "the test wrote too little to mean anything";
  EXPECT_LT(biggest, threshold_bytes * 3) << "the WAL was not checkpointed and restarted";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM w"), 10);
  EXPECT_LT(std::filesystem::file_size(dir_ / "nested" / "test.db"), 8u << 20);
}

// A work alone in its transaction (no group to isolate it from) runs without a savepoint on
// SQLite; failing must still leave nothing behind, and the writer must go on.
TEST_P(DbTest, LoneFailingWorkLeavesNothing) {
  script("CREATE TABLE lone (id INTEGER PRIMARY KEY)");
  auto r = db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO lone (id) VALUES (1)"));
    SD_TRY(tx.exec("INSERT INTO lone (id) VALUES (2)"));
    return fail(ErrorKind::conflict, "boom", "this work fails");
  });
  EXPECT_TRUE(!r && r.error().code == "boom");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM lone"), 0);
  auto ok = db_->write_work(
      [](Tx& tx) -> Result<void> {
        SD_TRY(tx.exec("INSERT INTO lone (id) VALUES (3)"));
        return {};
      });
  EXPECT_TRUE(ok) << describe(ok.error());
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM lone"), 1);
}

TEST_P(DbTest, ConstraintViolationsMapToConflictCodes) {
  script(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
      "CREATE TABLE child (id INTEGER PRIMARY KEY,"
      " parent_id INTEGER NOT NULL REFERENCES parent (id),"
      " qty INTEGER NOT NULL CHECK (qty > 0))");
  if (pg())
    script(
        "CREATE FUNCTION keep_parents() RETURNS trigger LANGUAGE plpgsql AS"
        " $$BEGIN RAISE EXCEPTION 'parents are forever'; END$$;"
        "CREATE TRIGGER keep_parents BEFORE DELETE ON parent"
        " FOR EACH ROW EXECUTE FUNCTION keep_parents()");
  else
    script(
        "CREATE TRIGGER keep_parents BEFORE DELETE ON parent"
        " BEGIN SELECT RAISE(ABORT, 'parents are forever'); END");
  auto write = [&](std::string_view sql, Params params) {
    return db_->write_work([&](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec(sql, params));
      return {};
    });
  };
  must(write("INSERT INTO parent (id) VALUES ($1)", {1}));
  must(write("INSERT INTO child (id, parent_id, qty) VALUES ($1, $2, $3)", {1, 1, 1}));
  auto expect_conflict = [](const Result<void>& r, const std::string& code) {
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(r.error().kind, ErrorKind::conflict) << describe(r.error());
    EXPECT_EQ(r.error().code, code) << describe(r.error());
  };
  expect_conflict(write("INSERT INTO parent (id) VALUES ($1)", {1}), "unique_violation");
  expect_conflict(write("INSERT INTO child (id, parent_id, qty) VALUES ($1, $2, $3)", {2, 1, 0}),
                  "check_violation");
  expect_conflict(write("INSERT INTO child (id, parent_id, qty) VALUES ($1, $2, $3)", {3, 99, 1}),
                  "foreign_key_violation");
  auto trigger = write("DELETE FROM parent WHERE id = $1", {1});
  expect_conflict(trigger, "constraint_violation");
  if (!trigger) {
    EXPECT_NE(trigger.error().message.find("parents are forever"), std::string::npos);
  }
  auto syntax = write("SELEKT nonsense", {});
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().kind, ErrorKind::internal);
  EXPECT_EQ(syntax.error().code, "database_error");
  // The failures left nothing behind and the database keeps working.
  must(write("INSERT INTO parent (id) VALUES ($1)", {2}));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM parent"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM child"), 1);
}

// A deferred foreign key is only checked at COMMIT, so on SQLite it fails a whole group: the
// writer must then rerun each work alone so that only the guilty one fails.
TEST_P(DbTest, DeferredViolationFailsOnlyItsOwnWork) {
  script(
      "CREATE TABLE dp (id INTEGER PRIMARY KEY);"
      "CREATE TABLE dc (id INTEGER PRIMARY KEY,"
      " parent_id INTEGER REFERENCES dp (id) DEFERRABLE INITIALLY DEFERRED);"
      "INSERT INTO dp (id) VALUES (1)");
  constexpr int threads = 24;
  constexpr int guilty = 5;
  std::vector<Result<void>> results(threads);
  in_threads(threads, [&](int t) {
    results[static_cast<size_t>(t)] = db_->write_work([t](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec("INSERT INTO dc (id, parent_id) VALUES ($1, $2)", {t, t == guilty ? 99 : 1}));
      return {};
    });
  });
  for (int t = 0; t < threads; ++t) {
    const auto& r = results[static_cast<size_t>(t)];
    if (t == guilty) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, "foreign_key_violation") << describe(r.error());
    } else {
      EXPECT_TRUE(r) << t << ": " << describe(r.error());
    }
  }
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM dc"), threads - 1);
}

TEST_P(DbTest, BrokenPooledConnectionIsReplaced) {
  if (!pg()) GTEST_SKIP() << "SQLite connections do not break";
  script("CREATE TABLE b (id INTEGER PRIMARY KEY)");
  int64_t pid = scalar("SELECT pg_backend_pid()");  // the pool's only, now idle, connection
  must(admin_->read_work([&](Tx& tx) -> Result<void> {
    SD_TRY(tx.query_one("SELECT pg_terminate_backend($1::int)", {pid}));
    return {};
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the backend exit
  must(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO b (id) VALUES ($1)", {1}));
    return {};
  }));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM b"), 1);
  EXPECT_NE(scalar("SELECT pg_backend_pid()"), pid);
}

TEST_P(DbTest, SchemaChangeDoesNotBreakCachedStatements) {
  script("CREATE TABLE s (x INTEGER PRIMARY KEY); INSERT INTO s (x) VALUES (1)");
  auto columns = [&] {
    return must(db_->read<size_t>([](Tx& tx) -> Result<size_t> {
      auto row = SD_TRY(tx.query_one("SELECT * FROM s"));
      return row ? row->size() : 0;
    }));
  };
  EXPECT_EQ(columns(), 1u);
  script("ALTER TABLE s ADD COLUMN y TEXT");
  EXPECT_EQ(columns(), 2u);
}

TEST_P(DbTest, GroupCommitGroupsConcurrentWriters) {
  script("CREATE TABLE g (thread INTEGER NOT NULL, i INTEGER NOT NULL, PRIMARY KEY (thread, i))");
  constexpr int threads = 32;
  constexpr int writes = 20;
  PoolStats before = db_->stats();
  std::atomic<int> failures{0};
  in_threads(threads, [&](int t) {
    for (int i = 0; i < writes; ++i)
      if (!db_->write_work([&](Tx& tx) -> Result<void> {
            SD_TRY(tx.exec("INSERT INTO g (thread, i) VALUES ($1, $2)", {t, i}));
            return {};
          }))
        failures += 1;
  });
  EXPECT_EQ(failures.load(), 0);
  PoolStats after = db_->stats();
  int64_t commits = after.commits_total - before.commits_total;
  int64_t groups = after.commit_groups_total - before.commit_groups_total;
  EXPECT_EQ(commits, threads * writes);
  if (pg())
    EXPECT_EQ(groups, commits);
  else
    EXPECT_LT(groups, commits) << "no two transactions shared a commit";
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM g"), threads * writes);
}

TEST_P(DbTest, ConcurrentIncrementsLoseNoUpdate) {
  script("CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
  script("INSERT INTO counter (id, n) VALUES (1, 0)");
  constexpr int threads = 16;
  constexpr int writes = 200;
  std::atomic<int> failures{0};
  in_threads(threads, [&](int) {
    for (int i = 0; i < writes; ++i)
      if (!db_->write_work([](Tx& tx) -> Result<void> {
            SD_TRY(tx.exec("UPDATE counter SET n = n + 1 WHERE id = $1", {1}));
            return {};
          }))
        failures += 1;
  });
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(scalar("SELECT n FROM counter WHERE id = 1"), threads * writes);
}

TEST_P(DbTest, SerializationFailureIsRetriedTransparently) {
  if (!pg()) GTEST_SKIP() << "SQLite has a single writer: no serialization failures";
  script("CREATE TABLE c (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)");
  script("INSERT INTO c (id, n) VALUES (1, 0)");
  std::atomic<int> attempts{0};
  std::promise<void> snapshot_taken;
  std::promise<void> other_committed;
  auto other_done = other_committed.get_future();
  int64_t retries_before = db_->stats().retries_total;
  // A reads under REPEATABLE READ, waits until B has changed the row, then writes it: the
  // first attempt must fail with 40001, and the retry must see B's value.
  std::thread a([&] {
    must(db_->write_work([&](Tx& tx) -> Result<void> {
      int attempt = ++attempts;
      SD_TRY(tx.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
      auto row = SD_TRY(tx.query_one("SELECT n FROM c WHERE id = $1", {1}));
      if (attempt == 1) {
        snapshot_taken.set_value();
        other_done.wait();
      }
      SD_TRY(tx.exec("UPDATE c SET n = $1 WHERE id = $2", {row->i64(0) + 1, 1}));
      return {};
    }));
  });
  snapshot_taken.get_future().wait();
  must(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("UPDATE c SET n = n + 10 WHERE id = $1", {1}));
    return {};
  }));
  other_committed.set_value();
  a.join();
  EXPECT_EQ(attempts.load(), 2);
  EXPECT_EQ(scalar("SELECT n FROM c WHERE id = 1"), 11);
  EXPECT_GE(db_->stats().retries_total - retries_before, 1);
}

std::vector<Migration> test_migrations() {
  return {
      {1, "first", "CREATE TABLE m1 (id INTEGER PRIMARY KEY); INSERT INTO m1 (id) VALUES (1);"},
      {2, "second",
       "CREATE TABLE m2 (id INTEGER PRIMARY KEY, note TEXT);\nCREATE INDEX m2_note ON m2 (note);"},
  };
}

TEST_P(DbTest, MigrationsApplyOnceAndAreIdempotent) {
  EXPECT_EQ(must(migrate(*db_, test_migrations())), 2);
  EXPECT_EQ(must(migrate(*db_, test_migrations())), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM schema_migrations"), 2);
  EXPECT_EQ(scalar("SELECT version FROM schema_migrations WHERE name = $1", {"second"}), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM m1"), 1);
  // A failing migration leaves neither its changes nor its row behind.
  auto bad = test_migrations();
  bad.push_back({3, "bad", "CREATE TABLE m3 (id INTEGER); INSERT INTO nowhere VALUES (1);"});
  auto r = migrate(*db_, bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("3_bad"), std::string::npos) << r.error().message;
  EXPECT_EQ(scalar("SELECT MAX(version) FROM schema_migrations"), 2);
  EXPECT_FALSE(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO m3 (id) VALUES (1)"));
    return {};
  }));
}

TEST_P(DbTest, MigrationsRaceFromTwoDatabasesAtOnce) {
  auto other = reopen();  // a second Database stands in for a second process
  std::vector<int> applied(2, -1);
  in_threads(2, [&](int t) {
    Database& db = t == 0 ? *db_ : *other;
    auto r = migrate(db, test_migrations());
    applied[static_cast<size_t>(t)] = r ? *r : -100;
  });
  EXPECT_EQ(applied[0] + applied[1], 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM schema_migrations"), 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM m1"), 1);
}

TEST_P(DbTest, TryReadRunsWithoutWaitingOnSqliteOnly) {
  script("CREATE TABLE t (v INTEGER)");
  must(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO t (v) VALUES (7)"));
    return {};
  }));
  int64_t seen = -1;
  const bool ran = must(db_->try_read_work([&](Tx& tx) -> Result<void> {
    seen = SD_TRY(tx.query_one("SELECT v FROM t"))->i64(0);
    return {};
  }));
  if (pg()) {
    EXPECT_FALSE(ran) << "PostgreSQL never answers without a round trip";
    EXPECT_EQ(seen, -1);
  } else {
    EXPECT_TRUE(ran);
    EXPECT_EQ(seen, 7);
    // With every reader busy it does not wait: it says it did not run.
    std::vector<std::thread> holders;
    std::latch held(limits::db_reader_connections), release(1);
    for (int i = 0; i < limits::db_reader_connections; ++i) {
      holders.emplace_back([&] {
        (void)db_->read_work([&](Tx&) -> Result<void> {
          held.count_down();
          release.wait();
          return {};
        });
      });
    }
    held.wait();
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_FALSE(must(db_->try_read_work([](Tx&) -> Result<void> { return {}; })));
    // Waiting would take db_pool_wait_ms_max (10 s); 2 s leaves room for a loaded machine.
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
    release.count_down();
    for (auto& t : holders) t.join();
  }
  // A failing work is an error, as with read_work.
  auto failed = db_->try_read_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.query("SELECT nope FROM t"));
    return {};
  });
  EXPECT_EQ(failed.has_value(), pg()) << "PostgreSQL does not run it; SQLite reports its error";
  // scan_work reads like read_work (on connections of its own on SQLite).
  EXPECT_EQ(must(db_->read<int64_t>([](Tx& tx) -> Result<int64_t> {
              return SD_TRY(tx.query_one("SELECT v FROM t"))->i64(0);
            })),
            7);
  int64_t scanned = 0;
  must(db_->scan_work([&](Tx& tx) -> Result<void> {
    scanned = SD_TRY(tx.query_one("SELECT count(*) FROM t"))->i64(0);
    return {};
  }));
  EXPECT_EQ(scanned, 1);
}

// SQLite keeps a read lock on one byte of -shm (its "DMS" lock, offset 128) while it uses the
// WAL index; a process opening the database that finds the byte unlocked truncates -shm, and a
// server using it then dies of SIGBUS. The change stamp's mapping of -shm must not drop that
// lock (closing any descriptor of a file drops every POSIX lock its process holds on it).
TEST_P(DbTest, AnotherProcessSeesTheWalIndexInUse) {
  if (pg()) GTEST_SKIP() << "SQLite only";
  script("CREATE TABLE t (v INTEGER)");
  ASSERT_TRUE(db_->change_stamp().has_value());
  const std::string shm = (dir_ / "nested" / "test.db-shm").string();
  const pid_t child = ::fork();
  if (child == 0) {  // only async-signal-safe calls here
    const int fd = ::open(shm.c_str(), O_RDWR);
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    l.l_start = 128;
    l.l_len = 1;
    if (fd < 0 || ::fcntl(fd, F_GETLK, &l) != 0) ::_exit(2);
    ::_exit(l.l_type == F_RDLCK ? 0 : 1);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "-shm is not read-locked: another process would truncate it";
}

TEST_P(DbTest, ChangeStampMovesWithEveryCommitOnSqliteOnly) {
  script("CREATE TABLE t (v INTEGER)");
  const auto first = db_->change_stamp();
  if (pg()) {
    EXPECT_FALSE(first.has_value()) << "PostgreSQL cannot tell without a round trip";
    return;
  }
  ASSERT_TRUE(first.has_value());
  auto insert = [](int64_t v) {
    return [v](Tx& tx) -> Result<void> {
      SD_TRY(tx.exec("INSERT INTO t (v) VALUES ($1)", {v}));
      return {};
    };
  };
  // Reads and a write that fails commit nothing.
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), 0);
  EXPECT_FALSE(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO nope (v) VALUES (1)"));
    return {};
  }));
  EXPECT_EQ(db_->change_stamp(), first);
  // A commit through this database.
  must(db_->write_work(insert(1)));
  const auto second = db_->change_stamp();
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(*second, *first);
  // A commit through another database object (connections of its own, as another process's):
  // this one's stamp moves too, and both read the same.
  auto other = reopen();
  EXPECT_EQ(other->change_stamp(), second);
  must(other->write_work(insert(2)));
  const auto third = db_->change_stamp();
  ASSERT_TRUE(third.has_value());
  EXPECT_NE(*third, *second);
  EXPECT_EQ(other->change_stamp(), third);
  // Every commit gives a stamp never seen before (also across WAL checkpoints and restarts).
  std::vector<ChangeStamp> seen{*first, *second, *third};
  for (int64_t i = 0; i < 300; ++i) {
    // The WAL emptied midway: the next commit starts it over (frame count back to zero).
    if (i == 150) script("PRAGMA wal_checkpoint(TRUNCATE)");
    must((i % 2 ? *db_ : *other).write_work(insert(i)));
    const auto now = db_->change_stamp();
    ASSERT_TRUE(now.has_value());
    EXPECT_EQ(std::find(seen.begin(), seen.end(), *now), seen.end()) << "after commit " << i;
    seen.push_back(*now);
  }
  EXPECT_EQ(scalar("SELECT count(*) FROM t"), 302);
}

TEST_P(DbTest, EmbeddedMigrationsApplyAndAreIdempotent) {
  const auto& embedded = embedded_migrations(db_->dialect());
  for (size_t i = 1; i < embedded.size(); ++i)
    EXPECT_LT(embedded[i - 1].version, embedded[i].version);
  EXPECT_EQ(must(migrate(*db_)), static_cast<int>(embedded.size()));
  EXPECT_EQ(must(migrate(*db_)), 0);
}

TEST_P(DbTest, AcknowledgedWriteSurvivesReopen) {
  script("CREATE TABLE d (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  must(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO d (id, v) VALUES ($1, $2)", {1, "kept"}));
    return {};
  }));
  auto fresh = reopen();  // while the first is still open
  EXPECT_EQ(scalar(*fresh, "SELECT COUNT(*) FROM d WHERE v = $1", {"kept"}), 1);
  fresh.reset();
  db_.reset();
  db_ = reopen();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM d WHERE v = $1", {"kept"}), 1);
}

TEST_P(DbTest, ThrowingWorkBecomesAnInternalError) {
  script("CREATE TABLE x (id INTEGER PRIMARY KEY)");
  auto r = db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO x (id) VALUES ($1)", {1}));
    throw std::runtime_error("bug");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::internal);
  EXPECT_EQ(r.error().code, "work_threw");
  auto read = db_->read_work([](Tx&) -> Result<void> { throw 42; });
  EXPECT_TRUE(!read && read.error().code == "work_threw");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM x"), 0);
  must(db_->write_work([](Tx& tx) -> Result<void> {  // the writer survived
    SD_TRY(tx.exec("INSERT INTO x (id) VALUES ($1)", {2}));
    return {};
  }));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM x"), 1);
}

TEST_P(DbTest, ReadWorkCannotWrite) {
  script("CREATE TABLE r (id INTEGER PRIMARY KEY)");
  auto r = db_->read_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO r (id) VALUES ($1)", {1}));
    return {};
  });
  EXPECT_FALSE(r);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM r"), 0);
}

TEST_P(DbTest, NestedWriteFailsInsteadOfDeadlocking) {
  if (pg()) GTEST_SKIP() << "PostgreSQL runs a nested write on another pooled connection";
  auto r = db_->write_work(
      [&](Tx&) -> Result<void> { return db_->write_work([](Tx&) -> Result<void> { return {}; }); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "nested_write");
}

TEST_P(DbTest, PingAndStats) {
  must(db_->ping());
  PoolStats s = db_->stats();
  EXPECT_GE(s.connections_total, 1);
  EXPECT_EQ(s.connections_in_use, 0);
}

TEST_P(DbTest, AppendRowsWritesEveryRowAndValueAsGiven) {
  script(pg() ? "CREATE TABLE a (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
                "n BIGINT, s TEXT, o TEXT, CONSTRAINT a_s UNIQUE (s))"
              : "CREATE TABLE a (id INTEGER PRIMARY KEY, n BIGINT, s TEXT UNIQUE, o TEXT)");
  // 1,000 rows: several multi-row statements and a remainder; text that COPY must escape.
  std::vector<Value> values;
  for (int i = 0; i < 1000; ++i) {
    values.emplace_back(i * 7 - 3000);
    values.emplace_back("r" + std::to_string(i) + (i % 3 == 0 ? "\t\n\r\\N \x1f é" : ""));
    values.emplace_back(i % 5 == 0 ? Value(nullptr) : Value(std::string("\\N")));
  }
  must(db_->write_work([&](Tx& tx) -> Result<void> {
    return tx.append_rows("a", {"n", "s", "o"}, values);
  }));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM a"), 1000);
  auto rows = must(db_->read<std::vector<Row>>(
      [](Tx& tx) { return tx.query("SELECT n, s, o FROM a ORDER BY id"); }));
  ASSERT_EQ(rows.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(rows[i].i64(0), i * 7 - 3000);
    EXPECT_EQ(rows[i].text(1), values[static_cast<size_t>(i) * 3 + 1].as_text());
    EXPECT_EQ(rows[i].is_null(2), i % 5 == 0);
    if (i % 5 != 0) {
      EXPECT_EQ(rows[i].text(2), "\\N");
    }
  }
  // Nothing for no rows; a duplicate fails like an INSERT, and the work rolls back.
  must(db_->write_work([&](Tx& tx) { return tx.append_rows("a", {"n", "s", "o"}, {}); }));
  std::vector<Value> dup{Value(1), Value("fresh"), Value(nullptr), Value(2), Value("r1"),
                         Value(nullptr)};
  auto r = db_->write_work([&](Tx& tx) { return tx.append_rows("a", {"n", "s", "o"}, dup); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unique_violation");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM a WHERE s = 'fresh'"), 0);
}

TEST_P(DbTest, ReservedIdsAreFreeAndTheSequenceSkipsThem) {
  script(pg() ? "CREATE TABLE r (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v TEXT)"
              : "CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT)");
  must(db_->write_work([](Tx& tx) -> Result<void> {
    SD_TRY(tx.exec("INSERT INTO r (v) VALUES ('a')"));
    const int64_t first = SD_TRY(reserve_ids(tx, "r", 3));
    EXPECT_GE(first, 2);
    std::vector<Value> rows{first, "x", first + 1, "y", first + 2, "z"};
    SD_TRY_VOID(tx.append_rows("r", {"id", "v"}, rows));
    SD_TRY(tx.exec("INSERT INTO r (v) VALUES ('after')"));  // takes an id past the range
    return {};
  }));
  EXPECT_EQ(scalar("SELECT COUNT(DISTINCT id) FROM r"), 5);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM r WHERE v = 'after' AND id > "
                   "(SELECT MAX(id) FROM r WHERE v = 'z')"),
            1);
}

TEST_P(DbTest, SecondaryIndexesDropAndComeBackFromTheirStatements) {
  script("CREATE TABLE s (id INTEGER PRIMARY KEY, k TEXT UNIQUE, a BIGINT, b BIGINT)");
  script("CREATE INDEX s_a ON s (a, b DESC)");
  script("CREATE INDEX s_b ON s (b) WHERE a > 0");
  script("CREATE UNIQUE INDEX s_ab ON s (a, b)");
  const char* count_sql =
      pg() ? "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 's' AND schemaname = current_schema()"
           : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 's'";
  const int64_t before = scalar(count_sql);
  must(db_->write_work([&](Tx& tx) -> Result<void> {
    const auto rebuild = SD_TRY(drop_secondary_indexes(tx, {"s"}));
    EXPECT_EQ(rebuild.size(), 2u);  // s_a and s_b; the key and both unique ones stay
    auto left = SD_TRY(tx.query_one(count_sql));
    EXPECT_EQ(left->i64(0), before - 2);
    SD_TRY(tx.exec("INSERT INTO s (id, k, a, b) VALUES (1, 'x', 2, 3)"));
    for (const auto& create : rebuild) SD_TRY(tx.exec(create));
    return {};
  }));
  EXPECT_EQ(scalar(count_sql), before);
  auto undone = db_->write_work([&](Tx& tx) -> Result<void> {
    auto again = SD_TRY(drop_secondary_indexes(tx, {"s"}));
    EXPECT_EQ(again.size(), 2u);
    return fail(ErrorKind::conflict, "undo", "roll back");  // the drop goes with the transaction
  });
  EXPECT_FALSE(undone);
  EXPECT_EQ(scalar(count_sql), before);
}

TEST_P(DbTest, BulkLoadOpenWritesAndTheNextOpenIsBackToNormal) {
  db_.reset();
  auto bulk = must(open_database(url_, {.bulk_load = true}));
  must(bulk->exec_script("CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT)"));
  must(bulk->write_work([](Tx& tx) -> Result<void> {
    std::vector<Value> rows;
    for (int i = 1; i <= 5000; ++i) {
      rows.emplace_back(i);
      rows.emplace_back(std::string(100, 'v'));
    }
    return tx.append_rows("b", {"id", "v"}, rows);
  }));
  EXPECT_TRUE(must(check_integrity(*bulk)).empty());
  bulk.reset();
  db_ = reopen();
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM b"), 5000);
  if (!pg()) {
    auto mode = must(db_->read<std::string>([](Tx& tx) -> Result<std::string> {
      return SD_TRY(tx.query_one("PRAGMA journal_mode"))->text(0);
    }));
    EXPECT_EQ(mode, "wal");
  }
}

TEST_P(DbTest, BulkLoadOpenRefusesADatabaseOpenElsewhere) {
  if (pg()) GTEST_SKIP() << "PostgreSQL has no single-user open";
  auto r = open_database(url_, {.bulk_load = true});  // db_ still holds it, in WAL mode
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "database_busy");
}

TEST_P(DbTest, IntegrityCheckReportsABrokenForeignKey) {
  if (pg()) GTEST_SKIP() << "PostgreSQL enforces foreign keys as it goes";
  script("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
  script("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id))");
  EXPECT_TRUE(must(check_integrity(*db_)).empty());
  script("PRAGMA foreign_keys=OFF; INSERT INTO child (id, parent_id) VALUES (1, 42); "
         "PRAGMA foreign_keys=ON;");
  const auto problems = must(check_integrity(*db_));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("child"), std::string::npos) << problems[0];
}

TEST(OpenDatabase, RejectsUnknownUrls) {
  for (const char* url : {"mysql://localhost/x", "", "sqlite", "sqlite:"}) {
    auto r = open_database(url);
    ASSERT_FALSE(r) << url;
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input) << url;
    EXPECT_EQ(r.error().code, "database_url_invalid") << url;
  }
}

}  // namespace
}  // namespace sd::db
