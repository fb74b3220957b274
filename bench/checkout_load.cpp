// W-CHECKOUT load generator (shared/BENCH.md) in C++: CLIENTS keep-alive connections, each a
// thread posting checkouts of random published tiers as new guests with a fresh
// Idempotency-Key, for DURATION seconds; every request in flight is answered before it stops,
// so "orders in the database = 201 answers" can be checked exactly. It costs the shared cores a
// fraction of what bench/checkout-load.mjs costs (the same load, same JSON line out).
//   bench_checkout_load HOST PORT STORE_SLUG [CLIENTS=16] [DURATION_S=10]
// Prints {"orders_per_s","p50_ms","p99_ms","created","other","seconds"}.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Target {
  std::string host;
  int port = 0;
};

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_checkout_load: %s\n", what.c_str());
  std::exit(1);
}

int connect_to(const Target& t) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) die("socket");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(t.port));
  if (::inet_pton(AF_INET, t.host.c_str(), &a.sin_addr) != 1) die("bad host " + t.host);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// One HTTP/1.1 keep-alive connection: sends a request, reads one Content-Length answer.
class Conn {
 public:
  explicit Conn(const Target& t) : fd_(connect_to(t)) {}
  ~Conn() { ::close(fd_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Returns the status and fills `body`.
  int exchange(const std::string& request, std::string& body) {
    for (size_t off = 0; off < request.size();) {
      const auto n = ::send(fd_, request.data() + off, request.size() - off, MSG_NOSIGNAL);
      if (n <= 0) die("send");
      off += static_cast<size_t>(n);
    }
    size_t head_end;
    while ((head_end = buf_.find("\r\n\r\n")) == std::string::npos) fill();
    const std::string head = buf_.substr(0, head_end);
    const int status = std::atoi(head.c_str() + 9);  // "HTTP/1.1 201 …"
    std::string lower = head;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    const auto cl = lower.find("content-length:");
    if (cl == std::string::npos) die("answer without Content-Length");
    const size_t len = std::strtoull(head.c_str() + cl + 15, nullptr, 10);
    while (buf_.size() < head_end + 4 + len) fill();
    body.assign(buf_, head_end + 4, len);
    buf_.erase(0, head_end + 4 + len);
    return status;
  }

 private:
  void fill() {
    char tmp[16384];
    const auto n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) die("connection closed by the server");
    buf_.append(tmp, static_cast<size_t>(n));
  }
  int fd_;
  std::string buf_;
};

std::string request(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& extra_headers) {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: bench\r\n" + extra_headers;
  if (!body.empty()) {
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + "\r\n" + body;
}

std::string uuid(std::mt19937_64& rng) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += hex[rng() & 15];
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST PORT STORE_SLUG [CLIENTS=16] [DURATION_S=10]\n", argv[0]);
    return 2;
  }
  const Target target{argv[1], std::atoi(argv[2])};
  const std::string store = argv[3];
  const int clients = argc > 4 ? std::atoi(argv[4]) : 16;
  const double duration_s = argc > 5 ? std::atof(argv[5]) : 10;

  // The catalog: every published tier of the store.
  std::vector<std::pair<std::string, std::string>> items;
  {
    Conn c(target);
    std::string body;
    const int st = c.exchange(request("GET", "/api/v1/stores/" + store + "/products?limit=100", "", ""), body);
    if (st != 200) die("product list answered " + std::to_string(st));
    const auto list = nlohmann::json::parse(body);
    for (const auto& p : list.at("data"))
      for (const auto& t : p.at("tiers"))
        items.emplace_back(p.at("id").get<std::string>(), t.at("id").get<std::string>());
  }
  if (items.empty()) die("the store has no published tiers");
  const std::vector<std::string> places = {
      R"("country":"US","region":"OR")", R"("country":"US","region":"WA")",
      R"("country":"DE","consent_immediate_delivery":true)", R"("country":"GB")",
      R"("country":"JP")"};

  std::mutex mu;
  std::vector<double> latencies;
  std::atomic<long> created{0}, other{0};
  const auto started = Clock::now();
  const auto deadline = started + std::chrono::duration<double>(duration_s);
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&, i] {
      std::mt19937_64 rng(std::random_device{}() ^ static_cast<uint64_t>(i));
      Conn c(target);
      std::vector<double> mine;
      std::string answer;
      while (Clock::now() < deadline) {
        const auto key = uuid(rng);
        const auto& item = items[rng() % items.size()];
        const std::string body = R"({"store":")" + store + R"(","items":[{"product_id":")" +
                                 item.first + R"(","tier_id":")" + item.second +
                                 R"(","quantity":1}],"email":")" + key +
                                 R"(@bench.example","name":"Bench Buyer",)" +
                                 places[rng() % places.size()] +
                                 R"(,"payment_token":"test_card_4242424242424242"})";
        const auto t0 = Clock::now();
        const int st = c.exchange(
            request("POST", "/api/v1/checkout", body, "Idempotency-Key: " + key + "\r\n"), answer);
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        (st == 201 ? created : other).fetch_add(1);
      }
      std::lock_guard lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))];
  };
  std::printf(
      "{\"orders_per_s\":%.0f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"created\":%ld,\"other\":%ld,"
      "\"seconds\":%.2f}\n",
      static_cast<double>(created.load()) / elapsed, pct(0.5), pct(0.99), created.load(),
      other.load(), elapsed);
  return 0;
}
