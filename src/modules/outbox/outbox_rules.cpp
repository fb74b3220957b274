#include <algorithm>
#include <nlohmann/json.hpp>

#include "modules/outbox/outbox.hpp"

namespace sd::outbox {

std::string encode(const OutgoingEmail& e) {
  return nlohmann::json{{"kind", e.kind},         {"from_name", e.from_name},
                        {"to_name", e.to_name},   {"to_address", e.to_address},
                        {"reply_to", e.reply_to}, {"subject", e.subject},
                        {"text_body", e.text_body}, {"headers", e.headers}}
      .dump();
}

std::optional<OutgoingEmail> decode(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  try {
    OutgoingEmail e;
    e.kind = j.at("kind").get<std::string>();
    e.from_name = j.at("from_name").get<std::string>();
    e.to_name = j.at("to_name").get<std::string>();
    e.to_address = j.at("to_address").get<std::string>();
    e.reply_to = j.at("reply_to").get<std::string>();
    e.subject = j.at("subject").get<std::string>();
    e.text_body = j.at("text_body").get<std::string>();
    e.headers = j.at("headers").get<std::vector<std::pair<std::string, std::string>>>();
    return e;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

std::string encode_reference(const Reference& r) {
  return nlohmann::json{{"ref", r.kind}, {"store_id", r.store_id}, {"id", r.id}}.dump();
}

std::optional<Reference> decode_reference(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("ref")) return std::nullopt;
  try {
    return Reference{j.at("ref").get<std::string>(), j.at("store_id").get<int64_t>(),
                     j.at("id").get<int64_t>()};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Micros retry_delay(int attempts) {
  const Micros base = 30 * kMicrosPerSecond;
  const Micros cap = 6 * kMicrosPerHour;
  const int shift = std::clamp(attempts - 1, 0, 20);
  return std::min(cap, base << shift);
}

}  // namespace sd::outbox
