// The Boost.Beast server: one io_context run by `io_threads` threads, one C++20 coroutine per
// connection on its own strand, a thread_pool for Execution::worker handlers and for pulling
// streamed chunks. See README.md for the limits and the shutdown sequence.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <list>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/limits.hpp"
#include "platform/http/http.hpp"
#include "platform/observability/log.hpp"

namespace sd::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;
using Parser = bh::request_parser<bh::string_body>;

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr size_t first_read_bytes = 4096;        // one read of a typical request head
constexpr size_t buffer_keep_bytes = 64 * 1024;  // shrink a connection's buffer above this
constexpr int linger_seconds = 2;                // drain the client's bytes after an error
constexpr size_t linger_bytes_max = 8 * 1024 * 1024;
constexpr size_t request_id_bytes_max = 64;

std::chrono::seconds secs(int n) { return std::chrono::seconds(n); }

// ---- Request construction ------------------------------------------------------------------

Method to_method(bh::verb v) {
  switch (v) {
    case bh::verb::get: return Method::get;
    case bh::verb::head: return Method::head;
    case bh::verb::post: return Method::post;
    case bh::verb::put: return Method::put;
    case bh::verb::patch: return Method::patch;
    case bh::verb::delete_: return Method::delete_;
    case bh::verb::options: return Method::options;
    default: return Method::other;
  }
}

bool sane_request_id(std::string_view id) {
  if (id.empty() || id.size() > request_id_bytes_max) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// 16 hex chars from a per-thread splitmix64: unique enough for correlating logs, no locks.
std::string new_request_id() {
  thread_local uint64_t state = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd() ^
           static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  }();
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  static constexpr char hex[] = "0123456789abcdef";
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, z >>= 4) id[static_cast<size_t>(i)] = hex[z & 0xf];
  return id;
}

bool parse_query(std::string_view q, Request& req) {
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!key || !value) return false;
    req.query.emplace_back(std::move(*key), std::move(*value));
  }
  return true;
}

// Fills everything but the body; on a bad path or query returns the error code to answer.
const char* fill_head(const Parser::value_type& h, Request& req) {
  req.method = to_method(h.method());
  req.headers.reserve(static_cast<size_t>(std::distance(h.begin(), h.end())));
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  auto id = req.header("x-request-id");
  req.request_id = id && sane_request_id(*id) ? std::string(*id) : new_request_id();
  std::string_view target = h.target();
  req.target = std::string(target);
  size_t qmark = target.find('?');
  auto path = percent_decode(target.substr(0, qmark), false);
  if (!path || path->find('\0') != std::string::npos) return "invalid_path";
  req.path = std::move(*path);
  if (qmark != std::string_view::npos && !parse_query(target.substr(qmark + 1), req)) {
    return "invalid_query";
  }
  return nullptr;
}

// Feeds the parser what is already buffered, without I/O; stops at the end of the head (or of
// the message), or when more bytes are needed (not an error here).
void parse_buffered(Parser& parser, beast::flat_buffer& buf, bool header_only,
                    beast::error_code& ec) {
  while (buf.size() > 0 && !(header_only ? parser.is_header_done() : parser.is_done())) {
    size_t used = parser.put(buf.data(), ec);
    buf.consume(used);
    if (ec == bh::error::need_more) {
      ec = {};
      return;
    }
    if (ec || used == 0) return;
  }
}

// ---- Response construction -----------------------------------------------------------------

bool is_framing_header(std::string_view name) {
  return beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
         beast::iequals(name, "connection");
}

bool bodyless_status(int status) { return status < 200 || status == 204 || status == 304; }

template <class Message>
void copy_headers(const Response& resp, const std::string& request_id, bool keep_alive,
                  Message& out) {
  out.result(static_cast<unsigned>(resp.status));
  out.version(11);
  for (const auto& [name, value] : resp.headers) {
    if (!is_framing_header(name)) out.insert(name, value);
  }
  out.set("X-Request-Id", request_id);
  out.keep_alive(keep_alive);
}

bool wants_close(const Response& resp) {
  auto c = resp.header("connection");
  return c && beast::iequals(*c, "close");
}

