// JSON encodings of the API's objects (one place per object, so every route agrees).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "modules/accounts/accounts.hpp"
#include "modules/disputes/disputes.hpp"
#include "modules/orders/orders.hpp"
#include "modules/refunds/refunds.hpp"
#include "modules/stores/stores.hpp"

namespace sd::api {

// Appends `s` as a JSON string literal (quotes included), escaped as nlohmann::json dumps it;
// invalid UTF-8 becomes U+FFFD. For answers written straight into one buffer.
void append_json_string(std::string& out, std::string_view s);

nlohmann::json user_json(const accounts::User& u);
nlohmann::json store_json(const stores::Store& s);
nlohmann::json api_token_json(const accounts::ApiToken& t);
// {user, store|null, csrf_token|null}: the answer of sign-up, login and GET /me.
nlohmann::json session_json(const accounts::User& u, const std::optional<stores::Store>& s,
                            const std::optional<std::string>& csrf_token);

// An order as its buyer sees it (receipt): lines with terms and license keys (per line,
// "" when none), tax and payment method (brand and last 4 only).
nlohmann::json order_json(const orders::Order& o, const std::string& store_name,
                          const std::string& store_slug, const std::string& support_email,
                          const std::vector<std::string>& license_keys);

// A refund: {id, order_id, status, amount_minor, currency, tax_minor, fee_returned_minor,
// seller_share_minor, reason, lines:[{line_id, amount_minor, tax_minor, fee_minor,
// fully_refunded}], created_at, settles_at, succeeded_at}.
nlohmann::json refund_json(const refunds::Refund& r, const std::string& order_public_id);
// A buyer's refund request: {id, order_id, status, reason, created_at, reply_by, decided_at,
// decline_message, refund_id}.
nlohmann::json request_json(const refunds::Request& r);
// A dispute: {id, order_id, status: open|won|lost, amount_minor, currency, reason, opened_at,
// resolved_at|null, outcome: won|lost|null}.
nlohmann::json dispute_json(const disputes::Dispute& d, const std::string& order_public_id);

}  // namespace sd::api
