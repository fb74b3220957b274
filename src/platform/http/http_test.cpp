// Router/helpers unit tests, and a real Server on a loopback port driven by a Beast client.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

#include "core/limits.hpp"
#include "platform/http/http.hpp"

namespace {

using namespace sd::http;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using tcp = net::ip::tcp;

Response text(std::string s) {
  Response r;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(s);
  return r;
}

Route route(Method m, std::string pattern, std::string tag,
            Execution ex = Execution::inline_io) {
  return Route{m, std::move(pattern), [tag](Request&) { return text(tag); }, ex, 0};
}

Request request(Method m, std::string path) {
  Request r;
  r.method = m;
  r.path = std::move(path);
  return r;
}

std::string run(const Router& router, Request& req) {
  auto m = router.match(req);
  if (!m.route) return "error " + std::to_string(m.error->status);
  return m.route->handler(req).body;
}

// ---- Router ----------------------------------------------------------------------------

TEST(Router, ParamsRestAndLiteralPrecedence) {
  Router r;
  r.add(route(Method::get, "/api/v1/products/{id}", "product"));
  r.add(route(Method::get, "/api/v1/products/new", "new"));
  r.add(route(Method::get, "/api/v1/products/{id}/files/{file}", "file"));
  r.add(route(Method::get, "/static/{*rest}", "static"));
  r.add(route(Method::get, "/", "root"));

  auto req = request(Method::get, "/api/v1/products/p_123");
  EXPECT_EQ(run(r, req), "product");
  EXPECT_EQ(req.path_param("id"), "p_123");

  req = request(Method::get, "/api/v1/products/new");
  EXPECT_EQ(run(r, req), "new");
  EXPECT_TRUE(req.path_params.empty());

  req = request(Method::get, "/api/v1/products/p_1/files/f_2");
  EXPECT_EQ(run(r, req), "file");
  EXPECT_EQ(req.path_param("id"), "p_1");
  EXPECT_EQ(req.path_param("file"), "f_2");

  req = request(Method::get, "/static/js/app.1234.js");
  EXPECT_EQ(run(r, req), "static");
  EXPECT_EQ(req.path_param("rest"), "js/app.1234.js");

  req = request(Method::get, "/");
  EXPECT_EQ(run(r, req), "root");

  req = request(Method::get, "/api/v1/products/");  // empty param does not match
  EXPECT_EQ(run(r, req), "error 404");
  req = request(Method::get, "/api/v1/products/p_1/extra");
  EXPECT_EQ(run(r, req), "error 404");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  Router r;
  r.add(route(Method::get, "/api/v1/store", "get"));
  r.add(route(Method::patch, "/api/v1/store", "patch"));
  auto req = request(Method::get, "/nope");
  auto m = r.match(req);
  ASSERT_FALSE(m.route);
  EXPECT_EQ(m.error->status, 404);
  EXPECT_NE(m.error->body.find("\"route_not_found\""), std::string::npos);

  req = request(Method::delete_, "/api/v1/store");
  m = r.match(req);
  ASSERT_FALSE(m.route);
  EXPECT_EQ(m.error->status, 405);
  EXPECT_NE(m.error->body.find("\"method_not_allowed\""), std::string::npos);
  EXPECT_EQ(m.error->header("allow"), "GET, HEAD, PATCH");
}

TEST(Router, HeadMatchesGetAndFallbackServesUnmatchedGets) {
  Router r;
  r.add(route(Method::get, "/healthz", "health"));
  r.add(route(Method::post, "/api/v1/login", "login"));
  r.set_fallback(route(Method::get, "/{*path}", "spa"));
  auto req = request(Method::head, "/healthz");
  EXPECT_EQ(run(r, req), "health");
  req = request(Method::get, "/dashboard/orders");
  EXPECT_EQ(run(r, req), "spa");
  req = request(Method::head, "/dashboard");
  EXPECT_EQ(run(r, req), "spa");
  req = request(Method::post, "/dashboard");
  EXPECT_EQ(run(r, req), "error 404");
  req = request(Method::get, "/api/v1/login");  // known path, other method: 405 wins
  EXPECT_EQ(run(r, req), "error 405");
}

// ---- Helpers ---------------------------------------------------------------------------

TEST(PercentDecode, ValidAndInvalid) {
  EXPECT_EQ(percent_decode("/a%20b/%C3%A9", false), "/a b/\xC3\xA9");
  EXPECT_EQ(percent_decode("a+b%2B", true), "a b+");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%00", false), std::string(1, '\0'));
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%4", false));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_FALSE(percent_decode("abc%G1", false));
  EXPECT_EQ(percent_decode("", false), "");
}

TEST(ContentDisposition, FallbackAndUtf8Name) {
  EXPECT_EQ(content_disposition(true, "photo.png"),
            "inline; filename=\"photo.png\"; filename*=UTF-8''photo.png");
  // Quotes, backslashes, CR/LF and non-ASCII never reach the header as such.
  EXPECT_EQ(content_disposition(false, "a\"b\\c\r\nd.txt"),
            "attachment; filename=\"a_b_c__d.txt\"; filename*=UTF-8''a%22b%5Cc%0D%0Ad.txt");
  EXPECT_EQ(content_disposition(false, "Guía de uso.pdf"),
            "attachment; filename=\"Gu__a de uso.pdf\"; filename*=UTF-8''Gu%C3%ADa%20de%20uso.pdf");
  EXPECT_EQ(content_disposition(false, "a;b=c,d.txt"),
            "attachment; filename=\"a;b=c,d.txt\"; filename*=UTF-8''a%3Bb%3Dc%2Cd.txt");
}

TEST(Request, CookiesHeadersAndQuery) {
  Request r;
  r.headers = {{"cookie", "a=1; sd_session=abc.def ;quoted=\"x y\""}, {"cookie", "late=2"}};
  r.query = {{"limit", "10"}, {"limit", "20"}};
  EXPECT_EQ(r.cookie("sd_session"), "abc.def");
  EXPECT_EQ(r.cookie("a"), "1");
  EXPECT_EQ(r.cookie("quoted"), "x y");
  EXPECT_EQ(r.cookie("late"), "2");
  EXPECT_FALSE(r.cookie("sd"));
  EXPECT_EQ(r.header("cookie")->substr(0, 3), "a=1");
  EXPECT_FALSE(r.header("Cookie"));  // names are stored lower-cased
  EXPECT_EQ(r.query_param("limit"), "10");
  EXPECT_FALSE(r.query_param("cursor"));
}

TEST(Response, ErrorObjectShapeAndEscaping) {
  auto r = error_response(400, "invalid_email", "Bad \"email\"\n\\", "customer.email");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.body,
            R"({"error":{"type":"invalid_request","code":"invalid_email","message":"Bad \"email\"\n\\","param":"customer.email"}})");
  auto n = error_response(404, "not_found", "No such order.");
  EXPECT_EQ(n.body,
            R"({"error":{"type":"not_found","code":"not_found","message":"No such order.","param":null}})");
  EXPECT_NE(error_response(401, "x", "y").body.find("\"authentication\""), std::string::npos);
  EXPECT_NE(error_response(403, "x", "y").body.find("\"permission\""), std::string::npos);
  EXPECT_NE(error_response(409, "x", "y").body.find("\"conflict\""), std::string::npos);
  EXPECT_NE(error_response(422, "x", "y").body.find("\"idempotency\""), std::string::npos);
  EXPECT_NE(error_response(429, "x", "y").body.find("\"rate_limited\""), std::string::npos);
  EXPECT_NE(error_response(500, "x", "\x01").body.find(R"("api")"), std::string::npos);
  EXPECT_NE(error_response(413, "body_too_large", "x").body.find(R"("invalid_request")"), std::string::npos);
  EXPECT_NE(error_response(500, "x", "\x01").body.find(R"(\u0001)"), std::string::npos);
  Response s;
  s.set_header("X-A", "1");
  s.set_header("x-a", "2");
  EXPECT_EQ(s.headers.size(), 1u);
  EXPECT_EQ(s.header("X-A"), "2");
  EXPECT_STREQ(method_name(Method::delete_), "DELETE");
}

