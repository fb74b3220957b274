// Pure rules of messaging: placeholders, bodies, cursors, unsubscribe tokens, metrics, what an
// attachment is.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/limits.hpp"
#include "modules/messaging/messaging.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::messaging {
namespace {

tl::unexpected<Error> placeholder_error(std::string code, std::string message) {
  return fail(ErrorKind::invalid_input, std::move(code), std::move(message), "body");
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || c == '_'; }

// The placeholder starting at body[i] == '{': (name, fallback, length) or nothing.
struct Found {
  std::string_view name;
  std::optional<std::string_view> fallback;
  size_t length = 0;
};
std::optional<Found> placeholder_at(std::string_view body, size_t i) {
  size_t j = i + 1;
  while (j < body.size() && is_name_char(body[j])) ++j;
  if (j == i + 1 || j >= body.size()) return std::nullopt;
  Found f;
  f.name = body.substr(i + 1, j - i - 1);
  if (body[j] == '}') {
    f.length = j + 1 - i;
    return f;
  }
  if (body[j] != '|') return std::nullopt;
  const auto end = body.find_first_of("{}", j + 1);
  if (end == std::string_view::npos || body[end] != '}') return std::nullopt;
  f.fallback = body.substr(j + 1, end - j - 1);
  f.length = end + 1 - i;
  return f;
}

bool known(std::string_view name) {
  return std::find(kPlaceholders.begin(), kPlaceholders.end(), name) != kPlaceholders.end();
}

std::string value_of(std::string_view name, const PlaceholderContext& c) {
  if (name == "customer_name") return c.customer_name;
  if (name == "customer_first_name") return first_name(c.customer_name);
  if (name == "product_title") return c.product_title;
  if (name == "order_id") return c.order_id;
  if (name == "store_name") return c.store_name;
  if (name == "support_email") return c.support_email;
  if (name == "library_url") return c.library_url;
  return {};
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xc2)) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += len;
  }
  return true;
}

// Unpadded base64url of arbitrary bytes, and back (nothing for bad input).
constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
std::string b64url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : in) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kB64[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kB64[(acc << (6 - bits)) & 0x3f];
  return out;
}
std::optional<std::string> unb64url(std::string_view in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const auto v = kB64.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string first_name(std::string_view full) {
  const auto start = full.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  const auto end = full.find_first_of(" \t\r\n", start);
  return std::string(full.substr(start, end == std::string_view::npos ? end : end - start));
}

Result<std::string> fill_placeholders(std::string_view body, const PlaceholderContext& ctx) {
  std::string out;
  out.reserve(body.size());
  for (size_t i = 0; i < body.size();) {
    const auto f = body[i] == '{' ? placeholder_at(body, i) : std::nullopt;
    if (!f) {
      out += body[i++];
      continue;
    }
    if (!known(f->name))
      return placeholder_error("placeholder_unknown",
                               "Unknown placeholder {" + std::string(f->name) + "}.");
    auto value = value_of(f->name, ctx);
    if (blank(value)) {
      if (!f->fallback)
        return placeholder_error("placeholder_unfillable",
                                 "This thread has no value for {" + std::string(f->name) +
                                     "}; add a fallback such as {" + std::string(f->name) +
                                     "|…}.");
      value = std::string(*f->fallback);
    }
    out += value;
    i += f->length;
  }
  return out;
}

Result<void> check_placeholders(std::string_view body) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '{') continue;
    const auto f = placeholder_at(body, i);
    if (f && !known(f->name))
      return placeholder_error("placeholder_unknown",
                               "Unknown placeholder {" + std::string(f->name) + "}.");
  }
  return {};
}

bool uses_placeholder(std::string_view body, std::string_view name) {
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '{') continue;
    const auto f = placeholder_at(body, i);
    if (f && f->name == name) return true;
  }
  return false;
}

Result<void> validate_body(std::string_view body, const std::string& param) {
  if (blank(body)) return fail(ErrorKind::invalid_input, "required", param + " is required", param);
  if (body.size() > limits::message_body_bytes_max)
    return fail(ErrorKind::invalid_input, "too_long",
                param + " is longer than " + std::to_string(limits::message_body_bytes_max) +
                    " bytes",
                param);
  if (!valid_utf8(body))
    return fail(ErrorKind::invalid_input, "invalid_utf8", param + " is not valid UTF-8", param);
  return {};
}

std::string encode_inbox_cursor(const InboxKey& k) {
  return b64url((k.unread ? "1." : "0.") + std::to_string(k.last_message_at) + "." + k.public_id);
}

Result<InboxKey> decode_inbox_cursor(std::string_view cursor) {
  const auto bad = [] {
    return fail(ErrorKind::invalid_input, "invalid_cursor", "cursor is not valid", "cursor");
  };
  const auto raw = unb64url(cursor);
  if (!raw || raw->size() < 5 || ((*raw)[0] != '0' && (*raw)[0] != '1') || (*raw)[1] != '.')
    return bad();
  const auto dot = raw->find('.', 2);
  if (dot == std::string::npos || dot + 1 >= raw->size()) return bad();
  InboxKey k;
  k.unread = (*raw)[0] == '1';
  const auto* first = raw->data() + 2;
  const auto* last = raw->data() + dot;
  if (std::from_chars(first, last, k.last_message_at).ptr != last) return bad();
  k.public_id = raw->substr(dot + 1);
  for (char c : k.public_id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return bad();
  return k;
}

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    const auto lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == '%' || lower == '_' || lower == '\\') out += '\\';
    out += lower;
  }
  return out + "%";
}

