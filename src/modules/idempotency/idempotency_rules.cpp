#include <nlohmann/json.hpp>

#include "modules/idempotency/idempotency.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::idempotency {

std::string request_fingerprint(std::string_view method, std::string_view path,
                                std::string_view body) {
  // Length-prefixed parts: no choice of method, path and body can collide with another.
  std::string material;
  material.reserve(method.size() + path.size() + body.size() + 32);
  for (const auto part : {method, path, body}) {
    material.append(std::to_string(part.size())).append(":").append(part);
  }
  return crypto::sha256_hex(material);
}

std::string encode_response(const StoredResponse& r) {
  nlohmann::json j{{"status", r.status}, {"headers", r.headers}, {"body", r.body}};
  return j.dump();
}

std::optional<StoredResponse> decode_response(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  StoredResponse r;
  try {
    r.status = j.at("status").get<int>();
    r.headers = j.at("headers").get<std::vector<std::pair<std::string, std::string>>>();
    r.body = j.at("body").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return r;
}

bool is_replayable_status(int status) { return status < 500 && status != 429 && status != 409; }

}  // namespace sd::idempotency