// ---- A real server ---------------------------------------------------------------------

size_t rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

class ServerTest : public ::testing::Test {
 protected:
  void start(int io_threads = 2) {
    server_ = std::make_unique<Server>(ServerOptions{"127.0.0.1", 0, io_threads, 4}, router_,
                                       [this](const RequestRecord& rec) {
                                         std::lock_guard lock(mu_);
                                         records_.push_back({rec.status,
                                                             std::string(rec.route_pattern)});
                                       });
    port_ = server_->start();
  }
  void TearDown() override {
    if (server_) server_->stop(5);
  }

  tcp::socket connect() {
    tcp::socket s(ioc_);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    return s;
  }

  bh::response<bh::string_body> send(tcp::socket& s, bh::request<bh::string_body> req) {
    req.version(11);
    req.set(bh::field::host, "localhost");
    req.prepare_payload();
    bh::write(s, req);
    return read(s);
  }
  bh::response<bh::string_body> read(tcp::socket& s) {
    bh::response_parser<bh::string_body> p;
    p.body_limit(boost::none);
    bh::read(s, buf_, p);
    return p.release();
  }
  bh::response<bh::string_body> get(std::string target) {
    auto s = connect();
    return send(s, {bh::verb::get, target, 11});
  }
  // True when the server closed the connection (EOF on the next read).
  bool closed_by_server(tcp::socket& s) {
    char c;
    beast::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    return ec == net::error::eof || ec == net::error::connection_reset;
  }

