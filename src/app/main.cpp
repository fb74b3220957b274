// Composition root: configuration, wiring, and the CLI subcommands (R-CLI-1).
#include <CLI/CLI.hpp>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <iostream>

#include <fstream>
#include <sstream>
#include <map>
#include <tuple>

#include "api/v1/api.hpp"
#include "app/config.hpp"
#include "app/mail_job.hpp"
#include "app/periodic_job.hpp"
#include "flows/checkout.hpp"
#include "flows/messaging.hpp"
#include "flows/refund.hpp"
#include "core/limits.hpp"
#include "modules/idempotency/idempotency.hpp"
#include "modules/sales/sales.hpp"
#include "modules/stores/stores.hpp"
#include "modules/server_state/server_state.hpp"
#include "modules/tax/tax.hpp"
#include "platform/mail/mail.hpp"
#include "platform/payments/payments.hpp"
#include "core/clock.hpp"
#include "flows/demo_seed.hpp"
#include "flows/session_flows.hpp"
#include "platform/crypto/crypto.hpp"
#include "platform/db/database.hpp"
#include "platform/db/migrations.hpp"
#include "platform/http/http.hpp"
#include "platform/observability/log.hpp"
#include "platform/observability/metrics.hpp"

#ifndef SHOPDESK_VERSION
#define SHOPDESK_VERSION "0.1.0"
#endif

