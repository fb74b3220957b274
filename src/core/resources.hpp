// Files compiled into the binary (migrations, OpenAPI document, data tables).
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace sd::resources {

// Every embedded file as (path relative to the repository root, contents), sorted by path.
const std::vector<std::pair<std::string_view, std::string_view>>& all();

// The contents of one embedded file.
inline std::optional<std::string_view> find(std::string_view path) {
  for (const auto& [p, bytes] : all())
    if (p == path) return bytes;
  return std::nullopt;
}

}  // namespace sd::resources
