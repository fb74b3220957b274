// Our HTTP layer serving GET /healthz the way `shopdesk serve` does: the route runs inline
// on the I/O thread, and every request goes through the observer (access-log line + metrics).
//   bench_healthz_server [port=0] [io_threads=2] [access_log=1]   → prints "port N" on stdout
#include <cstdio>
#include <cstdlib>
#include <string>

#include "platform/http/http.hpp"
#include "platform/observability/log.hpp"
#include "platform/observability/metrics.hpp"

namespace {

// The observer the real binary installs: one access-log line and two metric updates.
void observe(sd::metrics::Registry& metrics, const sd::http::RequestRecord& rec) {
  const sd::http::Request& req = *rec.request;
  thread_local std::string labels;
  labels.clear();
  labels += "route=\"";
  labels += rec.route_pattern.empty() ? std::string_view("unmatched") : rec.route_pattern;
  labels += "\",method=\"";
  labels += sd::http::method_name(req.method);
  labels += "\",status=\"";
  labels += std::to_string(rec.status);
  labels += '"';
  metrics.count("http_requests_total", labels);
  metrics.observe("http_request_duration_seconds", labels, rec.duration_seconds);
  if (sd::log::access_log_enabled()) {
    sd::log::info("request", {{"request_id", req.request_id},
                              {"method", sd::http::method_name(req.method)},
                              {"path", req.path},
                              {"route", rec.route_pattern},
                              {"status", rec.status},
                              {"duration_us", static_cast<long long>(rec.duration_seconds * 1e6)},
                              {"bytes", rec.response_bytes},
                              {"remote_ip", req.remote_ip}});
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto port = static_cast<uint16_t>(argc > 1 ? std::atoi(argv[1]) : 0);
  int io_threads = argc > 2 ? std::atoi(argv[2]) : 2;
  bool access_log = argc > 3 ? std::atoi(argv[3]) != 0 : true;
  sd::log::init(sd::log::Level::info, access_log);

  sd::metrics::Registry metrics;
  metrics.describe("http_requests_total", "HTTP requests served.", "counter");
  metrics.describe("http_request_duration_seconds", "HTTP request latency.", "histogram");

  sd::http::Router router;
  router.add({sd::http::Method::get, "/healthz",
              [](sd::http::Request&) {
                return sd::http::json_response(200, R"({"status":"ok"})");
              },
              sd::http::Execution::inline_io, 0});
  // What a body of a Sales page's size (28 KB) and the hop to a worker thread cost by
  // themselves, to read W-LIST's ratio against: the same fixed JSON inline and on a worker.
  static const std::string page = [] {
    std::string s = "{\"data\":[";
    while (s.size() < 28000) s += "{\"order_id\":\"SD-W282-G42G\",\"status\":\"complete\"},";
    s.back() = ']';
    return s + "}";
  }();
  router.add({sd::http::Method::get, "/page",
              [](sd::http::Request&) { return sd::http::json_response(200, page); },
              sd::http::Execution::inline_io, 0});
  router.add({sd::http::Method::get, "/page-worker",
              [](sd::http::Request&) { return sd::http::json_response(200, page); },
              sd::http::Execution::worker, 0});
  router.add({sd::http::Method::get, "/healthz-worker",
              [](sd::http::Request&) {
                return sd::http::json_response(200, R"({"status":"ok"})");
              },
              sd::http::Execution::worker, 0});

  sd::http::ServerOptions options;
  options.port = port;
  options.io_threads = io_threads;
  sd::http::Server server(options, router,
                          [&](const sd::http::RequestRecord& rec) { observe(metrics, rec); });
  metrics.gauge("http_open_connections", "Open HTTP connections.",
                [&] { return static_cast<double>(server.open_connections()); });
  std::printf("port %u\n", server.start());
  std::fflush(stdout);
  server.run_until_signal();
  sd::log::flush();
}
