// Forward-only migrations, embedded in the binary: migrations/<dialect>/NNNN_name.sql.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::db {

struct Migration {
  int version = 0;
  std::string name;
  std::string sql;
};

// The embedded migrations for a dialect, ordered by version.
const std::vector<Migration>& embedded_migrations(Dialect dialect);

// Applies every migration newer than the database's recorded version, each in its own
// transaction, recording it in `schema_migrations`. Safe to run concurrently from several
// processes (PostgreSQL: advisory lock; SQLite: the write lock). Returns how many it applied.
Result<int> migrate(Database& db);
// Same with an explicit list (ordered by version); tests use it with their own migrations.
Result<int> migrate(Database& db, const std::vector<Migration>& migrations);

}  // namespace sd::db
