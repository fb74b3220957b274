// The OpenAPI document: src/api/v1/openapi.json (info, shared components) merged with one
// fragment per resource in src/api/v1/openapi/*.json (their paths and schemas).
#pragma once

#include <nlohmann/json.hpp>

namespace sd::api {

// The merged document, built once.
const nlohmann::json& openapi_document();

}  // namespace sd::api