bool client_gone(const beast::error_code& ec) {
  return ec == bh::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::operation_aborted ||
         ec == beast::error::timeout || ec == net::error::broken_pipe ||
         ec == net::error::bad_descriptor;
}

// ---- Connections ---------------------------------------------------------------------------

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  bool idle = false;  // between requests; only touched on the connection's strand
  std::list<std::shared_ptr<Connection>>::iterator self;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, const Router& r, RequestObserver obs)
      : options(std::move(o)),
        router(r),
        observer(std::move(obs)),
        ioc(std::max(1, options.io_threads)),
        work(net::make_work_guard(ioc)),
        acceptor(net::make_strand(ioc)),
        workers(static_cast<size_t>(options.worker_threads > 0 ? options.worker_threads
                                                               : limits::http_worker_threads)) {}

  ServerOptions options;
  const Router& router;
  RequestObserver observer;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  tcp::acceptor acceptor;
  net::thread_pool workers;
  std::vector<std::thread> io_threads;

  std::atomic<bool> stopping{false};
  std::atomic<int> open{0};
  std::mutex mu;  // guards connections, started, stopped
  std::condition_variable cv;
  std::list<std::shared_ptr<Connection>> connections;
  bool started = false;
  bool stopped = false;
  net::io_context* signal_wait = nullptr;  // run_until_signal()'s, so that stop() ends it

  uint16_t start();
  void stop(int drain_seconds);
  void post_close(bool idle_only);
  bool wait_connections(Clock::time_point deadline);

  net::awaitable<void> accept_loop();
  net::awaitable<void> session(std::shared_ptr<Connection> c);
  net::awaitable<void> serve(Connection& c);
  net::awaitable<bool> wait_for_request(Connection& c, beast::flat_buffer& buf, bool first);
  net::awaitable<bool> handle_one(Connection& c, beast::flat_buffer& buf,
                                  const std::string& remote_ip);
  net::awaitable<bool> fail_and_close(Connection& c, Request& req, Clock::time_point start,
                                      int status, const char* code, const char* message);
  net::awaitable<Response> run_handler(const Route& route, Request& req);
  net::awaitable<bool> write_response(Connection& c, const Request& req, Response& resp,
                                      bool keep_alive, size_t& bytes);
  net::awaitable<bool> write_stream(Connection& c, const Request& req, Response& resp,
                                    bool keep_alive, size_t& bytes);
  net::awaitable<void> linger(Connection& c);
  void notify(const Request& req, int status, std::string_view pattern, Clock::time_point start,
              size_t bytes);
};

namespace {

// Handler exceptions never reach the connection: they become a logged 500.
Response invoke(const Route& route, Request& req) {
  try {
    return route.handler(req);
  } catch (const std::exception& e) {
    log::error("handler threw", {{"request_id", req.request_id},
                                 {"route", route.pattern},
                                 {"error", e.what()}});
  } catch (...) {
    log::error("handler threw", {{"request_id", req.request_id},
                                 {"route", route.pattern},
                                 {"error", "non-standard exception"}});
  }
  return error_response(500, "internal_error", "An unexpected error occurred.");
}

// A fast path that throws is logged and skipped: the handler still answers.
std::optional<Response> try_inline(const Route& route, Request& req) {
  try {
    return route.try_inline(req);
  } catch (const std::exception& e) {
    log::error("inline fast path threw", {{"request_id", req.request_id},
                                          {"route", route.pattern},
                                          {"error", e.what()}});
  } catch (...) {
    log::error("inline fast path threw", {{"request_id", req.request_id},
                                          {"route", route.pattern},
                                          {"error", "non-standard exception"}});
  }
  return std::nullopt;
}

}  // namespace

