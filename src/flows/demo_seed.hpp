// The demo store `make run` opens on (R-CLI-1) and the benchmarks' data set (BENCH.md): a seller
// with twenty products (three license tiers, two bundles, support material, files) and orders
// from buyers across tax jurisdictions over the past year, written by the checkout's own code
// (quote, test-provider charge, order rows) in batches, so every invariant holds.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/tax/tax.hpp"
#include "platform/db/database.hpp"

namespace sd::flows {

struct DemoSeedOptions {
  std::string email = "demo@shopdesk.local";
  std::string password = "demo-seller-2026";
  int64_t orders = 300;
  uint64_t seed = 42;      // same seed, same store
  int64_t other_stores = 0;  // more stores, orders/20 orders each (isolation in big data sets)
  std::string data_dir;    // files are stored under <data_dir>/files
  std::function<void(int64_t done, int64_t total)> progress;  // optional
};

struct DemoSeedResult {
  bool created = false;    // false: the demo store was already there (nothing changed)
  int64_t products = 0;
  int64_t orders = 0;
  std::string store_slug;
};

Result<DemoSeedResult> seed_demo(db::Database& db, const Clock& clock,
                                 const tax::RateTable& taxes, const DemoSeedOptions& options);

}  // namespace sd::flows
