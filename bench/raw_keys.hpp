// Keys for the raw W-CHECKOUT baselines, shaped as the server makes them, so that their index
// inserts land where the server's do:
// - public ids and charge ids start with the millisecond (src/core/ids.cpp), so they append;
// - session keys do too (accounts_store.cpp);
// - order ids start with three symbols of the second, then five random ones (orders_rules.cpp);
// - buyer emails and Idempotency-Key hashes are random, as the clients' keys are.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>

namespace bench {

class RawKeys {
 public:
  explicit RawKeys(uint64_t seed) : rng_(seed) {}

  // `symbols` random lower-case symbols (emails, hashes of client keys).
  std::string random(size_t symbols) {
    std::string out(symbols, '0');
    for (char& c : out) c = kLower[rng_() & 31];
    return out;
  }
  std::string public_id(const char* prefix) {
    return std::string(prefix) + "_" + base32(now_ms(), 9) + upper(random(11));
  }
  std::string order_id() {
    const std::string s = base32(now_ms() / 1000, 3) + upper(random(5));
    return "SD-" + s.substr(0, 4) + "-" + s.substr(4, 4);
  }
  std::string session_key() { return base32(now_ms(), 9) + "." + random(52); }

 private:
  static constexpr char kUpper[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  static constexpr char kLower[] = "0123456789abcdefghjkmnpqrstvwxyz";

  static uint64_t now_ms() {
    using namespace std::chrono;
    return static_cast<uint64_t>(
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
  }
  static std::string base32(uint64_t value, size_t symbols) {
    std::string out(symbols, '0');
    for (size_t i = symbols; i-- > 0; value >>= 5) out[i] = kUpper[value & 31];
    return out;
  }
  static std::string upper(std::string s) {
    for (char& c : s)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
  }

  std::mt19937_64 rng_;
};

// The sales row's search text as sales::search_text builds it: order id, the same without its
// dashes, customer name, email, product title, license key, lower case, joined by U+001F.
inline std::string raw_search_text(const std::string& order_id, const std::string& email) {
  std::string id;
  for (char c : order_id) id += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  std::string plain;
  for (char c : id)
    if (c != '-') plain += c;
  return id + "\x1f" + plain + "\x1f" "bench buyer\x1f" + email + "\x1f" "product\x1f";
}

}  // namespace bench
