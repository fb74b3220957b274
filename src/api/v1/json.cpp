// JSON encodings of the API's objects.
#include "api/v1/json.hpp"

#include "core/time.hpp"

namespace sd::api {
namespace {

// Length of the valid UTF-8 sequence starting at p (n bytes left), or 0 when invalid.
size_t utf8_sequence(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  size_t len = 0;
  uint32_t min = 0;
  if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (len > n) return 0;
  uint32_t cp = c & (0xFF >> (len + 1));
  for (size_t i = 1; i < len; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t run = 0;  // start of the pending run of bytes copied as they are
  size_t i = 0;
  auto flush = [&] { out.append(s.data() + run, i - run); };
  while (i < n) {
    const unsigned char c = p[i];
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t len = utf8_sequence(p + i, n - i);
      if (len > 0) {
        i += len;
        continue;
      }
      flush();
      out += "\xEF\xBF\xBD";  // U+FFFD
      run = ++i;
      continue;
    }
    flush();
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    run = ++i;
  }
  flush();
  out += '"';
}

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

nlohmann::json order_json(const orders::Order& o, const std::string& store_name,
                          const std::string& store_slug, const std::string& support_email,
                          const std::vector<std::string>& license_keys) {
  auto lines = nlohmann::json::array();
  for (size_t i = 0; i < o.lines.size(); ++i) {
    const auto& l = o.lines[i];
    const auto& key = i < license_keys.size() ? license_keys[i] : std::string();
    lines.push_back({{"id", l.public_id},
                     {"product", {{"id", l.product_public_id}, {"title", l.product_title}}},
                     {"tier", {{"id", l.tier_public_id}, {"name", l.tier_name}}},
                     {"terms", l.terms},
                     {"quantity", l.quantity},
                     {"unit_price_minor", l.unit_price_minor},
                     {"subtotal_minor", l.subtotal_minor},
                     {"tax_minor", l.tax_minor},
                     {"total_minor", l.total_minor},
                     {"refunded_minor", l.refunded_minor},
                     {"license_key", key.empty() ? nlohmann::json(nullptr) : nlohmann::json(key)}});
  }
  return {{"id", o.public_id},
          {"store", {{"slug", store_slug}, {"name", store_name}, {"support_email", support_email}}},
          {"status", "paid"},
          {"currency", o.currency},
          {"email", o.email},
          {"name", o.name},
          {"lines", lines},
          {"subtotal_minor", o.subtotal_minor},
          {"tax_minor", o.tax_minor},
          {"total_minor", o.total_minor},
          {"tax", {{"country", o.tax_country}, {"region", o.tax_region},
                   {"rate_ppm", o.tax_rate_ppm}, {"label", o.tax_label}}},
          {"payment", {{"brand", o.payment_brand}, {"last4", o.payment_last4}}},
          {"consent_immediate_delivery_at", o.consent_at ? nlohmann::json(format_rfc3339(*o.consent_at))
                                                         : nlohmann::json(nullptr)},
          {"created_at", format_rfc3339(o.created_at)}};
}

nlohmann::json refund_json(const refunds::Refund& r, const std::string& order_public_id) {
  auto lines = nlohmann::json::array();
  for (const auto& l : r.lines)
    lines.push_back({{"line_id", l.line_public_id},
                     {"amount_minor", l.amount_minor},
                     {"tax_minor", l.tax_minor},
                     {"fee_minor", l.fee_minor},
                     {"fully_refunded", l.full_line}});
  return {{"id", r.public_id},
          {"order_id", order_public_id},
          {"status", r.status},
          {"amount_minor", r.amount_minor},
          {"currency", r.currency},
          {"tax_minor", r.tax_minor},
          {"fee_returned_minor", r.fee_minor},
          {"seller_share_minor", r.seller_share_minor},
          {"reason", r.reason},
          {"lines", lines},
          {"created_at", format_rfc3339(r.created_at)},
          {"settles_at", format_rfc3339(r.settles_at)},
          {"succeeded_at", r.succeeded_at ? nlohmann::json(format_rfc3339(*r.succeeded_at))
                                          : nlohmann::json(nullptr)}};
}

nlohmann::json dispute_json(const disputes::Dispute& d, const std::string& order_public_id) {
  const bool resolved = d.status != "open";
  return {{"id", d.public_id},
          {"order_id", order_public_id},
          {"status", d.status},
          {"amount_minor", d.amount_minor},
          {"currency", d.currency},
          {"reason", d.reason},
          {"opened_at", format_rfc3339(d.opened_at)},
          {"resolved_at", d.resolved_at ? nlohmann::json(format_rfc3339(*d.resolved_at))
                                        : nlohmann::json(nullptr)},
          {"outcome", resolved ? nlohmann::json(d.status) : nlohmann::json(nullptr)}};
}

nlohmann::json request_json(const refunds::Request& r) {
  return {{"id", r.public_id},
          {"order_id", r.order_public_id},
          {"status", r.status},
          {"reason", r.reason},
          {"created_at", format_rfc3339(r.created_at)},
          {"reply_by", format_rfc3339(r.reply_by)},
          {"decided_at", r.decided_at ? nlohmann::json(format_rfc3339(*r.decided_at))
                                      : nlohmann::json(nullptr)},
          {"decline_message", r.decline_message.empty() ? nlohmann::json(nullptr)
                                                        : nlohmann::json(r.decline_message)},
          {"refund_id", r.refund_public_id ? nlohmann::json(*r.refund_public_id)
                                           : nlohmann::json(nullptr)}};
}

}  // namespace sd::api
