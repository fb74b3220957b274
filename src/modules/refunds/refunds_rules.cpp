// Pure refund rules: proration of tax and fee, the refund window, the line's status.
#include <algorithm>

#include "core/money.hpp"
#include "modules/refunds/refunds.hpp"

namespace sd::refunds {
namespace {

// a × num / den rounded half-up, exactly (0 when den is 0). All arguments ≥ 0.
int64_t share_half_up(int64_t a, int64_t num, int64_t den) {
  if (den <= 0) return 0;
  __extension__ using Int128 = __int128;
  const Int128 scaled = static_cast<Int128>(a) * num;
  return static_cast<int64_t>((scaled * 2 + den) / (static_cast<Int128>(den) * 2));
}

}  // namespace

LinePart prorate(const LineState& l, int64_t amount) {
  LinePart p;
  p.amount_minor = amount;
  const int64_t left = l.total_minor - l.refunded_minor;
  const int64_t tax_left = l.tax_minor - l.refunded_tax_minor;
  const int64_t fee_left = l.fee_minor - l.refunded_fee_minor;
  if (amount >= left) {
    // The refund that empties the line returns exactly what remains of each part.
    p.tax_minor = tax_left;
    p.fee_minor = fee_left;
    p.full_line = true;
  } else {
    // Never more tax than the line has left, and never so little that more tax than money
    // would remain on the line.
    const int64_t after = left - amount;
    p.tax_minor = std::clamp(share_half_up(amount, l.tax_minor, l.total_minor),
                             std::max<int64_t>(0, tax_left - after), tax_left);
    const int64_t sub = amount - p.tax_minor;
    const int64_t sub_after = (left - tax_left) - sub;
    p.fee_minor = std::clamp(share_half_up(sub, l.fee_minor, l.total_minor - l.tax_minor),
                             std::max<int64_t>(0, fee_left - sub_after), std::min(fee_left, sub));
  }
  p.seller_share_minor = p.amount_minor - p.tax_minor - p.fee_minor;
  return p;
}

Result<void> check_window(Micros paid_at, int64_t window_days, Micros now) {
  if (now <= paid_at + window_days * kMicrosPerDay) return {};
  return fail(ErrorKind::conflict, "refund_window_expired",
              "this order was paid more than " + std::to_string(window_days) +
                  " days ago, outside the store's refund window");
}

Result<void> check_request_window(Micros paid_at, int64_t window_days, Micros now) {
  if (now <= paid_at + window_days * kMicrosPerDay) return {};
  return fail(ErrorKind::conflict, "refund_request_window_expired",
              "refunds can be requested within " + std::to_string(window_days) +
                  " days of the purchase; please write to the seller");
}

std::string line_status(int64_t total_minor, int64_t refunded_minor, bool processing) {
  if (processing) return "refund_processing";
  if (refunded_minor <= 0) return "complete";
  return refunded_minor >= total_minor ? "refunded" : "partially_refunded";
}

}  // namespace sd::refunds