uint16_t Server::Impl::start() {
  {
    std::lock_guard lock(mu);
    if (started) throw std::runtime_error("http server: start() called twice");
    started = true;
  }
  try {
    tcp::endpoint ep{net::ip::make_address(options.host), options.port};
    acceptor.open(ep.protocol());
    acceptor.set_option(net::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(net::socket_base::max_listen_connections);
  } catch (const std::exception& e) {
    throw std::runtime_error("http server: cannot listen on " + options.host + ":" +
                             std::to_string(options.port) + ": " + e.what());
  }
  uint16_t port = acceptor.local_endpoint().port();
  net::co_spawn(acceptor.get_executor(), accept_loop(), net::detached);
  for (int i = 0; i < std::max(1, options.io_threads); ++i) {
    io_threads.emplace_back([this] { ioc.run(); });
  }
  return port;
}

net::awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (stopping.load()) co_return;
    if (ec) {
      if (ec == net::error::operation_aborted || ec == net::error::bad_descriptor) co_return;
      // EMFILE and the like: back off briefly instead of spinning.
      log::warn("http accept failed", {{"error", ec.message()}});
      net::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(use_tuple);
      continue;
    }
    if (open.load() >= limits::http_connections_max) {
      beast::error_code ignored;
      sock.close(ignored);  // refuse: the client sees the connection closed
      continue;
    }
    beast::error_code ignored;
    sock.set_option(tcp::no_delay(true), ignored);
    auto c = std::make_shared<Connection>(std::move(sock));
    {
      std::lock_guard lock(mu);
      connections.push_front(c);
      c->self = connections.begin();
      open.fetch_add(1);
    }
    net::co_spawn(c->stream.get_executor(), session(c), net::detached);
  }
}

net::awaitable<void> Server::Impl::session(std::shared_ptr<Connection> c) {
  try {
    co_await serve(*c);
  } catch (const std::exception& e) {
    log::error("http connection failed", {{"error", e.what()}});
  }
  beast::error_code ignored;
  c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  c->stream.close();
  std::lock_guard lock(mu);
  connections.erase(c->self);
  open.fetch_sub(1);
  cv.notify_all();
}

net::awaitable<void> Server::Impl::serve(Connection& c) {
  beast::flat_buffer buf;
  beast::error_code ec;
  auto ep = c.stream.socket().remote_endpoint(ec);
  const std::string remote_ip = ec ? std::string() : ep.address().to_string();
  for (bool first = true;; first = false) {
    if (buf.size() == 0 && !co_await wait_for_request(c, buf, first)) co_return;
    if (!co_await handle_one(c, buf, remote_ip)) co_return;
    if (buf.size() == 0 && buf.capacity() > buffer_keep_bytes) buf.shrink_to_fit();
  }
}

// Waits for the first bytes of the next request: the idle (keep-alive) timeout applies here,
// and stop() closes connections found waiting at this point.
net::awaitable<bool> Server::Impl::wait_for_request(Connection& c, beast::flat_buffer& buf,
                                                    bool first) {
  if (stopping.load()) co_return false;
  c.idle = true;
  c.stream.expires_after(
      secs(first ? limits::http_header_timeout_seconds : limits::http_idle_timeout_seconds));
  auto [ec, n] = co_await c.stream.async_read_some(buf.prepare(first_read_bytes), use_tuple);
  c.idle = false;
  if (ec) co_return false;
  buf.commit(n);
  co_return true;
}