  Router router_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
  net::io_context ioc_;
  beast::flat_buffer buf_;
  std::mutex mu_;
  std::vector<std::pair<int, std::string>> records_;
};

TEST_F(ServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  router_.add(route(Method::get, "/healthz", "ok"));
  router_.add(Route{Method::post, "/echo/{name}",
                    [](Request& r) {
                      return text(std::string(r.path_param("name")) + ":" + r.body + ":" +
                                  std::string(r.query_param("q").value_or("")));
                    },
                    Execution::worker, 0});
  start();
  auto s = connect();
  auto r1 = send(s, {bh::verb::get, "/healthz", 11});
  EXPECT_EQ(r1.result_int(), 200);
  EXPECT_EQ(r1.body(), "ok");
  EXPECT_TRUE(r1.keep_alive());
  EXPECT_EQ(r1[bh::field::content_length], "2");
  EXPECT_EQ(r1[bh::field::content_type], "text/plain");
  bh::request<bh::string_body> post{bh::verb::post, "/echo/a%20b?q=x+y%21", 11};
  post.body() = "hello";
  auto r2 = send(s, post);
  EXPECT_EQ(r2.result_int(), 200);
  EXPECT_EQ(r2.body(), "a b:hello:x y!");
  server_->stop(5);
  std::lock_guard lock(mu_);
  ASSERT_EQ(records_.size(), 2u);
  EXPECT_EQ(records_[0], (std::pair<int, std::string>{200, "/healthz"}));
  EXPECT_EQ(records_[1], (std::pair<int, std::string>{200, "/echo/{name}"}));
}

TEST_F(ServerTest, RejectsBodiesOverTheRouteLimit) {
  router_.add(Route{Method::post, "/small", [](Request&) { return text("ok"); },
                    Execution::inline_io, 1024});
  start();
  {  // announced by Content-Length: answered before the body is sent
    auto s = connect();
    std::string head =
        "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n\r\n";
    net::write(s, net::buffer(head));
    auto r = read(s);
    EXPECT_EQ(r.result_int(), 413);
    EXPECT_NE(r.body().find("\"body_too_large\""), std::string::npos);
    EXPECT_FALSE(r.keep_alive());
    EXPECT_TRUE(closed_by_server(s));
  }
  {  // chunked: discovered while reading
    auto s = connect();
    std::string req = "POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    std::string chunk(600, 'a');
    for (int i = 0; i < 3; ++i) req += "258\r\n" + chunk + "\r\n";
    req += "0\r\n\r\n";
    net::write(s, net::buffer(req));
    auto r = read(s);
    EXPECT_EQ(r.result_int(), 413) << r.body();
    EXPECT_TRUE(closed_by_server(s));
  }
  {  // within the limit
    auto s = connect();
    bh::request<bh::string_body> req{bh::verb::post, "/small", 11};
    req.body() = std::string(1024, 'b');
    EXPECT_EQ(send(s, req).result_int(), 200);
  }
}