namespace sd::app {
namespace {

int report(const Error& e) {
  std::fprintf(stderr, "error: %s (%s)%s%s\n", e.message.c_str(), e.code.c_str(),
               e.param.empty() ? "" : " field: ", e.param.c_str());
  return 1;
}

Result<std::unique_ptr<db::Database>> open_and_migrate(const Config& c, bool quiet) {
  auto db = SD_TRY(db::open_database(c.database_url));
  const int applied = SD_TRY(db::migrate(*db));
  if (!quiet && applied > 0) log::info("migrated", {{"applied", applied}});
  // Sales rows written before migration 0004 get their C++-normalised search text.
  const int64_t rewritten = SD_TRY(sales::backfill_search(*db));
  if (!quiet && rewritten > 0) log::info("sales search text rewritten", {{"rows", rewritten}});
  return db;
}

void wire_metrics(metrics::Registry& m, db::Database& db, http::Server* server) {
  m.describe("http_requests_total", "HTTP requests by route, method and status", "counter");
  m.describe("http_request_duration_seconds", "HTTP request latency by route", "histogram");
  m.gauge("db_connections_total", "Database connections open", [&db] {
    return static_cast<double>(db.stats().connections_total);
  });
  m.gauge("db_connections_in_use", "Database connections in use", [&db] {
    return static_cast<double>(db.stats().connections_in_use);
  });
  m.gauge("db_pool_waits_total", "Times a request waited for a database connection", [&db] {
    return static_cast<double>(db.stats().waits_total);
  });
  m.gauge("db_commits_total", "Write transactions committed", [&db] {
    return static_cast<double>(db.stats().commits_total);
  });
  m.gauge("db_commit_groups_total", "Physical commits (SQLite groups transactions)", [&db] {
    return static_cast<double>(db.stats().commit_groups_total);
  });
  if (server != nullptr) {
    m.gauge("http_connections_open", "Open HTTP connections", [server] {
      return static_cast<double>(server->open_connections());
    });
  }
}

Result<tax::RateTable> load_tax_table(const Config& c) {
  if (c.tax_table.empty()) return tax::RateTable::builtin();
  std::ifstream in(c.tax_table);
  if (!in) {
    return fail(ErrorKind::invalid_input, "tax_table_unreadable",
                "cannot read the tax table " + c.tax_table, "tax-table");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return tax::RateTable::parse_csv(ss.str());
}

std::unique_ptr<mail::Transport> make_transport(const Config& c) {
  if (c.smtp_url.empty()) return mail::make_folder_transport(c.data_dir + "/mail");
  return mail::make_smtp_transport({c.smtp_url, c.smtp_username, c.smtp_password, c.smtp_starttls, 30});
}

int serve(Config c) {
  resolve(c);
  log::init(log::Level::info, c.access_log);
  auto db = open_and_migrate(c, false);
  if (!db) return report(db.error());

  SystemClock system_clock;
  TestClock test_clock;
  metrics::Registry registry;
  api::Services svc;
  svc.db = db->get();
  svc.clock = c.test_mode ? static_cast<const Clock*>(&test_clock) : &system_clock;
  svc.test_clock = c.test_mode ? &test_clock : nullptr;
  svc.metrics = &registry;
  svc.web_dir = c.web_dir;
  svc.data_dir = c.data_dir;
  svc.sales_cache = c.sales_cache;
  svc.secure_cookies = c.secure_cookies;
  api::load_test_clock(svc);
  auto taxes = load_tax_table(c);
  if (!taxes) return report(taxes.error());
  struct Secrets {
    std::string links, fingerprints;
  };
  auto secrets = (*db)->write<Secrets>([](db::Tx& tx) -> Result<Secrets> {
    return Secrets{SD_TRY(server_state::secret(tx, "download_links")),
                   SD_TRY(server_state::secret(tx, "payment_fingerprints"))};
  });
  if (!secrets) return report(secrets.error());
  auto provider = payments::make_test_provider(secrets->fingerprints, *svc.clock);
  std::atomic<int> checkout_faults{0};
  std::atomic<int> refund_faults{0};
  svc.payments = provider.get();
  svc.taxes = &*taxes;
  svc.link_key = secrets->links;
  svc.public_url = c.public_url;
  svc.checkout_faults = c.test_mode ? &checkout_faults : nullptr;
  svc.refund_faults = c.test_mode ? &refund_faults : nullptr;
  MailJob mail(**db, *svc.clock, make_transport(c), c.mail_from,
               [&svc](db::Tx& tx, const outbox::Reference& ref) {
                 return flows::receipt_email(tx, ref, svc.public_url);
               });
  PeriodicJob mail_job(std::chrono::seconds(1), [&mail] { return mail.run_once() == MailJob::kBatch; });
  // Idempotency records are kept for their retention period (limits.hpp), then deleted.
  PeriodicJob purge_job(std::chrono::hours(1), [&] {
    const Micros before =
        svc.clock->now() - limits::idempotency_retention_seconds * kMicrosPerSecond;
    auto purged = (*db)->write<int64_t>([&](db::Tx& tx) { return idempotency::purge(tx, before); });
    if (!purged) log::warn("idempotency purge failed", {{"error", purged.error().code}});
    return false;
  });

  // Refunds: provider calls still owed (after a failure or a crash), then settlement
  // (processing → succeeded, with the buyer's email). Every instance runs it; each step is
  // conditional in the database, so two instances never settle or email one refund twice.
  flows::RefundDeps refund_deps{**db, *svc.clock, *provider, c.public_url, nullptr};
  PeriodicJob refund_job(std::chrono::seconds(1), [&refund_deps] {
    const int submitted = flows::submit_due_refunds(refund_deps, 50);
    const int settled = flows::settle_due_refunds(refund_deps, 50);
    return submitted == 50 || settled == 50;
  });

  // Broadcasts (R-MSG-2): each pending recipient is posted to, and marked done, in one
  // transaction; a restart resumes with the recipients still pending.
  flows::MessagingDeps messaging_deps{**db, *svc.clock, c.public_url, svc.link_key};
  const int broadcast_batch = c.broadcast_batch > 0 ? c.broadcast_batch : limits::broadcast_batch;
  const bool paced = c.broadcast_batch > 0;
  PeriodicJob broadcast_job(std::chrono::seconds(1), [&messaging_deps, broadcast_batch, paced] {
    return flows::send_broadcasts(messaging_deps, broadcast_batch) == broadcast_batch && !paced;
  });

  http::Router router;
  api::register_routes(router, svc);
  http::ServerOptions opts;
  opts.host = c.host;
  opts.port = static_cast<uint16_t>(c.port);
  const bool access_log = c.access_log;
  http::Server server(opts, router, [&registry, access_log](const http::RequestRecord& r) {
    const std::string route(r.route_pattern.empty() ? "unmatched" : r.route_pattern);
    const std::string method = http::method_name(r.request->method);
    registry.count("http_requests_total", "route=\"" + route + "\",method=\"" + method +
                                              "\",status=\"" + std::to_string(r.status) + "\"");
    registry.observe("http_request_duration_seconds", "route=\"" + route + "\"", r.duration_seconds);
    if (access_log) {
      log::info("request", {{"request_id", r.request->request_id},
                            {"method", method},
                            {"path", r.request->path},
                            {"route", route},
                            {"status", r.status},
                            {"duration_us", static_cast<long long>(r.duration_seconds * 1e6)},
                            {"bytes", r.response_bytes},
                            {"remote_ip", r.request->remote_ip}});
    }
  });
  wire_metrics(registry, **db, &server);
  uint16_t port = 0;
  try {
    port = server.start();
  } catch (const std::exception& e) {
    log::error("cannot listen", {{"error", e.what()}});
    log::flush();
    return 1;
  }
  const std::string url = "http://" + c.host + ":" + std::to_string(port);
  log::info("listening", {{"url", url},
                          {"database", (*db)->dialect() == db::Dialect::sqlite ? "sqlite" : "postgres"},
                          {"test_mode", c.test_mode ? 1 : 0},
                          {"web", c.web_dir.empty() ? "none" : c.web_dir}});
  std::printf("Shopdesk is serving at %s\n", url.c_str());
  std::fflush(stdout);
  mail_job.start();
  purge_job.start();
  refund_job.start();
  broadcast_job.start();
  server.run_until_signal();
  broadcast_job.stop();
  refund_job.stop();
  purge_job.stop();
  mail_job.stop();
  log::info("stopped", {});
  log::flush();
  return 0;
}

int migrate_cmd(Config c) {
  resolve(c);
  log::init(log::Level::info, false);
  auto db = db::open_database(c.database_url);
  if (!db) return report(db.error());
  auto applied = db::migrate(**db);
  if (!applied) return report(applied.error());
  auto rewritten = sales::backfill_search(**db);
  if (!rewritten) return report(rewritten.error());
  std::printf("migrations applied: %d\n", *applied);
  return 0;
}

int create_store_cmd(Config c, const std::string& email, const std::string& password,
                     const std::string& name, std::string owner_name) {
  resolve(c);
  log::init(log::Level::warn, false);
  auto db = open_and_migrate(c, true);
  if (!db) return report(db.error());
  SystemClock clock;
  if (owner_name.empty()) owner_name = name;
  auto created = flows::create_seller(**db, clock, {email, owner_name, password}, name);
  if (!created) return report(created.error());
  std::printf("store created: %s (%s), owner %s\n", created->second.name.c_str(),
              created->second.slug.c_str(), created->first.email.c_str());
  return 0;
}

// A progress bar on stderr for long CLI work (R-CLI-1); redraws at most every 1%.
// Progress on stderr: a bar redrawn in place on a terminal; elsewhere (logs, nohup) a line at
// most every 10 seconds and at the end, so long runs can be followed too.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)) {}
  void update(int64_t done, int64_t total) {
    const auto now = std::chrono::steady_clock::now();
    const int pct = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    if (tty_) {
      if (pct == last_ && done != total) return;
    } else if (done != total && now - last_line_ < std::chrono::seconds(10)) {
      return;
    }
    last_ = pct;
    last_line_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    std::string eta;
    if (done > 0 && done < total && secs > 2) {
      eta = ", ~" + std::to_string(static_cast<int64_t>(secs * static_cast<double>(total - done) /
                                                       static_cast<double>(done))) +
            " s left";
    }
    const int width = 30, filled = pct * width / 100;
    std::fprintf(stderr, "%s%s [%s%s] %3d%% %lld/%lld (%.0f s%s)%s", tty_ ? "\r" : "",
                 label_.c_str(), std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), ' ').c_str(), pct,
                 static_cast<long long>(done), static_cast<long long>(total), secs, eta.c_str(),
                 tty_ ? "\033[K" : "\n");
    if (tty_ && done == total) std::fputc('\n', stderr);
  }

