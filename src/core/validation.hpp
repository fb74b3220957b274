// Validation helpers that name the offending field (the API error's `param`).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sd {

// Reads the fields of one JSON object, checking type and bounds, and refuses fields it was
// never asked about (`unknown_field`). Every error names the field as `prefix.field`.
class JsonFields {
 public:
  explicit JsonFields(const nlohmann::json& object, std::string prefix = {});

  Result<std::string> required_string(std::string_view name, size_t min_bytes, size_t max_bytes);
  Result<std::optional<std::string>> optional_string(std::string_view name, size_t min_bytes,
                                                     size_t max_bytes);
  Result<int64_t> required_int(std::string_view name, int64_t min, int64_t max);
  Result<std::optional<int64_t>> optional_int(std::string_view name, int64_t min, int64_t max);
  Result<std::optional<bool>> optional_bool(std::string_view name);
  // The raw value of a field (for nested objects/arrays); nullptr when absent.
  const nlohmann::json* raw(std::string_view name);
  // Fails with `unknown_field` on the first field not read through this object.
  Result<void> finish() const;
  // Whether the field is present (and marks it as known).
  bool has(std::string_view name);

  std::string path(std::string_view name) const;

 private:
  const nlohmann::json* find(std::string_view name);

  const nlohmann::json& object_;
  std::string prefix_;
  std::set<std::string, std::less<>> seen_;
};

// Parses a request body that must be one JSON object: 400 `malformed_json` / `object_expected`.
Result<nlohmann::json> parse_json_object(std::string_view body);

// Syntactic email check (one @, non-empty local part, dotted domain, no spaces/controls).
bool is_valid_email(std::string_view email);

// Lower-cased, trimmed email: the form accounts are looked up by.
std::string canonical_email(std::string_view email);

// True if the text is valid UTF-8 without control characters other than \n and \t.
bool is_clean_text(std::string_view text, bool allow_newlines);

}  // namespace sd
