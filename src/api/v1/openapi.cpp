#include "api/v1/openapi.hpp"

#include "core/assert.hpp"
#include "core/resources.hpp"

namespace sd::api {

const nlohmann::json& openapi_document() {
  static const nlohmann::json doc = [] {
    auto base = nlohmann::json::parse(resources::find("src/api/v1/openapi.json").value_or("{}"));
    for (const auto& [path, text] : resources::all()) {
      if (!path.starts_with("src/api/v1/openapi/")) continue;
      const auto fragment = nlohmann::json::parse(text);
      if (fragment.contains("paths")) {
        for (auto it = fragment["paths"].begin(); it != fragment["paths"].end(); ++it) {
          SD_ASSERT(!base["paths"].contains(it.key()));  // one fragment owns each path
          base["paths"][it.key()] = it.value();
        }
      }
      if (fragment.contains("components") && fragment["components"].contains("schemas")) {
        const auto& schemas = fragment["components"]["schemas"];
        for (auto it = schemas.begin(); it != schemas.end(); ++it) {
          SD_ASSERT(!base["components"]["schemas"].contains(it.key()));
          base["components"]["schemas"][it.key()] = it.value();
        }
      }
    }
    return base;
  }();
  return doc;
}

}  // namespace sd::api