// Reads, routes and answers one request; returns whether the connection stays open.
net::awaitable<bool> Server::Impl::handle_one(Connection& c, beast::flat_buffer& buf,
                                              const std::string& remote_ip) {
  const auto start = Clock::now();
  Request req;
  req.remote_ip = remote_ip;
  Parser parser;
  parser.header_limit(static_cast<std::uint32_t>(limits::http_header_bytes_max));
  // Beast would check Content-Length against its default limit while reading the head; the
  // limit depends on the route, so it is checked below, after routing.
  parser.body_limit(boost::none);
  // Usually the whole head arrived with the first read: parsing it in place saves the posted
  // completion (and often a thread wake-up) of an async read that needs no I/O.
  beast::error_code ec;
  parse_buffered(parser, buf, /*header_only=*/true, ec);
  if (!ec && !parser.is_header_done()) {
    c.stream.expires_after(secs(limits::http_header_timeout_seconds));
    auto [rec, n] = co_await bh::async_read_header(c.stream, buf, parser, use_tuple);
    ec = rec;
  }
  if (ec) {
    req.request_id = new_request_id();
    if (client_gone(ec)) co_return false;
    if (ec == bh::error::header_limit) {
      co_return co_await fail_and_close(c, req, start, 431, "request_header_too_large",
                                        "The request's header is too large.");
    }
    co_return co_await fail_and_close(c, req, start, 400, "malformed_request",
                                      "The request is not valid HTTP/1.1.");
  }
  const auto& head = parser.get();
  if (head.target().size() > limits::http_url_bytes_max) {
    req.request_id = new_request_id();
    co_return co_await fail_and_close(c, req, start, 414, "url_too_long",
                                      "The request's URL is too long.");
  }
  if (const char* bad = fill_head(head, req)) {
    co_return co_await fail_and_close(c, req, start, 400, bad,
                                      "The request's path or query is not validly encoded.");
  }
  Router::Match match = router.match(req);
  const Route* route = match.route;
  size_t body_max = route && route->body_bytes_max ? route->body_bytes_max
                                                   : limits::http_body_bytes_max;
  auto announced = parser.content_length();
  if (announced && *announced > body_max) {
    co_return co_await fail_and_close(c, req, start, 413, "body_too_large",
                                      "The request body is too large.");
  }
  parser.body_limit(body_max);
  parse_buffered(parser, buf, /*header_only=*/false, ec);
  if (ec == bh::error::body_limit) {
    co_return co_await fail_and_close(c, req, start, 413, "body_too_large",
                                      "The request body is too large.");
  }
  if (ec) {
    co_return co_await fail_and_close(c, req, start, 400, "malformed_request",
                                      "The request body is not valid HTTP/1.1.");
  }
  if (!parser.is_done()) {
    if (auto expect = req.header("expect"); expect && beast::iequals(*expect, "100-continue")) {
      static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
      auto [wec, wn] = co_await net::async_write(c.stream, net::buffer(cont), use_tuple);
      if (wec) co_return false;
    }
    c.stream.expires_at(start + secs(limits::http_request_timeout_seconds));
    auto [bec, bn] = co_await bh::async_read(c.stream, buf, parser, use_tuple);
    if (bec == bh::error::body_limit) {
      co_return co_await fail_and_close(c, req, start, 413, "body_too_large",
                                        "The request body is too large.");
    }
    if (bec) {
      if (client_gone(bec)) co_return false;
      co_return co_await fail_and_close(c, req, start, 400, "malformed_request",
                                        "The request body is not valid HTTP/1.1.");
    }
  }
  req.body = std::move(parser.get().body());
  bool keep_alive = parser.get().keep_alive();

  // (No co_await inside ?: — g++ 12 miscompiles temporaries in that form.)
  Response resp;
  std::optional<Response> fast;
  if (route && route->execution == Execution::worker && route->try_inline)
    fast = try_inline(*route, req);
  if (fast) {
    resp = std::move(*fast);
  } else if (route && route->execution == Execution::inline_io) {
    resp = invoke(*route, req);
  } else if (route) {
    resp = co_await run_handler(*route, req);
  } else {
    resp = std::move(*match.error);
  }
  keep_alive = keep_alive && !stopping.load() && !wants_close(resp);
  size_t bytes = 0;
  bool ok = false;
  if (resp.stream) {
    ok = co_await write_stream(c, req, resp, keep_alive, bytes);
  } else {
    ok = co_await write_response(c, req, resp, keep_alive, bytes);
  }
  notify(req, resp.status, route ? std::string_view(route->pattern) : std::string_view(), start,
         bytes);
  co_return ok && keep_alive;
}

net::awaitable<Response> Server::Impl::run_handler(const Route& route, Request& req) {
  if (route.execution == Execution::inline_io) co_return invoke(route, req);
  // Resumes on this connection's strand once the worker is done.
  co_return co_await net::co_spawn(
      workers.get_executor(),
      [&]() -> net::awaitable<Response> { co_return invoke(route, req); }, net::use_awaitable);
}

