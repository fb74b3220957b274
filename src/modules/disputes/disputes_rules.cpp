#include "modules/disputes/disputes.hpp"

namespace sd::disputes {

Result<int64_t> dispute_amount(int64_t paid_minor, int64_t refunded_minor, int64_t requested_minor) {
  const int64_t left = paid_minor - refunded_minor;
  if (left <= 0)
    return fail(ErrorKind::conflict, "nothing_to_dispute",
                "nothing of this charge is left to dispute (free or fully refunded)");
  if (requested_minor < 0)
    return fail(ErrorKind::invalid_input, "out_of_range", "amount_minor must be positive",
                "amount_minor");
  if (requested_minor > left)
    return fail(ErrorKind::invalid_input, "dispute_exceeds_charge",
                "a dispute cannot take more than was paid and not refunded (" +
                    std::to_string(left) + ")",
                "amount_minor");
  return requested_minor == 0 ? left : requested_minor;
}

Result<std::string> parse_outcome(std::string_view outcome) {
  if (outcome == "won" || outcome == "lost") return std::string(outcome);
  return fail(ErrorKind::invalid_input, "invalid_outcome", "outcome must be won or lost", "outcome");
}

bool blocks_refund(std::string_view status) { return status == "open" || status == "lost"; }

}  // namespace sd::disputes
