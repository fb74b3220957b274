// Keys and search text for the raw W-CHECKOUT baselines, made by the server's own functions, so
// that their index inserts land where the server's do: public ids, charge ids and session keys
// start with the time (they append), order ids with the second, and buyer emails and
// Idempotency-Key hashes are random, as the load's clients' keys are.
#pragma once

#include <cctype>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "modules/accounts/accounts.hpp"
#include "modules/orders/orders.hpp"
#include "modules/sales/sales.hpp"

namespace bench {

// A buyer's email: random, lower case.
inline std::string random_email() {
  std::string local = sd::random_base32(16);
  for (char& c : local) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return local + "@bench.example";
}

// A new session's stored key, as start_session stores it.
inline std::string session_key() {
  return sd::accounts::session_key(sd::accounts::new_session(sd::SystemClock().now()).cookie_token);
}

// An Idempotency-Key's stored hash: random.
inline std::string idempotency_hash() { return sd::random_token(32); }

inline std::string order_id() { return sd::orders::new_order_public_id(sd::SystemClock().now()); }

// The sales row's search text, as sales::record stores it.
inline std::string search_text(const std::string& order_id, const std::string& email) {
  sd::sales::SaleRow row;
  row.order_public_id = order_id;
  row.customer_name = "Bench Buyer";
  row.customer_email = email;
  row.product_title = "Product";
  return sd::sales::search_text(row);
}

}  // namespace bench
