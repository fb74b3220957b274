// The built-in test provider (R-CHK-2, API.md "Test payment provider") and business days.
#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "core/ids.hpp"
#include "platform/crypto/crypto.hpp"
#include "platform/payments/payments.hpp"

namespace sd::payments {
namespace {

constexpr std::string_view kTokenPrefix = "test_card_";
constexpr size_t kMinDigits = 12;
constexpr size_t kMaxDigits = 19;
constexpr size_t kFingerprintHexChars = 24;
constexpr int kRefundSettlementBusinessDays = 5;

// ---- card numbers -------------------------------------------------------------------------

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

bool luhn_valid(std::string_view number) {
  int sum = 0;
  bool double_it = false;
  for (auto it = number.rbegin(); it != number.rend(); ++it) {
    int d = *it - '0';
    if (double_it) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

// The first `n` digits as a number (the number has at least 12, so n ≤ 4 always fits).
int prefix_value(std::string_view number, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; ++i) v = v * 10 + (number[i] - '0');
  return v;
}

bool in_range(int v, int lo, int hi) { return v >= lo && v <= hi; }

std::string brand_of(std::string_view n) {
  const int p1 = prefix_value(n, 1), p2 = prefix_value(n, 2), p3 = prefix_value(n, 3);
  const int p4 = prefix_value(n, 4);
  if (p1 == 4) return "visa";
  if (in_range(p2, 51, 55) || in_range(p4, 2221, 2720)) return "mastercard";
  if (p2 == 34 || p2 == 37) return "amex";
  if (p4 == 6011 || p2 == 65 || in_range(p3, 644, 649)) return "discover";
  if (in_range(p4, 3528, 3589)) return "jcb";
  if (p2 == 36 || in_range(p3, 300, 305)) return "diners";
  if (p2 == 62) return "unionpay";
  return "unknown";
}

std::string country_of(std::string_view n) {
  if (n.starts_with("400000276")) return "DE";
  if (n.starts_with("400000826")) return "GB";
  if (n.starts_with("400000124")) return "CA";
  return "US";
}

// The magic numbers that decline; nullopt for every other (valid) number.
std::optional<Error> decline_for(std::string_view n) {
  if (n == "4000000000000002")
    return Error{ErrorKind::payment_failed, "card_declined", "The card was declined.", "", 0, {}};
  if (n == "4000000000009995")
    return Error{ErrorKind::payment_failed, "insufficient_funds",
                 "The card was declined. Please try another card.", "", 0, {}};
  if (n == "4000000000000119") return Error{ErrorKind::payment_failed, "processing_error",
                                            "The payment could not be processed. Please try again.",
                                            "", 0, {}};
  return std::nullopt;
}

Error processing_error() { return *decline_for("4000000000000119"); }

// The card number of a well-formed token, else the error the contract names.
Result<std::string> card_number(std::string_view token) {
  const auto invalid = [] {
    return fail(ErrorKind::invalid_input, "payment_token_invalid",
                "The payment details are not valid.", "payment_token");
  };
  if (!token.starts_with(kTokenPrefix)) return invalid();
  const auto number = token.substr(kTokenPrefix.size());
  if (number.size() < kMinDigits || number.size() > kMaxDigits || !all_digits(number) ||
      !luhn_valid(number))
    return invalid();
  return std::string(number);
}

Result<void> check_charge_request(const ChargeRequest& r) {
  if (r.amount_minor <= 0)
    return fail(ErrorKind::invalid_input, "amount_invalid", "The amount must be positive.",
                "amount");
  const bool currency_ok = r.currency.size() == 3 && std::all_of(r.currency.begin(),
      r.currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!currency_ok)
    return fail(ErrorKind::invalid_input, "currency_invalid",
                "The currency must be an ISO 4217 code.", "currency");
  return {};
}

tl::unexpected<Error> key_reused() {
  return fail(ErrorKind::idempotency, "idempotency_key_reused",
              "This idempotency key was already used with different parameters.",
              "idempotency_key");
}

// ---- the provider ---------------------------------------------------------------------------

struct ChargeRecord {
  ChargeRequest request;     // what was asked, to detect a key reused with other parameters
  Result<Charge> outcome;    // replayed for the same key
};

struct RefundRecord {
  RefundRequest request;
  Refund refund;
};

struct ChargeState {
  int64_t amount_minor = 0;
  int64_t refunded_minor = 0;
  std::string dispute_id;  // "" when the charge was never disputed
};

bool same_charge_request(const ChargeRequest& a, const ChargeRequest& b) {
  return a.payment_token == b.payment_token && a.amount_minor == b.amount_minor &&
         a.currency == b.currency && a.description == b.description;
}

class TestProvider final : public Provider, public TestProviderControl {
 public:
  TestProvider(std::string fingerprint_key, const Clock& clock)
      : fingerprint_key_(std::move(fingerprint_key)), clock_(clock) {}

  Result<PaymentMethod> describe(std::string_view payment_token) override {
    const auto number = SD_TRY(card_number(payment_token));
    return method_of(number);
  }

  Result<Charge> charge(const ChargeRequest& request) override {
    SD_TRY_VOID(check_charge_request(request));
    const auto number = SD_TRY(card_number(request.payment_token));
    std::lock_guard lock(mu_);
    if (!request.idempotency_key.empty()) {
      auto it = charges_by_key_.find(request.idempotency_key);
      if (it != charges_by_key_.end()) {
        if (!same_charge_request(it->second.request, request)) return key_reused();
        return it->second.outcome;
      }
    }
    auto outcome = make_charge_locked(number, request.amount_minor);
    if (!request.idempotency_key.empty())
      charges_by_key_.emplace(request.idempotency_key, ChargeRecord{request, outcome});
    return answer_locked(std::move(outcome));
  }

  Result<Refund> refund(const RefundRequest& request) override {
    if (request.amount_minor <= 0)
      return fail(ErrorKind::invalid_input, "amount_invalid", "The amount must be positive.",
                  "amount");
    std::lock_guard lock(mu_);
    if (!request.idempotency_key.empty()) {
      auto it = refunds_by_key_.find(request.idempotency_key);
      if (it != refunds_by_key_.end()) {
        const auto& prior = it->second.request;
        if (prior.charge_id != request.charge_id || prior.amount_minor != request.amount_minor)
          return key_reused();
        return it->second.refund;
      }
    }
    if (auto c = charges_.find(request.charge_id); c != charges_.end() && !c->second.dispute_id.empty()) {
      if (disputes_.at(c->second.dispute_id).status != "won")
        return fail(ErrorKind::conflict, "charge_disputed",
                    "The charge is disputed: the buyer's bank is returning the money.", "charge_id");
    }
    if (fail_next_refunds_ > 0) {
      --fail_next_refunds_;
      return fail(processing_error());
    }
    auto refund = SD_TRY(make_refund_locked(request));
    if (!request.idempotency_key.empty())
      refunds_by_key_.emplace(request.idempotency_key, RefundRecord{request, refund});
    return refund;
  }

  void fail_next_charges(int n) override {
    std::lock_guard lock(mu_);
    fail_next_charges_ = n > 0 ? n : 0;
  }
  void fail_next_refunds(int n) override {
    std::lock_guard lock(mu_);
    fail_next_refunds_ = n > 0 ? n : 0;
  }
  int64_t charges_total() const override {
    std::lock_guard lock(mu_);
    return charges_total_;
  }
  int64_t refunds_total() const override {
    std::lock_guard lock(mu_);
    return refunds_total_;
  }
  int64_t refunded_amount(std::string_view charge_id) const override {
    std::lock_guard lock(mu_);
    auto it = charges_.find(std::string(charge_id));
    return it == charges_.end() ? 0 : it->second.refunded_minor;
  }

  Result<DisputeNotice> open_dispute(std::string_view charge_id, int64_t amount_minor,
                                     std::string reason) override {
    std::lock_guard lock(mu_);
    auto it = charges_.find(std::string(charge_id));
    if (it == charges_.end())
      return fail(ErrorKind::invalid_input, "charge_unknown", "No such charge.", "charge_id");
    auto& state = it->second;
    if (!state.dispute_id.empty())
      return fail(ErrorKind::conflict, "dispute_exists", "This charge is already disputed.");
    const int64_t left = state.amount_minor - state.refunded_minor;
    if (left <= 0)
      return fail(ErrorKind::conflict, "nothing_to_dispute", "The charge was fully refunded.");
    if (amount_minor < 0 || amount_minor > left)
      return fail(ErrorKind::invalid_input, "dispute_exceeds_charge",
                  "A dispute cannot exceed what was charged and not refunded.", "amount_minor");
    DisputeNotice d{"dp_test_" + random_base32(20), std::string(charge_id),
                    amount_minor == 0 ? left : amount_minor, std::move(reason), "open",
                    clock_.now()};
    state.dispute_id = d.dispute_id;
    disputes_.emplace(d.dispute_id, d);
    return d;
  }

  Result<DisputeNotice> resolve_dispute(std::string_view dispute_id, bool won) override {
    std::lock_guard lock(mu_);
    auto it = disputes_.find(std::string(dispute_id));
    if (it == disputes_.end())
      return fail(ErrorKind::not_found, "dispute_unknown", "No such dispute.");
    auto& d = it->second;
    const std::string outcome = won ? "won" : "lost";
    if (d.status == outcome) return d;
    if (d.status != "open")
      return fail(ErrorKind::conflict, "dispute_resolved", "This dispute was already " + d.status + ".");
    d.status = outcome;
    d.at = clock_.now();
    return d;
  }

  Result<DisputeNotice> dispute_notice(std::string_view dispute_id) const override {
    std::lock_guard lock(mu_);
    auto it = disputes_.find(std::string(dispute_id));
    if (it == disputes_.end())
      return fail(ErrorKind::not_found, "dispute_unknown", "No such dispute.");
    return it->second;
  }

 private:
  Result<Charge> make_charge_locked(const std::string& number, int64_t amount_minor) {
    if (auto decline = decline_for(number)) return fail(std::move(*decline));
    auto pm = method_of(number);
    Charge c{new_public_id("ch_test"), std::move(pm.brand), std::move(pm.last4),
             std::move(pm.fingerprint), std::move(pm.card_country)};
    charges_.emplace(c.charge_id, ChargeState{amount_minor, 0, {}});
    ++charges_total_;
    return c;
  }

  PaymentMethod method_of(const std::string& number) const {
    return PaymentMethod{
        brand_of(number), number.substr(number.size() - 4),
        "fp_" + crypto::hmac_sha256_hex(fingerprint_key_, number).substr(0, kFingerprintHexChars),
        country_of(number)};
  }

  // A charge made while failures are injected is kept (and replayed by key) but not reported.
  Result<Charge> answer_locked(Result<Charge> outcome) {
    if (outcome && fail_next_charges_ > 0) {
      --fail_next_charges_;
      return fail(processing_error());
    }
    return outcome;
  }

  Result<Refund> make_refund_locked(const RefundRequest& request) {
    auto it = charges_.find(request.charge_id);
    if (it == charges_.end())
      return fail(ErrorKind::invalid_input, "charge_unknown", "No such charge.", "charge_id");
    auto& state = it->second;
    if (request.amount_minor > state.amount_minor - state.refunded_minor)
      return fail(ErrorKind::conflict, "refund_exceeds_charge",
                  "The refunds would exceed the amount charged.", "amount");
    state.refunded_minor += request.amount_minor;
    ++refunds_total_;
    return Refund{"re_test_" + random_base32(20),
                  add_business_days(clock_.now(), kRefundSettlementBusinessDays)};
  }

  const std::string fingerprint_key_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, ChargeRecord, std::less<>> charges_by_key_;
  std::map<std::string, RefundRecord, std::less<>> refunds_by_key_;
  std::map<std::string, ChargeState, std::less<>> charges_;
  std::map<std::string, DisputeNotice, std::less<>> disputes_;
  int fail_next_charges_ = 0;
  int fail_next_refunds_ = 0;
  int64_t charges_total_ = 0;
  int64_t refunds_total_ = 0;
};

}  // namespace

std::unique_ptr<Provider> make_test_provider(std::string fingerprint_key, const Clock& clock) {
  return std::make_unique<TestProvider>(std::move(fingerprint_key), clock);
}

TestProviderControl* test_control(Provider& provider) {
  return dynamic_cast<TestProviderControl*>(&provider);
}

Micros add_business_days(Micros start, int n) {
  using namespace std::chrono;
  // Floor division, so times before 1970 still land on the right day.
  auto day = start >= 0 ? start / kMicrosPerDay : (start - kMicrosPerDay + 1) / kMicrosPerDay;
  const Micros time_of_day = start - day * kMicrosPerDay;
  const auto weekday_of = [](Micros d) {
    return weekday{sys_days{days{static_cast<days::rep>(d)}}}.c_encoding();  // 0 = Sunday
  };
  const auto is_weekend = [&](Micros d) { return weekday_of(d) == 0 || weekday_of(d) == 6; };
  while (is_weekend(day)) ++day;  // a weekend start counts from Monday
  if (n > 0) {
    day += static_cast<Micros>(n / 5) * 7;  // whole weeks keep the weekday
    for (int left = n % 5; left > 0;) {
      ++day;
      if (!is_weekend(day)) --left;
    }
  }
  return day * kMicrosPerDay + time_of_day;
}

}  // namespace sd::payments
