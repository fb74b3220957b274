// Operational endpoints (health, readiness, metrics, OpenAPI), the --test-mode clock, and the
// web app's static files.
#include <fstream>
#include <sstream>

#include "api/v1/context.hpp"
#include "api/v1/openapi.hpp"
#include "api/v1/routes.hpp"
#include "core/limits.hpp"
#include "core/time.hpp"
#include "core/validation.hpp"
#include "modules/server_state/server_state.hpp"
#include "platform/payments/payments.hpp"

namespace sd::api {
namespace {

nlohmann::json clock_json(const TestClock& c) {
  return {{"now", format_rfc3339(c.now())}, {"offset_seconds", c.offset() / kMicrosPerSecond}};
}

Result<http::Response> get_clock(Ctx& ctx) { return json_ok(clock_json(*ctx.svc.test_clock)); }

Result<http::Response> advance_clock(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto seconds = SD_TRY(f.required_int("advance_seconds", 1, 10LL * 365 * 24 * 3600));
  SD_TRY_VOID(f.finish());
  auto& clock = *ctx.svc.test_clock;
  // The offset lives in the database so that a restarted server keeps the same time.
  SD_TRY_VOID(ctx.svc.db->write<void>([&](db::Tx& tx) -> Result<void> {
    const auto next = SD_TRY(server_state::clock_offset(tx)) + seconds * kMicrosPerSecond;
    SD_TRY_VOID(server_state::set_clock_offset(tx, next));
    clock.set_offset(next);
    return {};
  }));
  return json_ok(clock_json(clock));
}

// Test mode: make the next N checkouts fail after their charge (the compensation path).
Result<http::Response> set_faults(Ctx& ctx) {
  JsonFields f(ctx.body);
  const auto n = SD_TRY(f.optional_int("checkout_commit_failures", 0, 1000));
  // Refunds: transactions that fail at their end (nothing recorded, the provider never
  // called), and provider refund calls that fail (recorded; the refund job repeats the call).
  const auto refund_commits = SD_TRY(f.optional_int("refund_commit_failures", 0, 1000));
  const auto refund_calls = SD_TRY(f.optional_int("refund_provider_failures", 0, 1000));
  SD_TRY_VOID(f.finish());
  nlohmann::json out = nlohmann::json::object();
  if (n) {
    ctx.svc.checkout_faults->store(static_cast<int>(*n));
    out["checkout_commit_failures"] = *n;
  }
  if (refund_commits && ctx.svc.refund_faults != nullptr) {
    ctx.svc.refund_faults->store(static_cast<int>(*refund_commits));
    out["refund_commit_failures"] = *refund_commits;
  }
  if (refund_calls) {
    if (auto* control = payments::test_control(*ctx.svc.payments))
      control->fail_next_refunds(static_cast<int>(*refund_calls));
    out["refund_provider_failures"] = *refund_calls;
  }
  return json_ok(out);
}

// Test mode: what the test provider refunded against a charge.
Result<http::Response> get_provider_charge(Ctx& ctx) {
  auto* control = payments::test_control(*ctx.svc.payments);
  if (control == nullptr) return fail(ErrorKind::not_found, "not_found", "no test provider");
  const auto id = ctx.req.path_param("charge_id");
  return json_ok({{"charge_id", id},
                  {"refunded_minor", control->refunded_amount(id)},
                  {"refunds_total", control->refunds_total()}});
}

std::string_view content_type_for(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Serves web/dist: real files by path, and index.html for the app's own routes.
http::Response serve_static(const Services& svc, const http::Request& req) {
  if (req.path.starts_with("/api/")) {
    return http::error_response(404, "route_not_found", "no such API route");
  }
  const bool safe = req.path.find("..") == std::string::npos && req.path.find('\\') == std::string::npos;
  if (svc.web_dir.empty() || !safe) {
    return http::error_response(404, "not_found", "not found");
  }
  std::string rel = req.path == "/" ? "/index.html" : req.path;
  auto body = read_file(svc.web_dir + rel);
  const bool asset = body.has_value();
  if (!body) {
    // Client-side routes (no file extension) get the app shell.
    if (rel.find('.', rel.rfind('/')) != std::string::npos)
      return http::error_response(404, "not_found", "not found");
    rel = "/index.html";
    body = read_file(svc.web_dir + rel);
    if (!body) return http::error_response(404, "not_found", "the web app is not built");
  }
  http::Response resp;
  resp.body = std::move(*body);
  resp.set_header("Content-Type", std::string(content_type_for(rel)));
  // Vite fingerprints assets under /assets/; the shell must always be revalidated.
  resp.set_header("Cache-Control", asset && rel.starts_with("/assets/")
                                       ? "public, max-age=31536000, immutable"
                                       : "no-cache");
  resp.set_header("X-Content-Type-Options", "nosniff");
  return resp;
}

}  // namespace

void load_test_clock(Services& svc) {
  if (svc.test_clock == nullptr) return;
  auto offset = svc.db->read<Micros>([](db::Tx& tx) { return server_state::clock_offset(tx); });
  if (offset) svc.test_clock->set_offset(*offset);
}

void register_ops_routes(http::Router& router, Services& svc) {
  using M = http::Method;
  router.add({M::get, "/healthz",
              [](http::Request&) { return http::json_response(200, R"({"status":"ok"})"); },
              http::Execution::inline_io, 0});
  router.add({M::get, "/readyz",
              [&svc](http::Request&) {
                auto ok = svc.db->ping();
                return ok ? http::json_response(200, R"({"status":"ready"})")
                          : http::error_response(503, "database_unavailable",
                                                 "the database does not answer");
              },
              http::Execution::worker, 0});
  router.add({M::get, "/metrics",
              [&svc](http::Request&) {
                http::Response r;
                r.body = svc.metrics->render();
                r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                return r;
              },
              http::Execution::inline_io, 0});
  router.add({M::get, "/api/v1/openapi.json",
              [](http::Request&) {
                static const std::string body = openapi_document().dump();
                return http::json_response(200, body);
              },
              http::Execution::inline_io, 0});
  if (svc.test_clock != nullptr) {
    add_api_route(router, svc, {M::get, "/api/v1/test/clock", Access::anyone, get_clock});
    add_api_route(router, svc, {M::post, "/api/v1/test/clock", Access::anyone, advance_clock, true});
    if (svc.checkout_faults != nullptr)
      add_api_route(router, svc, {M::post, "/api/v1/test/faults", Access::anyone, set_faults, true});
    add_api_route(router, svc, {M::get, "/api/v1/test/provider/charges/{charge_id}", Access::anyone,
                                get_provider_charge});
  }
  router.set_fallback({M::get, "/{*path}",
                       [&svc](http::Request& req) { return serve_static(svc, req); },
                       http::Execution::worker, 0});
}

}  // namespace sd::api