 private:
  std::string label_;
  int last_ = -1;
  bool tty_ = isatty(STDERR_FILENO) != 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_line_{};
};

// Seeds of at least this many orders load in bulk mode (see OpenOptions::bulk_load): the
// database alone, no WAL, secondary indexes built at the end.
constexpr int64_t kBulkSeedOrders = 20'000;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// The demo store `make run` signs in to. Seeding twice leaves the first store as it is. Big
// data sets are written in bulk mode and audited afterwards (flows::check_demo_store).
int seed_demo_cmd(Config c, flows::DemoSeedOptions options) {
  resolve(c);
  log::init(log::Level::warn, false);
  auto taxes = load_tax_table(c);
  if (!taxes) return report(taxes.error());
  options.bulk = options.orders >= kBulkSeedOrders;
  {
    auto db = open_and_migrate(c, true);  // the schema first, in the ordinary mode
    if (!db) return report(db.error());
  }
  const auto t0 = std::chrono::steady_clock::now();
  flows::DemoSeedResult r;
  {
    auto db = db::open_database(c.database_url, {.bulk_load = options.bulk});
    if (!db) return report(db.error());
    SystemClock clock;
    std::map<std::string, ProgressBar, std::less<>> bars;
    options.data_dir = c.data_dir;
    options.progress = [&bars](std::string_view phase, int64_t done, int64_t total) {
      auto it = bars.find(phase);
      if (it == bars.end())
        it = bars.emplace(std::string(phase), ProgressBar(phase == "orders" ? "seeding orders"
                                                                           : "building indexes"))
                 .first;
      it->second.update(done, total);
    };
    auto seeded = flows::seed_demo(**db, clock, *taxes, options);
    if (!seeded) return report(seeded.error());
    r = std::move(*seeded);
  }  // closed: the next open is back to WAL
  if (r.created) {
    std::printf("demo store created: %lld products, %lld orders (store /s/%s)\n",
                static_cast<long long>(r.products), static_cast<long long>(r.orders),
                r.store_slug.c_str());
    std::fprintf(stderr, "seeded %lld orders in %zu stores, %lld refunds, in %.1f s%s\n",
                 static_cast<long long>(r.orders_total), r.store_ids.size(),
                 static_cast<long long>(r.refunds), seconds_since(t0),
                 options.bulk ? " (bulk mode)" : "");
    const auto t1 = std::chrono::steady_clock::now();
    auto db = db::open_database(c.database_url);
    if (!db) return report(db.error());
    auto problems_or = db::check_integrity(**db);
    if (!problems_or) return report(problems_or.error());
    std::vector<std::string> problems = std::move(*problems_or);
    for (const auto id : r.store_ids) {
      auto found = flows::check_demo_store(**db, id);
      if (!found) return report(found.error());
      problems.insert(problems.end(), found->begin(), found->end());
    }
    for (const auto& p : problems) std::fprintf(stderr, "check: %s\n", p.c_str());
    if (!problems.empty()) {
      std::fprintf(stderr, "error: the seeded data failed %zu checks\n", problems.size());
      return 1;
    }
    std::fprintf(stderr, "checked %zu stores (ledger, sales rows, rollup, refunds, search, "
                 "integrity): ok in %.1f s\n", r.store_ids.size(), seconds_since(t1));
  } else {
    std::printf("demo store: already there\n");
  }
  std::printf("  sign in with  email: %s  password: %s\n", options.email.c_str(),
              options.password.c_str());
  return 0;
}

