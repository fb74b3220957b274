#include "core/ids.hpp"
#include "modules/orders/orders.hpp"

namespace sd::orders {

std::string new_order_public_id() {
  const auto s = random_base32(8);
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

}  // namespace sd::orders