net::awaitable<bool> Server::Impl::write_response(Connection& c, const Request& req,
                                                  Response& resp, bool keep_alive,
                                                  size_t& bytes) {
  if (resp.shared_body && !bodyless_status(resp.status)) {
    // The shared body is written from where it is (it stays alive in `resp` meanwhile).
    bh::response<bh::span_body<const char>> res;
    copy_headers(resp, req.request_id, keep_alive, res);
    const std::string& body = *resp.shared_body;
    if (req.method == Method::head) {
      res.content_length(body.size());
    } else {
      bytes = body.size();
      res.body() = beast::span<const char>(body.data(), body.size());
      res.prepare_payload();
    }
    c.stream.expires_after(secs(limits::http_request_timeout_seconds));
    auto [ec, n] = co_await bh::async_write(c.stream, res, use_tuple);
    co_return !ec;
  }
  bh::response<bh::string_body> res;
  copy_headers(resp, req.request_id, keep_alive, res);
  if (bodyless_status(resp.status)) {
    resp.body.clear();
  }
  if (req.method == Method::head) {
    if (!bodyless_status(resp.status)) res.content_length(resp.body.size());
  } else if (resp.status != 304) {
    bytes = resp.body.size();
    res.body() = std::move(resp.body);
    res.prepare_payload();
  }
  // (A 304 carries no Content-Length: it would have to be the length of the 200's body.)
  c.stream.expires_after(secs(limits::http_request_timeout_seconds));
  auto [ec, n] = co_await bh::async_write(c.stream, res, use_tuple);
  co_return !ec;
}

// Chunked transfer: at most two chunks in memory. The next chunk is pulled (on a worker, since
// the source may block on the database or disk) while the previous one is written, so that
// making a chunk and sending one overlap; a third is pulled only once that write completed
// (backpressure).
net::awaitable<bool> Server::Impl::write_stream(Connection& c, const Request& req,
                                                Response& resp, bool keep_alive,
                                                size_t& bytes) {
  using namespace net::experimental::awaitable_operators;
  bh::response<bh::empty_body> res;
  copy_headers(resp, req.request_id, keep_alive, res);
  res.chunked(true);
  bh::response_serializer<bh::empty_body> sr(res);
  c.stream.expires_after(secs(limits::http_request_timeout_seconds));
  auto [hec, hn] = co_await bh::async_write_header(c.stream, sr, use_tuple);
  if (hec) co_return false;
  if (req.method == Method::head) co_return true;
  bool failed = false;
  auto pull = [&](std::string& into) -> net::awaitable<bool> {
    into.clear();
    co_return co_await net::co_spawn(
        workers.get_executor(),
        [&]() -> net::awaitable<bool> {
          try {
            co_return resp.stream(into);
          } catch (const std::exception& e) {
            log::error("stream source threw",
                       {{"request_id", req.request_id}, {"error", e.what()}});
          } catch (...) {
            log::error("stream source threw", {{"request_id", req.request_id}});
          }
          failed = true;
          co_return false;
        },
        net::use_awaitable);
  };
  auto write_chunk = [&](const std::string& chunk) -> net::awaitable<bool> {
    if (chunk.empty()) co_return true;
    c.stream.expires_after(secs(limits::http_request_timeout_seconds));
    auto [ec, n] =
        co_await net::async_write(c.stream, bh::make_chunk(net::buffer(chunk)), use_tuple);
    if (ec) co_return false;
    bytes += chunk.size();
    co_return true;
  };
  std::string current;
  std::string next;
  bool more = co_await pull(current);
  for (;;) {
    // Headers are gone already: a failed stream can only be cut short (no last chunk), so
    // the client sees an incomplete body rather than a silently truncated one.
    if (failed) co_return false;
    if (!more) {
      if (!co_await write_chunk(current)) co_return false;
      break;
    }
    auto [written, next_more] = co_await (write_chunk(current) && pull(next));
    if (!written) co_return false;
    std::swap(current, next);
    more = next_more;
  }
  auto [ec, n] = co_await net::async_write(c.stream, bh::make_chunk_last(), use_tuple);
  co_return !ec;
}