TEST_F(ServerTest, MalformedRequestsGet400AndClose) {
  router_.add(route(Method::get, "/healthz", "ok"));
  start();
  {
    auto s = connect();
    net::write(s, net::buffer(std::string("GARBAGE\r\n\r\n")));
    auto r = read(s);
    EXPECT_EQ(r.result_int(), 400);
    EXPECT_NE(r.body().find("\"malformed_request\""), std::string::npos);
    EXPECT_EQ(r[bh::field::content_type], "application/json");
    EXPECT_TRUE(closed_by_server(s));
  }
  {
    auto s = connect();
    net::write(s, net::buffer(std::string("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n")));
    EXPECT_EQ(read(s).result_int(), 400);
  }
  {
    auto s = connect();
    net::write(s, net::buffer(std::string("GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n")));
    EXPECT_EQ(read(s).result_int(), 400);
  }
  {
    auto s = connect();
    std::string url = "/" + std::string(sd::limits::http_url_bytes_max + 1, 'u');
    net::write(s, net::buffer("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_EQ(read(s).result_int(), 414);
  }
  {
    auto s = connect();
    std::string big(sd::limits::http_header_bytes_max + 10, 'h');
    net::write(s, net::buffer("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"));
    EXPECT_EQ(read(s).result_int(), 431);
  }
}

TEST_F(ServerTest, RoutingErrorsHeadAndHandlerExceptions) {
  router_.add(route(Method::get, "/healthz", "healthy"));
  router_.add(Route{Method::get, "/boom",
                    [](Request&) -> Response { throw std::runtime_error("kaboom"); },
                    Execution::worker, 0});
  start();
  auto s = connect();
  auto nf = send(s, {bh::verb::get, "/nope", 11});
  EXPECT_EQ(nf.result_int(), 404);
  EXPECT_TRUE(nf.keep_alive());
  auto na = send(s, {bh::verb::delete_, "/healthz", 11});
  EXPECT_EQ(na.result_int(), 405);
  EXPECT_EQ(na[bh::field::allow], "GET, HEAD");

  bh::request<bh::string_body> head{bh::verb::head, "/healthz", 11};
  head.set(bh::field::host, "x");
  bh::write(s, head);
  bh::response_parser<bh::empty_body> hp;
  hp.skip(true);  // a HEAD response has no body whatever its Content-Length
  bh::read(s, buf_, hp);
  EXPECT_EQ(hp.get().result_int(), 200);
  EXPECT_EQ(hp.get()[bh::field::content_length], "7");

  auto boom = send(s, {bh::verb::get, "/boom", 11});
  EXPECT_EQ(boom.result_int(), 500);
  EXPECT_NE(boom.body().find("\"internal_error\""), std::string::npos);
  EXPECT_EQ(send(s, {bh::verb::get, "/healthz", 11}).body(), "healthy");
}

TEST_F(ServerTest, WorkerAndInlineExecutionRunOnDifferentThreads) {
  std::mutex mu;
  std::thread::id inline_id, worker_id;
  router_.add(Route{Method::get, "/inline",
                    [&](Request&) {
                      std::lock_guard lock(mu);
                      inline_id = std::this_thread::get_id();
                      return text("i");
                    },
                    Execution::inline_io, 0});
  // The worker blocks until the test has had its inline answers: were the I/O thread stalled
  // by it, the inline requests would wait out the worker's 10 s and find it timed out.
  std::latch worker_started(1);
  std::promise<void> release;
  bool released_in_time = false;
  router_.add(Route{Method::get, "/worker",
                    [&, go = release.get_future().share()](Request&) {
                      worker_started.count_down();
                      const bool in_time =
                          go.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
                      std::lock_guard lock(mu);
                      released_in_time = in_time;
                      worker_id = std::this_thread::get_id();
                      return text("w");
                    },
                    Execution::worker, 0});
  start(1);  // one I/O thread: another could not hide a stalled one
  auto slow = std::async(std::launch::async, [&] { return get("/worker").body(); });
  worker_started.wait();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/inline").body(), "i");
  release.set_value();
  EXPECT_EQ(slow.get(), "w");
  std::lock_guard lock(mu);
  EXPECT_TRUE(released_in_time) << "the inline requests waited for the blocked worker";
  EXPECT_NE(inline_id, std::thread::id());
  EXPECT_NE(worker_id, std::thread::id());
  EXPECT_NE(inline_id, worker_id);
  EXPECT_NE(inline_id, std::this_thread::get_id());
}

TEST_F(ServerTest, StreamsFiftyMegabytesChunkedWithFlatMemory) {
  static constexpr size_t total = 50u * 1024 * 1024;
  static constexpr size_t chunk = 64 * 1024;
  router_.add(Route{Method::get, "/export.csv",
                    [](Request&) {
                      Response r;
                      r.headers.emplace_back("Content-Type", "text/csv");
                      auto sent = std::make_shared<size_t>(0);
                      r.stream = [sent](std::string& out) {
                        size_t n = std::min(chunk, total - *sent);
                        out.assign(n, static_cast<char>('a' + (*sent / chunk) % 26));
                        *sent += n;
                        return *sent < total;
                      };
                      return r;
                    },
                    Execution::worker, 0});
  start();
  size_t before = rss_kib();
  auto s = connect();
  bh::request<bh::empty_body> req{bh::verb::get, "/export.csv", 11};
  req.set(bh::field::host, "x");
  bh::write(s, req);
  bh::response_parser<bh::empty_body> p;
  p.body_limit(boost::none);
  size_t received = 0;
  bool pattern_ok = true;
  auto on_body = [&](std::uint64_t, std::string_view body, beast::error_code&) {
    for (size_t i = 0; i < body.size(); i += 4096) {
      size_t pos = received + i;
      pattern_ok = pattern_ok && body[i] == static_cast<char>('a' + (pos / chunk) % 26);
    }
    received += body.size();
    return body.size();
  };
  p.on_chunk_body(on_body);
  bh::read(s, buf_, p);
  EXPECT_TRUE(p.get().chunked());
  EXPECT_EQ(p.get()[bh::field::content_type], "text/csv");
  EXPECT_EQ(received, total);
  EXPECT_TRUE(pattern_ok);
  size_t after = rss_kib();
  // Buffering the whole body would add ≥ 50 MiB; one chunk at a time adds next to nothing.
  EXPECT_LT(after, before + 20 * 1024) << "RSS grew from " << before << " to " << after << " KiB";
  // The connection stays usable after the last chunk.
  EXPECT_TRUE(p.get().keep_alive());
}

TEST_F(ServerTest, InlineTryAnswersOnTheIoThreadOrFallsThroughToTheWorker) {
  std::mutex mu;
  std::thread::id fast_id, worker_id;
  auto shared = std::make_shared<const std::string>(std::string(100000, 'x'));
  Route r{Method::get, "/cached",
          [&](Request&) {
            std::lock_guard lock(mu);
            worker_id = std::this_thread::get_id();
            return text("from the worker");
          },
          Execution::worker, 0};
  r.try_inline = [&](Request& req) -> std::optional<Response> {
    {
      std::lock_guard lock(mu);
      fast_id = std::this_thread::get_id();
    }
    if (req.query_param("miss")) return std::nullopt;
    if (req.query_param("throw")) throw std::runtime_error("boom");
    Response res;
    if (req.query_param("not-modified")) {
      res.status = 304;
      res.set_header("ETag", "\"1\"");
      return res;
    }
    res.shared_body = shared;
    return res;
  };
  router_.add(std::move(r));
  start();
  auto hit = get("/cached");
  EXPECT_EQ(hit.result_int(), 200);
  EXPECT_EQ(hit.body(), *shared);  // the shared body, whole
  EXPECT_EQ(hit[bh::field::content_length], "100000");
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(worker_id, std::thread::id()) << "a fast answer must not reach the worker";
  }
  EXPECT_EQ(get("/cached?miss=1").body(), "from the worker");
  EXPECT_EQ(get("/cached?throw=1").body(), "from the worker");  // logged, then the handler
  {
    std::lock_guard lock(mu);
    EXPECT_NE(worker_id, std::thread::id());
    EXPECT_NE(fast_id, worker_id);
  }
  // HEAD of a shared body: its length, no body.
  auto s = connect();
  bh::request<bh::empty_body> hreq{bh::verb::head, "/cached", 11};
  hreq.set(bh::field::host, "x");
  bh::write(s, hreq);
  bh::response_parser<bh::empty_body> hp;
  hp.skip(true);  // a HEAD response has no body whatever its Content-Length
  bh::read(s, buf_, hp);
  EXPECT_EQ(hp.get()[bh::field::content_length], "100000");
  // A 304 carries no Content-Length and no body, and the connection stays usable.
  auto nm = send(s, {bh::verb::get, "/cached?not-modified=1", 11});
  EXPECT_EQ(nm.result_int(), 304);
  EXPECT_EQ(nm.count(bh::field::content_length), 0u);
  EXPECT_EQ(nm[bh::field::etag], "\"1\"");
  EXPECT_EQ(send(s, {bh::verb::get, "/cached", 11}).body().size(), 100000u);
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
  router_.add(Route{Method::get, "/id",
                    [](Request& r) { return text(r.request_id); }, Execution::inline_io, 0});
  start();
  auto s = connect();
  bh::request<bh::string_body> req{bh::verb::get, "/id", 11};
  req.set("X-Request-Id", "abc-123_x.y");
  auto r = send(s, req);
  EXPECT_EQ(r["X-Request-Id"], "abc-123_x.y");
  EXPECT_EQ(r.body(), "abc-123_x.y");
  req.set("X-Request-Id", "bad id with spaces");
  r = send(s, req);
  EXPECT_EQ(r["X-Request-Id"].size(), 16u);
  EXPECT_EQ(r.body(), std::string(r["X-Request-Id"]));
  auto nf = send(s, {bh::verb::get, "/missing", 11});
  EXPECT_EQ(nf["X-Request-Id"].size(), 16u);
}

TEST_F(ServerTest, GracefulStopFinishesInFlightAndRefusesNew) {
  std::atomic<bool> started{false};
  router_.add(Route{Method::get, "/slow",
                    [&](Request&) {
                      started = true;
                      std::this_thread::sleep_for(std::chrono::seconds(1));
                      return text("done");
                    },
                    Execution::worker, 0});
  router_.add(route(Method::get, "/healthz", "ok"));
  start();
  auto idle = connect();  // a keep-alive connection between requests: closed at once
  EXPECT_EQ(send(idle, {bh::verb::get, "/healthz", 11}).result_int(), 200);
  auto slow = std::async(std::launch::async, [&] {
    net::io_context ioc;
    tcp::socket s(ioc);
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
    bh::request<bh::empty_body> req{bh::verb::get, "/slow", 11};
    req.set(bh::field::host, "x");
    bh::write(s, req);
    beast::flat_buffer b;
    bh::response<bh::string_body> res;
    bh::read(s, b, res);
    return res;
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto t0 = std::chrono::steady_clock::now();
  server_->stop(5);
  auto took = std::chrono::steady_clock::now() - t0;
  auto res = slow.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), "done");
  EXPECT_FALSE(res.keep_alive());  // Connection: close during shutdown
  EXPECT_LT(took, std::chrono::seconds(3));  // the idle connection did not hold the drain
  EXPECT_TRUE(closed_by_server(idle));
  tcp::socket s(ioc_);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  EXPECT_EQ(ec, net::error::connection_refused);
  EXPECT_EQ(server_->open_connections(), 0);
}

TEST_F(ServerTest, DrainDeadlineClosesStuckConnectionsButHandlersComplete) {
  std::atomic<bool> started{false}, finished{false};
  router_.add(Route{Method::get, "/stuck",
                    [&](Request&) {
                      started = true;
                      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
                      finished = true;
                      return text("late");
                    },
                    Execution::worker, 0});
  start();
  auto s = connect();
  bh::request<bh::empty_body> req{bh::verb::get, "/stuck", 11};
  req.set(bh::field::host, "x");
  bh::write(s, req);
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server_->stop(0);
  EXPECT_TRUE(finished);  // stop() returned only after the started handler completed
}

TEST_F(ServerTest, RunUntilSignalReturnsOnSigtermOrStop) {
  router_.add(route(Method::get, "/healthz", "ok"));
  start();
  auto waiter = std::async(std::launch::async, [&] { server_->run_until_signal(); });
  EXPECT_EQ(get("/healthz").result_int(), 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::raise(SIGTERM);
  EXPECT_EQ(waiter.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  tcp::socket s(ioc_);
  beast::error_code ec;
  s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_), ec);
  EXPECT_EQ(ec, net::error::connection_refused);
}

}  // namespace
