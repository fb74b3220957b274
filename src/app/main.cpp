// Composition root: configuration, wiring, and the CLI subcommands (R-CLI-1).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "api/v1/api.hpp"
#include "app/config.hpp"
#include "core/clock.hpp"
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
  svc.secure_cookies = c.secure_cookies;
  api::load_test_clock(svc);

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
  server.run_until_signal();
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

// The demo store `make run` signs in to. Creating it twice is not an error.
int seed_demo_cmd(Config c, const std::string& email, const std::string& password) {
  resolve(c);
  log::init(log::Level::warn, false);
  auto db = open_and_migrate(c, true);
  if (!db) return report(db.error());
  SystemClock clock;
  auto created = flows::create_seller(**db, clock, {email, "Demo Seller", password}, "Demo Store");
  if (!created && created.error().code != "email_taken") return report(created.error());
  std::printf("demo store: %s\n", created ? "created" : "already there");
  std::printf("  sign in with  email: %s  password: %s\n", email.c_str(), password.c_str());
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

  std::string demo_email = "demo@shopdesk.local", demo_password = "demo-seller-2026";
  auto* seed = cli.add_subcommand("seed-demo", "Create the demo store (idempotent)");
  seed->add_option("--email", demo_email, "the demo seller's email")->capture_default_str();
  seed->add_option("--password", demo_password, "the demo seller's password")->capture_default_str();
  add_db_options(seed, c);

  cli.add_subcommand("version", "Print the version")->callback([] {
    std::printf("shopdesk %s\n", SHOPDESK_VERSION);
  });

  CLI11_PARSE(cli, argc, argv);
  if (*serve_cmd) return serve(c);
  if (*migrate) return migrate_cmd(c);
  if (*create_store) return create_store_cmd(c, email, password, name, owner_name);
  if (*seed) return seed_demo_cmd(c, demo_email, demo_password);
  return 0;
}

}  // namespace sd::app

int main(int argc, char** argv) { return sd::app::main(argc, argv); }
