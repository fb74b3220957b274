// PostgreSQL back end over libpq: a lazily filled pool of connections.
#pragma once

#include <memory>
#include <string>

#include "core/error.hpp"
#include "platform/db/database.hpp"

namespace sd::db {

// `conninfo` is a libpq URI (postgres://…); connections open on first use, so this only
// fails on a malformed URI.
// `bulk_load`: see OpenOptions.
Result<std::unique_ptr<Database>> open_postgres(const std::string& conninfo, bool bulk_load = false);

}  // namespace sd::db
