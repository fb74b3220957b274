#include "core/ids.hpp"

#include <sodium.h>

#include <chrono>
#include <vector>

#include "core/assert.hpp"

namespace sd {
namespace {
constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kIdSymbols = 20;
constexpr size_t kTimeSymbols = 9;  // 45 bits of milliseconds: until the year 3084

bool is_crockford(char c) {
  for (const char* p = kCrockford; *p; ++p)
    if (*p == c) return true;
  return false;
}
}  // namespace

std::string random_base32(size_t symbols) {
  // One random call per id, not per symbol (each call can be a getrandom syscall); 256 is a
  // multiple of 32, so the low five bits of a uniform byte are uniform.
  std::vector<unsigned char> raw(symbols);
  randombytes_buf(raw.data(), raw.size());
  std::string out(symbols, '0');
  for (size_t i = 0; i < symbols; ++i) out[i] = kCrockford[raw[i] & 31];
  return out;
}

std::string base32_of(uint64_t value, size_t symbols) {
  std::string out(symbols, '0');
  for (size_t i = symbols; i-- > 0; value >>= 5) out[i] = kCrockford[value & 31];
  return out;
}

std::string new_public_id(std::string_view prefix) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string id(prefix);
  id += '_';
  id += base32_of(static_cast<uint64_t>(ms), kTimeSymbols);
  id += random_base32(kIdSymbols - kTimeSymbols);
  return id;
}

std::string random_token(size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), raw.data(), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(out.find('\0'));
  return out;
}

bool looks_like_public_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kIdSymbols) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1))
    if (!is_crockford(c)) return false;
  return true;
}

namespace {
constexpr std::string_view kCursorHex = "0123456789abcdef";
}  // namespace

std::string encode_cursor_text(std::string_view plain) {
  std::string out;
  out.reserve(plain.size() * 2);
  for (unsigned char ch : plain) {
    out += kCursorHex[ch >> 4];
    out += kCursorHex[ch & 15];
  }
  return out;
}

std::optional<std::string> decode_cursor_text(std::string_view text, size_t max_plain_bytes) {
  if (text.empty() || text.size() % 2 != 0 || text.size() > 2 * max_plain_bytes) return std::nullopt;
  std::string plain;
  plain.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const auto hi = kCursorHex.find(text[i]);
    const auto lo = kCursorHex.find(text[i + 1]);
    if (hi == std::string_view::npos || lo == std::string_view::npos) return std::nullopt;
    plain += static_cast<char>(hi * 16 + lo);
  }
  return plain;
}

}  // namespace sd
