// The demo store `make run` opens on (R-CLI-1) and the benchmarks' data set (BENCH.md): a seller
// with twenty products (three license tiers, two bundles, support material, files) and orders
// from buyers across tax jurisdictions over the past year, about 3% refunded (a third of those
// in part), and optionally more stores with their own sales.
//
// Orders are priced, taxed and granted by the checkout's own rules (flows::generated_order,
// grants_of, sale_row_of) and refunds recorded by the refund flow's (write_generated_refund),
// but written in bulk: one transaction for every store's orders, in time order (so most index
// inserts are appends), rows appended many at a time (db append_rows), buyers and customers
// created by the checkout's own upserts, the store's available balance kept in memory instead
// of summed from the postings for each refund. `bulk` also drops the secondary indexes of the
// big tables for the load and builds them again before the commit (a sort each).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "modules/tax/tax.hpp"
#include "platform/db/database.hpp"

namespace sd::flows {

// The shape of the generated data: bump it when what seed_demo writes changes, so that saved
// data sets (bench/run-sales) are built again. Schema changes need no bump: migrations apply to
// saved data sets as to any database.
inline constexpr int kDemoDataVersion = 2;

struct DemoSeedOptions {
  std::string email = "demo@shopdesk.local";
  std::string password = "demo-seller-2026";
  int64_t orders = 300;
  uint64_t seed = 42;        // same seed, same shape of store (ids are random)
  int64_t other_stores = 0;  // more stores, orders/20 orders each (isolation in big data sets)
  std::string data_dir;      // files are stored under <data_dir>/files
  bool bulk = false;         // defer secondary indexes to the end of the load (large N)
  // Optional: `phase` is "orders" (done/total orders), "indexes" (done/total indexes built).
  std::function<void(std::string_view phase, int64_t done, int64_t total)> progress;
};

struct DemoSeedResult {
  bool created = false;  // false: the demo store was already there (nothing changed)
  int64_t products = 0;
  int64_t orders = 0;        // of the demo store
  int64_t orders_total = 0;  // of every store made
  int64_t refunds = 0;       // of every store made
  std::string store_slug;
  std::vector<int64_t> store_ids;  // the demo store first
};

Result<DemoSeedResult> seed_demo(db::Database& db, const Clock& clock,
                                 const tax::RateTable& taxes, const DemoSeedOptions& options);

// An audit of a store's data as the real code keeps it (after a bulk load, and in tests): every
// journal entry balanced and the sales in the ledger equal to the orders; one sales row per
// order line with its amounts; refunds summing to each line's refunded amount, never above what
// was paid, with statuses, revoked access and disabled keys to match; the rollup equal to the
// rows grouped by day, month and all time; search finding a customer by an accent-less
// fragment of their name. Problems found (empty: none). See also db::check_integrity.
Result<std::vector<std::string>> check_demo_store(db::Database& db, int64_t store_id);

}  // namespace sd::flows
