#include "core/validation.hpp"

#include <algorithm>

namespace sd {
namespace {

Error type_error(const std::string& param, const char* expected) {
  return Error{ErrorKind::invalid_input, "invalid_type",
               param + " must be " + expected, param, 0, {}};
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace

JsonFields::JsonFields(const nlohmann::json& object, std::string prefix)
    : object_(object), prefix_(std::move(prefix)) {}

std::string JsonFields::path(std::string_view name) const {
  return prefix_.empty() ? std::string(name) : prefix_ + "." + std::string(name);
}

const nlohmann::json* JsonFields::find(std::string_view name) {
  seen_.emplace(name);
  auto it = object_.find(std::string(name));
  if (it == object_.end()) return nullptr;
  return &*it;
}

bool JsonFields::has(std::string_view name) { return find(name) != nullptr; }

const nlohmann::json* JsonFields::raw(std::string_view name) { return find(name); }

Result<std::optional<std::string>> JsonFields::optional_string(std::string_view name,
                                                               size_t min_bytes,
                                                               size_t max_bytes) {
  const auto* v = find(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>{};
  if (!v->is_string()) return fail(type_error(path(name), "a string"));
  const auto& s = v->get_ref<const std::string&>();
  if (!is_clean_text(s, true)) {
    return fail(ErrorKind::invalid_input, "invalid_text",
                path(name) + " contains invalid characters", path(name));
  }
  if (s.size() < min_bytes) {
    return fail(ErrorKind::invalid_input, min_bytes <= 1 ? "required" : "too_short",
                path(name) + (min_bytes <= 1 ? " must not be empty"
                                             : " must be at least " + std::to_string(min_bytes) +
                                                   " characters"),
                path(name));
  }
  if (s.size() > max_bytes) {
    return fail(ErrorKind::invalid_input, "too_long",
                path(name) + " must be at most " + std::to_string(max_bytes) + " bytes",
                path(name));
  }
  return std::optional<std::string>{s};
}

Result<std::string> JsonFields::required_string(std::string_view name, size_t min_bytes,
                                                size_t max_bytes) {
  auto v = SD_TRY(optional_string(name, min_bytes, max_bytes));
  if (!v) return fail(ErrorKind::invalid_input, "required", path(name) + " is required", path(name));
  return std::move(*v);
}

Result<std::optional<int64_t>> JsonFields::optional_int(std::string_view name, int64_t min,
                                                        int64_t max) {
  const auto* v = find(name);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>{};
  int64_t value = 0;
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      return fail(ErrorKind::invalid_input, "out_of_range", path(name) + " is too large", path(name));
    }
    value = v->get<int64_t>();
  } else {
    return fail(type_error(path(name), "an integer"));
  }
  if (value < min || value > max) {
    return fail(ErrorKind::invalid_input, "out_of_range",
                path(name) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max),
                path(name));
  }
  return std::optional<int64_t>{value};
}

Result<int64_t> JsonFields::required_int(std::string_view name, int64_t min, int64_t max) {
  auto v = SD_TRY(optional_int(name, min, max));
  if (!v) return fail(ErrorKind::invalid_input, "required", path(name) + " is required", path(name));
  return *v;
}

Result<std::optional<bool>> JsonFields::optional_bool(std::string_view name) {
  const auto* v = find(name);
  if (v == nullptr || v->is_null()) return std::optional<bool>{};
  if (!v->is_boolean()) return fail(type_error(path(name), "true or false"));
  return std::optional<bool>{v->get<bool>()};
}

Result<void> JsonFields::finish() const {
  for (const auto& item : object_.items()) {
    if (!seen_.contains(item.key())) {
      const auto p = path(item.key());
      return fail(ErrorKind::invalid_input, "unknown_field", p + " is not a known field", p);
    }
  }
  return {};
}

Result<nlohmann::json> parse_json_object(std::string_view body) {
  auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return fail(ErrorKind::invalid_input, "malformed_json", "the request body is not valid JSON");
  }
  if (!j.is_object()) {
    return fail(ErrorKind::invalid_input, "object_expected",
                "the request body must be a JSON object");
  }
  return j;
}

bool is_clean_text(std::string_view text, bool allow_newlines) {
  if (!valid_utf8(text)) return false;
  return std::none_of(text.begin(), text.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n' || c == '\t' || c == '\r') return !allow_newlines;
    return c < 0x20 || c == 0x7F;
  });
}

bool is_valid_email(std::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const auto at = email.find('@');
  if (at == 0 || at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (domain.empty() || dot == 0 || dot == std::string_view::npos || domain.back() == '.')
    return false;
  return std::none_of(email.begin(), email.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7F || c == '<' || c == '>' || c == ',' || c == ';' || c == '"';
  });
}

std::string canonical_email(std::string_view email) {
  size_t b = 0, e = email.size();
  while (b < e && (email[b] == ' ' || email[b] == '\t')) ++b;
  while (e > b && (email[e - 1] == ' ' || email[e - 1] == '\t')) --e;
  std::string out(email.substr(b, e - b));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  return out;
}

}  // namespace sd
