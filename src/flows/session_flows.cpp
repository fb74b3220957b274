#include "flows/session_flows.hpp"

#include "core/limits.hpp"
#include "core/validation.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::flows {
namespace {

tl::unexpected<Error> invalid_credentials() {
  return fail(ErrorKind::unauthenticated, "invalid_credentials",
              "the email or password is not correct");
}

// The account and, for sellers, its store. (A named struct rather than std::pair: g++ 12 at -O3
// reports a false maybe-uninitialized on pair<…, optional<Store>>.)
struct Account {
  accounts::User user;
  std::optional<stores::Store> store;
};

Result<Account> insert_account(db::Tx& tx, const accounts::NewUser& user, const std::string& hash,
                               const std::optional<std::string>& store_name, Micros now) {
  Account a;
  a.user = SD_TRY(accounts::create_user(tx, user, hash, now));
  if (store_name) {
    auto s = stores::default_store(*store_name, a.user.id, a.user.email);
    a.store.emplace(SD_TRY(stores::create_store(tx, std::move(s), now)));
  }
  return a;
}

Result<std::string> checked_hash(const accounts::NewUser& user,
                                 const std::optional<std::string>& store_name) {
  SD_TRY_VOID(accounts::validate_new_user(user));
  if (store_name) {
    stores::StoreChanges name_only;
    name_only.name = *store_name;
    auto ok = stores::validate_changes(name_only);
    if (!ok) {
      auto e = ok.error();
      e.param = "store_name";
      e.message = "store_name " + e.message.substr(e.message.find(' ') + 1);
      return fail(std::move(e));
    }
  }
  return crypto::hash_password(user.password);
}

}  // namespace

Result<SignedIn> signup(db::Database& db, const Clock& clock, const accounts::NewUser& user,
                        const std::optional<std::string>& store_name) {
  const auto hash = SD_TRY(checked_hash(user, store_name));
  return db.write<SignedIn>([&](db::Tx& tx) -> Result<SignedIn> {
    const auto now = clock.now();
    auto account = SD_TRY(insert_account(tx, user, hash, store_name, now));
    auto session = SD_TRY(accounts::start_session(tx, account.user.id, now));
    return SignedIn{std::move(account.user), std::move(account.store), std::move(session)};
  });
}

Result<std::pair<accounts::User, stores::Store>> create_seller(db::Database& db,
                                                               const Clock& clock,
                                                               const accounts::NewUser& user,
                                                               const std::string& store_name) {
  const auto hash = SD_TRY(checked_hash(user, store_name));
  using Out = std::pair<accounts::User, stores::Store>;
  return db.write<Out>([&](db::Tx& tx) -> Result<Out> {
    auto account = SD_TRY(insert_account(tx, user, hash, store_name, clock.now()));
    return Out{std::move(account.user), std::move(*account.store)};
  });
}

Result<SignedIn> login(db::Database& db, const Clock& clock, const std::string& email,
                       const std::string& password, const std::string& client_ip) {
  const auto canonical = canonical_email(email);
  const auto account_key = accounts::account_throttle_key(canonical);
  const auto ip_key = accounts::ip_throttle_key(client_ip);
  using Found = std::optional<std::pair<accounts::User, std::string>>;
  auto found = SD_TRY(db.read<Found>([&](db::Tx& tx) -> Result<Found> {
    SD_TRY_VOID(accounts::check_login_throttle(tx, account_key, ip_key, clock.now()));
    return accounts::find_login(tx, canonical);
  }));

  // Verify outside any transaction: argon2id takes tens of milliseconds by design.
  bool ok = false;
  if (found && !found->second.empty()) {
    ok = crypto::verify_password(found->second, password);
  } else {
    crypto::verify_password_dummy(password);  // same time for unknown accounts
  }
  if (!ok) {
    SD_TRY_VOID(db.write<void>([&](db::Tx& tx) {
      return accounts::record_login_failure(tx, account_key, ip_key, clock.now());
    }));
    return invalid_credentials();
  }
  return db.write<SignedIn>([&](db::Tx& tx) -> Result<SignedIn> {
    SD_TRY_VOID(accounts::clear_login_failures(tx, account_key));
    auto store = SD_TRY(stores::find_store_by_owner(tx, found->first.id));
    auto session = SD_TRY(accounts::start_session(tx, found->first.id, clock.now()));
    return SignedIn{found->first, std::move(store), std::move(session)};
  });
}

}  // namespace sd::flows