std::string unsubscribe_token(std::string_view key, std::string_view store_public_id,
                              std::string_view email) {
  const std::string payload = std::string(store_public_id) + "\n" + std::string(email);
  // Domain-separated from the download links signed under the same key.
  const auto mac = crypto::hmac_sha256_hex(key, "unsubscribe\n" + payload);
  return b64url(payload) + "." + mac.substr(0, 32);
}

std::optional<std::pair<std::string, std::string>> read_unsubscribe_token(std::string_view key,
                                                                         std::string_view token) {
  const auto dot = token.rfind('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto payload = unb64url(token.substr(0, dot));
  if (!payload) return std::nullopt;
  const auto mac = crypto::hmac_sha256_hex(key, "unsubscribe\n" + *payload).substr(0, 32);
  if (!crypto::equal_constant_time(mac, token.substr(dot + 1))) return std::nullopt;
  const auto nl = payload->find('\n');
  if (nl == std::string::npos) return std::nullopt;
  return std::make_pair(payload->substr(0, nl), payload->substr(nl + 1));
}

ResponseMetrics response_metrics(const std::vector<std::pair<Micros, std::optional<Micros>>>& samples,
                                 Micros now) {
  ResponseMetrics m;
  std::vector<Micros> delays;
  int64_t within = 0;
  int64_t counted = 0;
  for (const auto& [asked, answered] : samples) {
    ++m.threads;
    if (answered) delays.push_back(*answered - asked);
    const bool in_time = answered && *answered - asked <= 24 * kMicrosPerHour;
    // A thread younger than 24 h that is not answered yet is not late yet: left out.
    if (!answered && now - asked < 24 * kMicrosPerHour) continue;
    ++counted;
    if (in_time) ++within;
  }
  if (!delays.empty()) {
    std::sort(delays.begin(), delays.end());
    const size_t n = delays.size();
    const Micros median = n % 2 == 1 ? delays[n / 2] : (delays[n / 2 - 1] + delays[n / 2]) / 2;
    m.median_seconds = median / kMicrosPerSecond;
  }
  if (counted > 0) m.answered_24h_share = static_cast<double>(within) / static_cast<double>(counted);
  return m;
}

// ---- attachments ----

namespace {

// The lower-cased extension after the last dot ("" when none).
std::string extension_of(std::string_view filename) {
  const auto dot = filename.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == filename.size()) return {};
  std::string ext(filename.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

bool starts_with_bytes(std::string_view bytes, std::string_view magic) {
  return bytes.size() >= magic.size() && bytes.substr(0, magic.size()) == magic;
}

// Types known by extension. No image types (an image is what its bytes say) and nothing a
// browser would run (HTML, SVG, XML, JavaScript): those stay application/octet-stream.
constexpr std::pair<std::string_view, std::string_view> kByExtension[] = {
    {"txt", "text/plain"},
    {"md", "text/markdown"},
    {"csv", "text/csv"},
    {"json", "application/json"},
    {"rtf", "application/rtf"},
    {"doc", "application/msword"},
    {"xls", "application/vnd.ms-excel"},
    {"ppt", "application/vnd.ms-powerpoint"},
    {"odt", "application/vnd.oasis.opendocument.text"},
    {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
    {"mp3", "audio/mpeg"},
    {"wav", "audio/wav"},
    {"ogg", "audio/ogg"},
    {"m4a", "audio/mp4"},
    {"mp4", "video/mp4"},
    {"mov", "video/quicktime"},
    {"webm", "video/webm"},
    {"ttf", "font/ttf"},
    {"otf", "font/otf"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"psd", "image/vnd.adobe.photoshop"},
};

// ZIP containers named for what they hold.
constexpr std::pair<std::string_view, std::string_view> kZipByExtension[] = {
    {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    {"epub", "application/epub+zip"},
};

}  // namespace

SniffedType sniff_attachment(std::string_view filename, std::string_view bytes) {
  using namespace std::string_view_literals;
  if (starts_with_bytes(bytes, "\x89PNG\r\n\x1a\n"sv)) return {"image/png", true};
  if (starts_with_bytes(bytes, "\xff\xd8\xff"sv)) return {"image/jpeg", true};
  if (starts_with_bytes(bytes, "GIF87a"sv) || starts_with_bytes(bytes, "GIF89a"sv))
    return {"image/gif", true};
  if (bytes.size() >= 12 && starts_with_bytes(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP"sv)
    return {"image/webp", true};
  const auto ext = extension_of(filename);
  if (starts_with_bytes(bytes, "%PDF-"sv)) return {"application/pdf", false};
  if (starts_with_bytes(bytes, "PK\x03\x04"sv)) {
    for (const auto& [e, type] : kZipByExtension)
      if (ext == e) return {std::string(type), false};
    return {"application/zip", false};
  }
  // A PSD's magic is "8BPS"; the extension alone does not make one (it is an image type).
  if (ext == "psd" && !starts_with_bytes(bytes, "8BPS"sv)) return {"application/octet-stream", false};
  for (const auto& [e, type] : kByExtension)
    if (ext == e) return {std::string(type), false};
  return {"application/octet-stream", false};
}

std::string human_size(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  const auto one_decimal = [](int64_t value, int64_t unit, const char* name) {
    const int64_t tenths = (value * 10 + unit / 2) / unit;  // rounded to a tenth
    if (tenths >= 100) return std::to_string((tenths + 5) / 10) + " " + name;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " " + name;
  };
  if (bytes < 1024 * 1024) return one_decimal(bytes, 1024, "KB");
  if (bytes < int64_t{1024} * 1024 * 1024) return one_decimal(bytes, 1024 * 1024, "MB");
  return one_decimal(bytes, int64_t{1024} * 1024 * 1024, "GB");
}

}  // namespace sd::messaging
