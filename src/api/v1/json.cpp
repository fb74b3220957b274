// JSON encodings of the API's objects.
#include "api/v1/json.hpp"

#include "core/time.hpp"

namespace sd::api {

nlohmann::json user_json(const accounts::User& u) {
  return {{"id", u.public_id},
          {"email", u.email},
          {"name", u.name},
          {"created_at", format_rfc3339(u.created_at)}};
}

nlohmann::json store_json(const stores::Store& s) {
  return {{"id", s.public_id},
          {"slug", s.slug},
          {"name", s.name},
          {"currency", s.currency},
          {"support_email", s.support_email},
          {"locale", s.locale},
          {"refund_policy", s.refund_policy},
          {"hold_period_days", s.hold_period_days},
          {"refund_window_days", s.refund_window_days},
          {"fee_percent_bp", s.fee_percent_bp},
          {"fee_fixed_minor", s.fee_fixed_minor},
          {"created_at", format_rfc3339(s.created_at)},
          {"updated_at", format_rfc3339(s.updated_at)}};
}

nlohmann::json api_token_json(const accounts::ApiToken& t) {
  return {{"id", t.public_id},
          {"name", t.name},
          {"created_at", format_rfc3339(t.created_at)},
          {"last_used_at", t.last_used_at ? nlohmann::json(format_rfc3339(*t.last_used_at))
                                          : nlohmann::json(nullptr)}};
}

nlohmann::json session_json(const accounts::User& u, const std::optional<stores::Store>& s,
                            const std::optional<std::string>& csrf) {
  return {{"user", user_json(u)},
          {"store", s ? store_json(*s) : nlohmann::json(nullptr)},
          {"csrf_token", csrf ? nlohmann::json(*csrf) : nlohmann::json(nullptr)}};
}

}  // namespace sd::api
