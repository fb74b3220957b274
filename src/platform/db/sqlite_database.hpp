// SQLite back end: one writer connection on its own thread (group commit), a pool of readers.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::db {

// Opens (creating when missing) the database file at `path`; its directory must exist.
// `bulk_load`: see OpenOptions.
Result<std::unique_ptr<Database>> open_sqlite(const std::string& path, bool bulk_load = false);

}  // namespace sd::db
