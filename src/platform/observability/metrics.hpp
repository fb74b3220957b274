// Prometheus metrics: counters, gauges and histograms, rendered in the text format.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>  // gauges_
#include <vector>

namespace sd::metrics {

// Monotonic counters and latency histograms keyed by a label set, e.g.
// http_requests_total{route="/api/v1/store",method="GET",status="200"}.
class Registry {
 public:
  // Adds 1 to a counter (created on first use).
  void count(const std::string& name, const std::string& labels, int64_t delta = 1);
  // Records one observation (seconds) into a histogram with the default latency buckets.
  void observe(const std::string& name, const std::string& labels, double seconds);
  // A gauge read at render time.
  void gauge(const std::string& name, const std::string& help, std::function<double()> read);
  // Help text for a counter or histogram family.
  void describe(const std::string& name, const std::string& help, const std::string& type);
  // The Prometheus text exposition of everything.
  std::string render() const;

 private:
  struct Histogram;
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, int64_t>> counters_;
  std::map<std::string, std::map<std::string, std::shared_ptr<Histogram>>> histograms_;
  std::vector<std::tuple<std::string, std::string, std::function<double()>>> gauges_;
  std::map<std::string, std::pair<std::string, std::string>> help_;
};

}  // namespace sd::metrics
