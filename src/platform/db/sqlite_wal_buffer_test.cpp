// The writer's WAL-gathering VFS: what it holds back reaches the file before anyone can read
// it, whatever the transaction's size and the sync setting.
#include "platform/db/sqlite_wal_buffer.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "core/limits.hpp"

namespace sd::db {
namespace {

class WalBuffer : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sd-walbuf-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "t.db").string();
    writer_ = open(wal_buffer_vfs());
    run(writer_, "PRAGMA journal_mode=WAL; CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);");
    reader_ = open(nullptr);
  }
  void TearDown() override {
    sqlite3_close(reader_);
    sqlite3_close(writer_);
    std::filesystem::remove_all(dir_);
  }
  sqlite3* open(const char* vfs) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs),
              SQLITE_OK);
    return db;
  }
  static void run(sqlite3* db, const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << (err != nullptr ? err : "");
  }
  // count(*) and total length of v, as `db` sees them; -1 when the read fails.
  static std::pair<long long, long long> seen(sqlite3* db) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*), total(length(v)) FROM t", -1, &s, nullptr) !=
        SQLITE_OK)
      return {-1, -1};
    std::pair<long long, long long> out{-1, -1};
    if (sqlite3_step(s) == SQLITE_ROW)
      out = {sqlite3_column_int64(s, 0), static_cast<long long>(sqlite3_column_double(s, 1))};
    sqlite3_finalize(s);
    return out;
  }

  std::filesystem::path dir_;
  std::string path_;
  sqlite3* writer_ = nullptr;
  sqlite3* reader_ = nullptr;
};

TEST_F(WalBuffer, ACommitIsInTheFileEvenWithoutASync) {
  // synchronous=OFF: SQLite never syncs the WAL, so only the commit frame tells the VFS that
  // the transaction is complete; another connection reads it through its own descriptor.
  run(writer_, "PRAGMA synchronous=OFF");
  for (int i = 1; i <= 20; ++i) {
    run(writer_, "INSERT INTO t(v) VALUES (zeroblob(100))");
    EXPECT_EQ(seen(reader_), std::make_pair(static_cast<long long>(i), 100LL * i));
  }
}

TEST_F(WalBuffer, ATransactionLargerThanTheBufferAndTheCacheCommitsWhole) {
  // A tiny cache makes SQLite spill frames mid-transaction and read them back; the rows are
  // several times the buffer, and each write of it is sliced below the unix VFS's 128 KiB.
  run(writer_, "PRAGMA synchronous=FULL; PRAGMA cache_size=10;");
  const long long rows = 3 * limits::db_sqlite_wal_write_buffer_bytes / 1000;
  run(writer_, "BEGIN; WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
                   std::to_string(rows) +
                   ") INSERT INTO t(v) SELECT randomblob(1000) FROM c; "
                   "UPDATE t SET v = zeroblob(999) WHERE id % 7 = 0; COMMIT;");
  const long long sevenths = rows / 7;
  const auto expected = std::make_pair(rows, 1000 * rows - sevenths);
  EXPECT_EQ(seen(writer_), expected);
  EXPECT_EQ(seen(reader_), expected);
  run(reader_, "PRAGMA integrity_check");
}

TEST_F(WalBuffer, ARolledBackTransactionLeavesNothing) {
  run(writer_, "INSERT INTO t(v) VALUES (zeroblob(10))");
  run(writer_, "BEGIN; INSERT INTO t(v) SELECT randomblob(5000) FROM t; ROLLBACK;");
  run(writer_, "INSERT INTO t(v) VALUES (zeroblob(20))");
  EXPECT_EQ(seen(reader_), std::make_pair(2LL, 30LL));
}

}  // namespace
}  // namespace sd::db
