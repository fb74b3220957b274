#include "api/v1/response_cache.hpp"

#include <cstdio>
#include <string_view>

namespace sd::api {

size_t ResponseCache::cost(const std::string& key, const Entry& e) {
  size_t n = key.size() * 2 + (e.body ? e.body->size() : 0) + e.etag.size() + 128;  // map + list + control
  for (const auto& [name, value] : e.headers) n += name.size() + value.size() + 64;
  return n;
}

void ResponseCache::erase_locked(std::list<Slot>::iterator it) {
  bytes_ -= cost(it->key, *it->entry);
  index_.erase(it->key);
  lru_.erase(it);
}

std::shared_ptr<const ResponseCache::Entry> ResponseCache::find(const std::string& key,
                                                                int64_t version) {
  std::lock_guard lock(mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  if (it->second->entry->version != version) {
    // Made from another version: useless from now on (versions only grow).
    if (it->second->entry->version < version) erase_locked(it->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->entry;
}

void ResponseCache::put(const std::string& key, std::shared_ptr<const Entry> entry) {
  const size_t c = cost(key, *entry);
  std::lock_guard lock(mu_);
  if (auto it = index_.find(key); it != index_.end()) {
    // A concurrent request may have made it from a newer version already: keep the newer.
    if (it->second->entry->version > entry->version) return;
    erase_locked(it->second);
  }
  if (c > bytes_max_) return;
  while (bytes_ + c > bytes_max_ && !lru_.empty()) erase_locked(std::prev(lru_.end()));
  lru_.push_front(Slot{key, std::move(entry)});
  index_.emplace(key, lru_.begin());
  bytes_ += c;
}

size_t ResponseCache::bytes() const {
  std::lock_guard lock(mu_);
  return bytes_;
}

std::shared_ptr<const http::Response> FastPathMemo::find(const std::string& key,
                                                         const db::ChangeStamp& stamp, Micros now) {
  std::lock_guard lock(mu_);
  auto it = items_.find(key);
  if (it == items_.end() || it->second.stamp != stamp || now >= it->second.recheck_at)
    return nullptr;
  return it->second.response;
}

void FastPathMemo::put(std::string key, const db::ChangeStamp& stamp, Micros recheck_at,
                       std::shared_ptr<const http::Response> response) {
  const size_t cost = key.size() + response->body.size() +
                      (response->shared_body ? response->shared_body->size() : 0);
  std::lock_guard lock(mu_);
  if (auto it = items_.find(key); it != items_.end()) {
    bytes_ -= it->second.cost;
    items_.erase(it);
  }
  if (cost > bytes_max_) return;
  if (items_.size() >= entries_max_ || bytes_ + cost > bytes_max_) {
    items_.clear();
    bytes_ = 0;
  }
  bytes_ += cost;
  items_.emplace(std::move(key), Item{stamp, recheck_at, std::move(response), cost});
}

size_t FastPathMemo::size() const {
  std::lock_guard lock(mu_);
  return items_.size();
}

std::string etag_of(std::string_view body) {
  // FNV-1a over 8-byte words (then the tail): a stable hash, fast enough for a page.
  uint64_t h = 14695981039346656037ull;
  size_t i = 0;
  for (; i + 8 <= body.size(); i += 8) {
    uint64_t w = 0;
    for (size_t k = 0; k < 8; ++k) w |= static_cast<uint64_t>(static_cast<unsigned char>(body[i + k])) << (8 * k);
    h = (h ^ w) * 1099511628211ull;
    h ^= h >> 29;
  }
  for (; i < body.size(); ++i) h = (h ^ static_cast<unsigned char>(body[i])) * 1099511628211ull;
  h ^= body.size();
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool etag_matches(std::string_view header, std::string_view etag) {
  size_t pos = 0;
  while (pos < header.size()) {
    while (pos < header.size() && (header[pos] == ' ' || header[pos] == ',' || header[pos] == '\t'))
      ++pos;
    size_t end = header.find(',', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view tag = header.substr(pos, end - pos);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);  // weak comparison (RFC 9110 13.1.2)
    if (tag == etag) return true;
    pos = end;
  }
  return false;
}

}  // namespace sd::api
