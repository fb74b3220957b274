// Answers kept in memory for GET routes whose data carries a version (the Sales view: see
// docs/ARCHITECTURE.md, "Sales answers cache"). An entry is valid only for the version it was
// made from; the caller reads the current version in the same snapshot as it would read the
// data, so a hit is exactly the answer it would compute. Bounded in bytes, least recently used
// out first. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "platform/db/database.hpp"
#include "platform/http/http.hpp"

namespace sd::api {

class ResponseCache {
 public:
  struct Entry {
    int64_t version = 0;
    std::shared_ptr<const std::string> body;
    std::string etag;  // quoted, as sent in ETag
    std::vector<std::pair<std::string, std::string>> headers;  // others to send with it
  };

  explicit ResponseCache(size_t bytes_max) : bytes_max_(bytes_max) {}

  // The entry for `key` made from `version`, if any.
  std::shared_ptr<const Entry> find(const std::string& key, int64_t version);
  // Keeps `entry` under `key` (replacing what was there); dropped when larger than the budget.
  void put(const std::string& key, std::shared_ptr<const Entry> entry);
  size_t bytes() const;

 private:
  struct Slot {
    std::string key;
    std::shared_ptr<const Entry> entry;
  };
  static size_t cost(const std::string& key, const Entry& e);
  void erase_locked(std::list<Slot>::iterator it);

  mutable std::mutex mu_;
  size_t bytes_max_;
  size_t bytes_ = 0;
  std::list<Slot> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Slot>::iterator> index_;
};

// The API fast path's answers kept for the database state they were made in
// (db::Database::change_stamp): while nothing has committed since, and the caller's checks
// cannot have changed with time alone (before `recheck_at`), the same request gets the same
// answer again without a read transaction. Bounded by count and body bytes (forgotten all at
// once when full: each costs one read transaction to remake). Thread-safe.
class FastPathMemo {
 public:
  FastPathMemo(size_t entries_max, size_t bytes_max)
      : entries_max_(entries_max), bytes_max_(bytes_max) {}
  // The answer kept under `key`, if it was made at `stamp` and `now` is before its recheck_at.
  std::shared_ptr<const http::Response> find(const std::string& key, const db::ChangeStamp& stamp,
                                             Micros now);
  void put(std::string key, const db::ChangeStamp& stamp, Micros recheck_at,
           std::shared_ptr<const http::Response> response);
  size_t size() const;

 private:
  struct Item {
    db::ChangeStamp stamp;
    Micros recheck_at = 0;
    std::shared_ptr<const http::Response> response;
    size_t cost = 0;
  };
  mutable std::mutex mu_;
  size_t entries_max_;
  size_t bytes_max_;
  size_t bytes_ = 0;
  std::unordered_map<std::string, Item> items_;
};

// A strong ETag for a body ("…" with 16 hex digits of a 64-bit hash of it).
std::string etag_of(std::string_view body);
// Whether an If-None-Match header value names `etag` (a list, weak forms, or *).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace sd::api