// The CSV of GET /api/v1/sales/export.csv on stdout, from the same code (R-SALES-3). Filters
// are the endpoint's query parameters, so they are validated by the same rules.
int export_sales_cmd(Config c, const std::string& store_ref,
                     const std::vector<std::pair<std::string, std::string>>& params) {
  resolve(c);
  log::init(log::Level::warn, false);
  auto db = open_and_migrate(c, true);
  if (!db) return report(db.error());
  auto q = sales::parse_query(params, sales::QueryKind::csv);
  if (!q) {
    Error e = q.error();
    if (!e.param.empty()) e.param = "--" + e.param;
    for (auto& ch : e.param)
      if (ch == '_') ch = '-';
    return report(e);
  }
  auto store = (*db)->read<stores::Store>(
      [&](db::Tx& tx) { return stores::get_store_by_slug(tx, store_ref); });
  if (!store) return report(store.error());
  int64_t expected = 0;
  {
    auto s = (*db)->read<sales::Summary>(
        [&](db::Tx& tx) { return sales::summarise(tx, store->id, q->filter); });
    if (!s) return report(s.error());
    expected = s->count;
  }
  ProgressBar bar("exporting sales");
  sales::CsvWriter writer(**db, store->id, q->filter, q->sort, q->bom);
  std::string chunk;
  while (true) {
    auto more = writer.next_chunk(chunk);
    if (!more) return report(more.error());
    if (!chunk.empty() && std::fwrite(chunk.data(), 1, chunk.size(), stdout) != chunk.size()) {
      std::fprintf(stderr, "error: writing to stdout failed\n");
      return 1;
    }
    bar.update(std::min(writer.rows_written(), expected), expected);
    if (!*more) break;
  }
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "error: writing to stdout failed\n");
    return 1;
  }
  bar.update(expected, expected);
  std::fprintf(stderr, "exported %lld sales\n", static_cast<long long>(writer.rows_written()));
  return 0;
}

void add_db_options(CLI::App* cmd, Config& c) {
  cmd->add_option("--database", c.database_url,
                  "sqlite:PATH or postgres://user@host:port/db (env SHOPDESK_DATABASE_URL)");
  cmd->add_option("--data-dir", c.data_dir, "directory for the SQLite file, uploads and mail")
      ->capture_default_str();
}

}  // namespace

