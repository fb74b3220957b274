#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "platform/observability/log.hpp"
#include "platform/observability/metrics.hpp"

namespace {

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

TEST(Metrics, CounterRendersWithHelpAndType) {
  sd::metrics::Registry r;
  r.describe("http_requests_total", "Requests served.", "counter");
  r.count("http_requests_total", R"(route="/a",status="200")");
  r.count("http_requests_total", R"(route="/a",status="200")", 2);
  r.count("jobs_total", "");
  std::string out = r.render();
  EXPECT_TRUE(contains(out, "# HELP http_requests_total Requests served.\n"));
  EXPECT_TRUE(contains(out, "# TYPE http_requests_total counter\n"));
  EXPECT_TRUE(contains(out, "http_requests_total{route=\"/a\",status=\"200\"} 3\n"));
  EXPECT_TRUE(contains(out, "# TYPE jobs_total counter\njobs_total 1\n"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  sd::metrics::Registry r;
  r.observe("lat_seconds", R"(route="/x")", 0.0004);
  r.observe("lat_seconds", R"(route="/x")", 0.003);
  r.observe("lat_seconds", R"(route="/x")", 7.0);
  std::string out = r.render();
  EXPECT_TRUE(contains(out, "# TYPE lat_seconds histogram\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"0.0025\"} 1\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"5\"} 2\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_count{route=\"/x\"} 3\n"));
  EXPECT_TRUE(contains(out, "lat_seconds_sum{route=\"/x\"} 7.0034\n"));
}

TEST(Metrics, GaugeReadAtRender) {
  sd::metrics::Registry r;
  double v = 1;
  r.gauge("open_connections", "Open HTTP connections.", [&] { return v; });
  v = 5;
  std::string out = r.render();
  EXPECT_TRUE(contains(out, "# HELP open_connections Open HTTP connections.\n"));
  EXPECT_TRUE(contains(out, "# TYPE open_connections gauge\nopen_connections 5\n"));
}

TEST(Metrics, ConcurrentUpdatesAreCounted) {
  sd::metrics::Registry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        r.count("c_total", "k=\"v\"");
        r.observe("h_seconds", "k=\"v\"", 0.001);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string out = r.render();
  EXPECT_TRUE(contains(out, "c_total{k=\"v\"} 40000\n"));
  EXPECT_TRUE(contains(out, "h_seconds_count{k=\"v\"} 40000\n"));
}

// The per-request cost (one count + one observe) must stay far below a request's cost.
TEST(Metrics, Cost) {
  sd::metrics::Registry r;
  const std::string labels = R"(route="/healthz",method="GET",status="200")";
  const int n = 200000;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    r.count("http_requests_total", labels);
    r.observe("http_request_duration_seconds", labels, 0.0002);
  }
  double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start)
                  .count() / n;
  std::printf("count+observe: %.0f ns per request\n", ns);
  EXPECT_LT(ns, 20000);  // generous: sanitizer builds are slow
}

// Captures fd 2 into a temp file for the duration of a test.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    saved_ = dup(2);
    file_ = std::tmpfile();
    dup2(fileno(file_), 2);
  }
  ~StderrCapture() {
    dup2(saved_, 2);
    close(saved_);
    std::fclose(file_);
  }
  std::string text() {
    std::fflush(file_);
    std::rewind(file_);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, file_)) > 0) out.append(buf, n);
    return out;
  }

 private:
  int saved_;
  std::FILE* file_;
};

TEST(Log, JsonLineWithEscapedFields) {
  sd::log::init(sd::log::Level::info, true);
  StderrCapture cap;
  sd::log::info("hello \"world\"\n", {{"path", "/a\\b"}, {"status", 200}, {"ctl", "\x01"}});
  sd::log::write(sd::log::Level::debug, "hidden");
  sd::log::flush();
  std::string out = cap.text();
  EXPECT_TRUE(contains(out, R"("level":"info","msg":"hello \"world\"\n","path":"/a\\b","status":200,"ctl":"\u0001"})"))
      << out;
  EXPECT_TRUE(contains(out, "{\"ts\":\"20")) << out;
  EXPECT_FALSE(contains(out, "hidden"));
  // RFC 3339 UTC with milliseconds: 2024-05-01T12:00:00.123Z
  auto ts = out.substr(out.find("\"ts\":\"") + 6, 24);
  EXPECT_EQ(ts.size(), 24u);
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts[23], 'Z');
  EXPECT_EQ(out.back(), '\n');
}

TEST(Log, ManyLinesAllArriveInOrder) {
  sd::log::init(sd::log::Level::info, false);
  EXPECT_FALSE(sd::log::access_log_enabled());
  StderrCapture cap;
  for (int i = 0; i < 20000; ++i) sd::log::info("line", {{"i", i}});
  sd::log::flush();
  std::string out = cap.text();
  size_t lines = 0;
  for (char c : out) lines += c == '\n';
  EXPECT_EQ(lines, 20000u);
  EXPECT_TRUE(contains(out, "\"i\":19999}"));
  sd::log::init(sd::log::Level::info, true);
}

TEST(Log, BatchedLinesKeepOrderAndArriveWithoutFlush) {
  sd::log::init(sd::log::Level::info, true);
  StderrCapture cap;
  sd::log::info("first");
  sd::log::warn("second");  // warnings are not batched, but come after earlier lines
  sd::log::info("third");
  // The flusher hands batches over within 100 ms and the sink writes within a second.
  std::string out;
  for (int i = 0; i < 40 && !contains(out, "third"); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    out = cap.text();
  }
  ASSERT_TRUE(contains(out, "third")) << out;
  EXPECT_LT(out.find("first"), out.find("second"));
  EXPECT_LT(out.find("second"), out.find("third"));
}

}  // namespace
