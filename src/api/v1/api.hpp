// The JSON HTTP API under /api/v1 (R-API-1) and the operational endpoints.
#pragma once

#include <atomic>
#include <string>

#include "core/clock.hpp"
#include "platform/db/database.hpp"
#include "platform/http/http.hpp"
#include "platform/observability/metrics.hpp"

namespace sd::payments {
class Provider;
}
namespace sd::tax {
class RateTable;
}

namespace sd::api {

// What handlers may use; owned by the composition root (src/app).
struct Services {
  db::Database* db = nullptr;
  const Clock* clock = nullptr;
  TestClock* test_clock = nullptr;  // set only with --test-mode
  metrics::Registry* metrics = nullptr;
  std::string web_dir;          // the built web app; empty = none
  std::string data_dir;         // uploads (files/), mail (mail/), the SQLite file by default
  bool secure_cookies = false;  // add `Secure` to cookies (behind TLS)
  bool sales_cache = true;      // keep Sales answers per version (off: made afresh, benchmarks)
  payments::Provider* payments = nullptr;
  const tax::RateTable* taxes = nullptr;
  std::string public_url;         // how buyers reach this server (links in emails)
  std::string link_key;           // signs download links; shared by instances (server_state)
  std::atomic<int>* checkout_faults = nullptr;  // --test-mode fault injection
  std::atomic<int>* refund_faults = nullptr;    // --test-mode: refund transactions that fail
};

// Registers every route of the API, the operational endpoints and the web app fallback.
void register_routes(http::Router& router, Services& services);

// Restores the test clock's offset saved by an earlier process (--test-mode only).
void load_test_clock(Services& services);

}  // namespace sd::api