// Answers an unrecoverable request error, then closes the connection gracefully.
net::awaitable<bool> Server::Impl::fail_and_close(Connection& c, Request& req,
                                                  Clock::time_point start, int status,
                                                  const char* code, const char* message) {
  Response resp = error_response(status, code, message);
  size_t bytes = 0;
  Method method = req.method;
  req.method = Method::get;  // error bodies are sent even to HEAD: the request was not understood
  bool ok = co_await write_response(c, req, resp, false, bytes);
  req.method = method;
  notify(req, status, {}, start, bytes);
  if (ok) co_await linger(c);
  co_return false;
}

// Closing a socket with unread input makes the kernel send RST, which can destroy the error
// response before the client reads it; so shut down our side and drain for a bounded time.
net::awaitable<void> Server::Impl::linger(Connection& c) {
  beast::error_code ec;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c.stream.expires_after(secs(linger_seconds));
  std::array<char, 8192> sink;
  for (size_t total = 0; total < linger_bytes_max;) {
    auto [rec, n] = co_await c.stream.async_read_some(net::buffer(sink), use_tuple);
    if (rec) break;
    total += n;
  }
}

void Server::Impl::notify(const Request& req, int status, std::string_view pattern,
                          Clock::time_point start, size_t bytes) {
  if (!observer) return;
  RequestRecord rec;
  rec.request = &req;
  rec.status = status;
  rec.route_pattern = pattern;
  rec.duration_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  rec.response_bytes = bytes;
  try {
    observer(rec);
  } catch (const std::exception& e) {
    log::error("request observer threw", {{"error", e.what()}});
  } catch (...) {
  }
}

// Posts a close to each connection's strand: only those waiting between requests, or all.
void Server::Impl::post_close(bool idle_only) {
  std::lock_guard lock(mu);
  for (auto& c : connections) {
    net::post(c->stream.get_executor(), [c, idle_only] {
      if (idle_only && !c->idle) return;
      beast::error_code ignored;
      c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
      c->stream.close();
    });
  }
}

bool Server::Impl::wait_connections(Clock::time_point deadline) {
  std::unique_lock lock(mu);
  return cv.wait_until(lock, deadline, [&] { return connections.empty(); });
}

void Server::Impl::stop(int drain_seconds) {
  {
    std::lock_guard lock(mu);
    if (signal_wait != nullptr) signal_wait->stop();
    if (!started || stopped) return;
    stopped = true;
  }
  stopping.store(true);
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
  });
  post_close(/*idle_only=*/true);
  if (!wait_connections(Clock::now() + secs(drain_seconds))) {
    log::warn("http drain timed out; closing remaining connections",
              {{"connections", open.load()}});
    post_close(/*idle_only=*/false);
  }
  // Handlers that started run to completion, even on a connection closed above.
  workers.join();
  wait_connections(Clock::now() + secs(linger_seconds + 1));
  work.reset();
  ioc.stop();
  for (auto& t : io_threads) t.join();
  io_threads.clear();
  // No thread runs the io_context now: close directly what a posted close may not have
  // reached (ioc.stop() can leave queued handlers unrun), so the port refuses from here on.
  beast::error_code ignored;
  acceptor.close(ignored);
  std::lock_guard lock(mu);
  for (auto& c : connections) c->stream.socket().close(ignored);
  connections.clear();  // coroutine frames still holding them go with the io_context
  open.store(0);
}

Server::Server(ServerOptions options, const Router& router, RequestObserver observer)
    : impl_(new Impl(std::move(options), router, std::move(observer))) {}

Server::~Server() {
  impl_->stop(0);
  delete impl_;
}

uint16_t Server::start() { return impl_->start(); }

void Server::stop(int drain_seconds) { impl_->stop(drain_seconds); }

void Server::run_until_signal() {
  net::io_context signal_ioc;
  net::signal_set signals(signal_ioc, SIGINT, SIGTERM);
  int received = 0;
  signals.async_wait([&](const beast::error_code&, int signo) { received = signo; });
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->signal_wait = &signal_ioc;
  }
  signal_ioc.run();  // until a signal, or until stop() is called from elsewhere
  {
    std::lock_guard lock(impl_->mu);
    impl_->signal_wait = nullptr;
  }
  if (received != 0) log::info("shutting down", {{"signal", received}});
  stop(limits::http_shutdown_drain_seconds);
}

int Server::open_connections() const { return impl_->open.load(); }

}  // namespace sd::http
