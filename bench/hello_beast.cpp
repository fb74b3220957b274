// Baseline for bench/run-healthz: the smallest reasonable Beast server. Same threading model
// as ours (one io_context, N threads, a coroutine per connection on a strand) so that the
// ratio measures what our layer adds, not a different architecture.
//   bench_hello_beast [port=0] [io_threads=2]   → prints "port N" on stdout
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

net::awaitable<void> session(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    stream.expires_after(std::chrono::seconds(30));
    bh::request<bh::string_body> req;
    auto [ec, n] = co_await bh::async_read(stream, buffer, req, use_tuple);
    if (ec) break;
    bh::response<bh::string_body> res{bh::status::ok, req.version()};
    res.set(bh::field::content_type, "text/plain");
    res.keep_alive(req.keep_alive());
    res.body() = "ok";
    res.prepare_payload();
    auto [wec, wn] = co_await bh::async_write(stream, res, use_tuple);
    if (wec || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> listen(net::io_context& ioc, tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, sock] = co_await acceptor.async_accept(net::make_strand(ioc), use_tuple);
    if (ec) co_return;
    sock.set_option(tcp::no_delay(true), ec);
    net::co_spawn(sock.get_executor(), session(beast::tcp_stream(std::move(sock))),
                  net::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  net::io_context ioc(threads);
  tcp::acceptor acceptor(net::make_strand(ioc), {net::ip::make_address("127.0.0.1"), port});
  std::printf("port %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  net::co_spawn(acceptor.get_executor(), listen(ioc, acceptor), net::detached);
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) { ioc.stop(); });
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}