int main(int argc, char** argv) {
  if (!crypto::init()) {
    std::fprintf(stderr, "libsodium failed to initialise\n");
    return 1;
  }
  CLI::App cli{"Shopdesk: sell digital products and take care of your buyers."};
  cli.require_subcommand(1);
  Config c;

  auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP API, the web app and background jobs");
  serve_cmd->add_option("--host", c.host, "address to listen on")->capture_default_str();
  serve_cmd->add_option("--port", c.port, "port to listen on (0 = any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  serve_cmd->add_option("--web-dir", c.web_dir, "directory of the built web app");
  serve_cmd->add_option("--tax-table", c.tax_table,
                        "CSV of tax rates replacing the built-in table (env SHOPDESK_TAX_TABLE)");
  serve_cmd->add_flag("--test-mode", c.test_mode,
                      "enable the movable test clock (/api/v1/test/clock); never in production");
  add_db_options(serve_cmd, c);

  auto* migrate = cli.add_subcommand("migrate", "Apply pending database migrations");
  add_db_options(migrate, c);

  std::string email, password, name, owner_name;
  auto* create_store = cli.add_subcommand("create-store", "Create a seller account with a store");
  create_store->add_option("--email", email, "the owner's email")->required();
  create_store->add_option("--password", password, "the owner's password (8+ characters)")->required();
  create_store->add_option("--name", name, "the store's name")->required();
  create_store->add_option("--owner-name", owner_name, "the owner's name (default: store name)");
  add_db_options(create_store, c);

  flows::DemoSeedOptions demo;
  auto* seed = cli.add_subcommand("seed-demo", "Create the demo store with products and orders");
  seed->add_option("--email", demo.email, "the demo seller's email")->capture_default_str();
  seed->add_option("--password", demo.password, "the demo seller's password")->capture_default_str();
  seed->add_option("--orders", demo.orders, "how many orders to create")
      ->check(CLI::Range(int64_t{0}, int64_t{100'000'000}))
      ->capture_default_str();
  seed->add_option("--seed", demo.seed, "random seed (same seed, same store)")->capture_default_str();
  seed->add_option("--other-stores", demo.other_stores,
                   "also create this many other stores with orders/20 orders each")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  bool data_version = false;
  seed->add_flag("--data-version", data_version,
                 "print the version of the data this binary generates and exit: a saved data "
                 "set is reusable (after `migrate`) while it stays the same");
  add_db_options(seed, c);

  std::string export_store;
  std::vector<std::pair<std::string, std::string>> export_params;
  std::map<std::string, std::string> export_opts;
  auto* export_cmd = cli.add_subcommand(
      "export-sales", "Write the Sales view's CSV (as GET /api/v1/sales/export.csv) to stdout");
  export_cmd->add_option("--store", export_store, "the store's slug")
      ->required();
  for (const auto& [flag, param, help] :
       std::initializer_list<std::tuple<const char*, const char*, const char*>>{
           {"--query,-q", "q", "search text (order id, customer, email, product, license key)"},
           {"--status", "status", "status, or a comma-separated list of them"},
           {"--product-id", "product_id", "a product's public id"},
           {"--tier", "tier", "a license tier name"},
           {"--country", "country", "ISO 3166-1 alpha-2 country"},
           {"--from", "from", "RFC 3339 time or YYYY-MM-DD (inclusive)"},
           {"--to", "to", "RFC 3339 time (exclusive) or YYYY-MM-DD (inclusive)"},
           {"--min-total-minor", "min_total_minor", "lowest total, minor units"},
           {"--max-total-minor", "max_total_minor", "highest total, minor units"},
           {"--sort", "sort", "created_at, -created_at (default), total or -total"},
           {"--bom", "bom", "1: start with a UTF-8 byte order mark (Excel)"}}) {
    export_cmd->add_option(flag, export_opts[param], help);
  }
  add_db_options(export_cmd, c);

  cli.add_subcommand("version", "Print the version")->callback([] {
    std::printf("shopdesk %s\n", SHOPDESK_VERSION);
  });

  CLI11_PARSE(cli, argc, argv);
  if (*serve_cmd) return serve(c);
  if (*migrate) return migrate_cmd(c);
  if (*create_store) return create_store_cmd(c, email, password, name, owner_name);
  if (*seed && data_version) {
    std::printf("demo-%d\n", flows::kDemoDataVersion);
    return 0;
  }
  if (*seed) return seed_demo_cmd(c, demo);
  if (*export_cmd) {
    for (const auto& [param, value] : export_opts)
      if (export_cmd->count(param == "q" ? "--query" : "--" + [](std::string p) {
            for (auto& ch : p)
              if (ch == '_') ch = '-';
            return p;
          }(param)) > 0)
        export_params.emplace_back(param, value);
    return export_sales_cmd(c, export_store, export_params);
  }
  return 0;
}

}  // namespace sd::app

int main(int argc, char** argv) { return sd::app::main(argc, argv); }
