#include <algorithm>

#include "core/ids.hpp"
#include "modules/orders/orders.hpp"

namespace sd::orders {

std::string new_order_public_id(Micros at) {
  const auto s = base32_of(static_cast<uint64_t>(at / kMicrosPerSecond), 3) + random_base32(5);
  return "SD-" + s.substr(0, 4) + "-" + s.substr(4, 4);
}

Result<void> total_up(Order& o) {
  int64_t subtotal = 0, tax = 0, fee = 0;
  for (const auto& l : o.lines) {
    if (__builtin_add_overflow(subtotal, l.subtotal_minor, &subtotal) ||
        __builtin_add_overflow(tax, l.tax_minor, &tax) ||
        __builtin_add_overflow(fee, l.fee_minor, &fee)) {
      return fail(ErrorKind::invalid_input, "amount_overflow", "the order total is too large");
    }
  }
  int64_t total = 0;
  if (__builtin_add_overflow(subtotal, tax, &total)) {
    return fail(ErrorKind::invalid_input, "amount_overflow", "the order total is too large");
  }
  o.subtotal_minor = subtotal;
  o.tax_minor = tax;
  o.total_minor = total;
  o.fee_minor = fee;
  o.net_minor = subtotal - fee;
  return {};
}

std::string payment_status(int64_t total_minor, int64_t refunded_minor) {
  if (refunded_minor <= 0) return "complete";
  return refunded_minor >= total_minor ? "refunded" : "partially_refunded";
}

std::vector<HistoryEvent> status_history(const Order& o, Micros now,
                                         std::vector<HistoryEvent> recorded) {
  std::vector<HistoryEvent> out;
  out.push_back({"paid", o.created_at,
                 "Paid with " + o.payment_brand + " ending " + o.payment_last4});
  // Funds become available when the hold ends; until the store's clock passes it the
  // order's available_at field says when, but it is not yet history.
  if (now >= o.available_at)
    out.push_back({"funds_available", o.available_at, "The seller's share became available"});
  for (auto& e : recorded) out.push_back(std::move(e));
  std::stable_sort(out.begin(), out.end(),
                   [](const HistoryEvent& a, const HistoryEvent& b) { return a.at < b.at; });
  return out;
}

}  // namespace sd::orders
