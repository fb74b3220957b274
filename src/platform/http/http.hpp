// Our own HTTP types: handlers see these, never sockets or Beast (docs/ARCHITECTURE.md).
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sd::http {

enum class Method { get, head, post, put, patch, delete_, options, other };

const char* method_name(Method m);

struct Request {
  Method method = Method::get;
  std::string target;  // as received: path + '?' + query
  std::string path;    // percent-decoded path, no query
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router
  std::string body;
  std::string remote_ip;
  std::string request_id;  // from X-Request-Id if sane, else generated
  // Set by API middleware (e.g. the authenticated principal); the HTTP layer never reads it.
  std::any context;

  std::optional<std::string_view> header(std::string_view lower_name) const;
  // First query value of `name`, if any.
  std::optional<std::string_view> query_param(std::string_view name) const;
  // Path parameter filled by the router (asserts that the route declared it).
  std::string_view path_param(std::string_view name) const;
  // Value of a cookie from the Cookie header.
  std::optional<std::string> cookie(std::string_view name) const;
};

// Produces the next chunk of a streamed body into `out` (cleared by the caller);
// returns false when done (an empty chunk with true is allowed). Runs on a worker thread.
using ChunkSource = std::function<bool(std::string& out)>;

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is streamed with chunked transfer encoding and `body` is ignored.
  ChunkSource stream;
  // When set (and no stream), the body sent instead of `body`: shared, not copied (answers
  // kept in a cache). Kept alive until it is written.
  std::shared_ptr<const std::string> shared_body;

  void set_header(std::string name, std::string value);
  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
};

// A JSON response with the given status and already-serialised body.
Response json_response(int status, std::string body);

// The API error object of API.md: {"error":{"type","code","message","param"}}.
// `type` is derived from the status (400 invalid_request, 401 authentication, 403 permission,
// 404 not_found, 409 conflict, 422 idempotency, 429 rate_limited, other 4xx invalid_request,
// else api).
Response error_response(int status, std::string_view code, std::string_view message,
                        std::string_view param = {});

// What a route does with its handler thread.
enum class Execution {
  inline_io,  // cheap and non-blocking (health, metrics, static files): runs on the I/O thread
  worker,     // may block on the database: runs on the worker pool
};

using Handler = std::function<Response(Request&)>;
// A fast path: an answer, or nothing to let the route's handler answer as usual.
using InlineTry = std::function<std::optional<Response>(Request&)>;

struct Route {
  Method method = Method::get;
  std::string pattern;  // "/api/v1/products/{id}"; a final "{*rest}" matches the remainder
  Handler handler;
  Execution execution = Execution::worker;
  size_t body_bytes_max = 0;  // 0 = limits::http_body_bytes_max
  // For worker routes: tried first on the I/O thread, saving the hop to a worker when it
  // answers. It must never wait (no network, no waiting for a connection or a long lock).
  InlineTry try_inline = nullptr;
};

// Matches method + path to a route. Unknown path → 404 `route_not_found`; known path with
// another method → 405 `method_not_allowed` with an Allow header.
class Router {
 public:
  void add(Route route);
  // The matched route, with path params filled into `req`; or the error response.
  struct Match {
    const Route* route = nullptr;
    std::optional<Response> error;
  };
  Match match(Request& req) const;
  const std::vector<Route>& routes() const { return routes_; }
  // A fallback for GET/HEAD requests no route matched (the web app's static files).
  void set_fallback(Route route) { fallback_ = std::move(route); }

 private:
  // A pattern split at add() time, so that match() only compares segments (no allocation).
  struct Segment {
    enum class Kind : unsigned char { literal, param, rest } kind = Kind::literal;
    std::string text;  // the literal, or the parameter's name
  };
  std::vector<Route> routes_;
  std::vector<std::vector<Segment>> segments_;  // parallel to routes_
  std::optional<Route> fallback_;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port
  int io_threads = 2;
  int worker_threads = 0;  // 0 = limits::http_worker_threads
};

// Called once per finished request, for the access log and metrics.
struct RequestRecord {
  const Request* request = nullptr;
  int status = 0;
  std::string_view route_pattern;  // "" when no route matched
  double duration_seconds = 0;
  size_t response_bytes = 0;
};
using RequestObserver = std::function<void(const RequestRecord&)>;

// The Boost.Beast server. HTTP/1.1 with keep-alive; every read bounded by core/limits.hpp.
class Server {
 public:
  Server(ServerOptions options, const Router& router, RequestObserver observer);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; returns the bound port. Throws std::runtime_error on failure
  // (at start-up only).
  uint16_t start();
  // Graceful stop: stop accepting, let in-flight requests finish (at most `drain_seconds`),
  // close idle connections. Returns when everything stopped.
  void stop(int drain_seconds);
  // Blocks until SIGTERM or SIGINT, then stop(limits::http_shutdown_drain_seconds).
  void run_until_signal();
  // Number of connections open now (for metrics).
  int open_connections() const;

 private:
  struct Impl;
  Impl* impl_;
};

// Percent-decoding for paths and query strings ('+' as space only in queries).
std::optional<std::string> percent_decode(std::string_view s, bool plus_as_space);

// A Content-Disposition value (RFC 6266): `inline` or `attachment`, `filename="…"` as an ASCII
// fallback (non-ASCII, quotes, backslashes and controls as '_') and `filename*=UTF-8''…`
// percent-encoded, so any stored name is safe in the header and shown right by browsers.
std::string content_disposition(bool inline_display, std::string_view filename);

}  // namespace sd::http
