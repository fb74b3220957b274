// Sign-up and sign-in: the use cases that combine accounts and stores. Each owns its
// transaction; slow password hashing happens outside it.
#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/stores/stores.hpp"
#include "platform/db/database.hpp"

namespace sd::flows {

struct SignedIn {
  accounts::User user;
  std::optional<stores::Store> store;
  accounts::StartedSession session;
};

// Creates the account (and its store when `store_name` is given) and a session, atomically.
Result<SignedIn> signup(db::Database& db, const Clock& clock, const accounts::NewUser& user,
                        const std::optional<std::string>& store_name);

// Creates the account and store without a session (CLI `create-store`, demo seeding).
Result<std::pair<accounts::User, stores::Store>> create_seller(db::Database& db,
                                                               const Clock& clock,
                                                               const accounts::NewUser& user,
                                                               const std::string& store_name);

// Checks the password under login throttling (per account and per client address) and starts
// a session. Unknown email and wrong password give the same 401 `invalid_credentials`.
Result<SignedIn> login(db::Database& db, const Clock& clock, const std::string& email,
                       const std::string& password, const std::string& client_ip);

}  // namespace sd::flows
