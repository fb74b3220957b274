// A throwaway database for a unit test that runs on both back ends: a SQLite file in a fresh
// temporary directory, or a fresh schema on the PostgreSQL server of SHOPDESK_TEST_PG_URL.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include "platform/db/database.hpp"
#include "platform/db/migrations.hpp"

namespace sd::test {

class TestDatabase {
 public:
  // Makes the temporary directory (named after `name`), and the schema for PostgreSQL.
  // Returns the URL to open, or nothing when PostgreSQL is asked for and not configured (the
  // caller skips the test).
  std::optional<std::string> url(bool postgres, const std::string& name) {
    std::random_device rd;
    const std::string suffix = std::to_string(rd()) + std::to_string(rd() % 1000);
    dir_ = std::filesystem::temp_directory_path() / ("sd-" + name + "-" + suffix);
    std::filesystem::create_directories(dir_);
    if (!postgres) return "sqlite:" + (dir_ / "t.db").string();
    const char* pg = std::getenv("SHOPDESK_TEST_PG_URL");
    if (pg == nullptr) return std::nullopt;
    auto admin = db::open_database(pg);
    if (!admin) throw std::runtime_error("PostgreSQL: " + admin.error().message);
    admin_ = std::move(*admin);
    schema_ = "t_" + suffix;
    if (auto made = admin_->exec_script("CREATE SCHEMA " + schema_); !made)
      throw std::runtime_error("CREATE SCHEMA: " + made.error().message);
    const std::string base = pg;
    return base + (base.find('?') == std::string::npos ? "?" : "&") +
           "options=-csearch_path%3D" + schema_ + "%2Cpublic";
  }
  // url(), opened and migrated; nullptr when PostgreSQL is asked for and not configured.
  std::unique_ptr<db::Database> open_migrated(bool postgres, const std::string& name) {
    const auto u = url(postgres, name);
    if (!u) return nullptr;
    auto db = db::open_database(*u);
    if (!db) throw std::runtime_error("open: " + db.error().message);
    if (auto migrated = db::migrate(**db); !migrated)
      throw std::runtime_error("migrate: " + migrated.error().message);
    return std::move(*db);
  }
  // The temporary directory (for the test's files too).
  const std::filesystem::path& dir() const { return dir_; }
  // Drops the schema and the directory. Close the test's own connections first.
  ~TestDatabase() {
    if (admin_) (void)admin_->exec_script("DROP SCHEMA " + schema_ + " CASCADE");
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

 private:
  std::filesystem::path dir_;
  std::string schema_;
  std::unique_ptr<db::Database> admin_;
};

}  // namespace sd::test
