// The payment provider interface (R-CHK-2) and the built-in test provider. The platform never
// sees or stores card numbers beyond what a provider returns: brand, last 4, fingerprint.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace sd::payments {

struct ChargeRequest {
  std::string payment_token;    // "test_card_4242424242424242" for the test provider
  int64_t amount_minor = 0;
  std::string currency;         // ISO 4217
  std::string idempotency_key;  // the provider dedupes charges with the same key
  std::string description;
};

// What the provider tells about a payment method without charging it.
struct PaymentMethod {
  std::string brand;         // as in Charge
  std::string last4;
  std::string fingerprint;
  std::string card_country;
};

struct Charge {
  std::string charge_id;        // provider's id
  std::string brand;            // visa, mastercard, amex, discover, jcb, diners, unionpay, unknown
  std::string last4;
  std::string fingerprint;      // same card number → same fingerprint (keyed hash)
  std::string card_country;     // ISO 3166-1 alpha-2 when the provider knows it, else ""
};

struct RefundRequest {
  std::string charge_id;
  int64_t amount_minor = 0;
  std::string idempotency_key;
};

struct Refund {
  std::string refund_id;
  Micros settles_at = 0;        // when the provider will report it settled
};

// A dispute (chargeback) as the provider reports it: the payload of its notification (a real
// provider's webhook). The provider sends one when a dispute opens and one when it is
// resolved, and may send either more than once.
struct DisputeNotice {
  std::string dispute_id;  // the provider's, unique
  std::string charge_id;
  int64_t amount_minor = 0;
  std::string reason;      // the card network's reason, e.g. "fraudulent"
  std::string status;      // open | won | lost
  Micros at = 0;           // when it reached this status
};

class Provider {
 public:
  virtual ~Provider() = default;
  // The card behind a token, without charging it (the checkout needs the fingerprint and card
  // country before it decides to charge): invalid_input `payment_token_invalid` only; a card
  // that would decline is still described.
  virtual Result<PaymentMethod> describe(std::string_view payment_token) = 0;
  // Charges the payment method. payment_failed errors: `card_declined`,
  // `insufficient_funds`, `processing_error`; invalid_input `payment_token_invalid`
  // (param payment_token). The same idempotency_key returns the same charge.
  virtual Result<Charge> charge(const ChargeRequest& request) = 0;
  // Refunds (part of) a charge; the same idempotency_key returns the same refund.
  virtual Result<Refund> refund(const RefundRequest& request) = 0;
};

// The test provider: `test_card_<12–19 digits>`. Any Luhn-valid number succeeds, except
// 4000000000000002 (card_declined), 4000000000009995 (insufficient_funds) and
// 4000000000000119 (processing_error). Brand from the prefix, last4 from the end,
// fingerprint = HMAC-SHA-256(key, number) truncated, card_country "US" unless the number
// starts with 4000 0027 6 (DE), 4000 0082 6 (GB) or 4000 0012 4 (CA). A refund settles after
// 5 business days (Mon–Fri) on `clock`. Thread-safe; charges are remembered in memory only
// for idempotency within a process (the platform records its own charges durably).
// Charges: amount_minor > 0 (invalid_input `amount_invalid`), currency three letters A–Z
// (`currency_invalid`); a key reused with other parameters → idempotency
// `idempotency_key_reused`; declines are replayed too. Refunds: amount_minor > 0, a charge id
// this provider made (invalid_input `charge_unknown`), never more in total than the charge
// (conflict `refund_exceeds_charge`); refusals are not remembered, so a retry may succeed.
std::unique_ptr<Provider> make_test_provider(std::string fingerprint_key, const Clock& clock);

// Test-only controls of the test provider, for tests of the platform around it.
class TestProviderControl {
 public:
  virtual ~TestProviderControl() = default;
  // The next n charges that would succeed are made and remembered under their idempotency
  // key, then answer processing_error (a lost response): a retry with the key gets the charge.
  virtual void fail_next_charges(int n) = 0;
  // The next n refunds that would succeed answer processing_error without being made (the
  // provider was unreachable): a retry with the same key makes them.
  virtual void fail_next_refunds(int n) = 0;
  // Charges made so far (idempotent replays and declines not counted).
  virtual int64_t charges_total() const = 0;
  // Refunds made so far (idempotent replays and refusals not counted).
  virtual int64_t refunds_total() const = 0;
  // Sum of the refunds made against `charge_id` (0 when unknown).
  virtual int64_t refunded_amount(std::string_view charge_id) const = 0;
  // The buyer's bank disputes a charge: `amount_minor` of it (0: all that was not refunded).
  // invalid_input `charge_unknown`, `dispute_exceeds_charge` (param amount_minor), conflict
  // `dispute_exists` (a charge is disputed once), `nothing_to_dispute`. While a dispute is
  // open or lost, refunds of the charge are refused (conflict `charge_disputed`).
  virtual Result<DisputeNotice> open_dispute(std::string_view charge_id, int64_t amount_minor,
                                             std::string reason) = 0;
  // Resolves an open dispute. Resolving it again with the same outcome answers the same
  // notice; with the other outcome, conflict `dispute_resolved`; not_found `dispute_unknown`.
  virtual Result<DisputeNotice> resolve_dispute(std::string_view dispute_id, bool won) = 0;
  // The latest notice of a dispute (what a webhook retry would send again).
  virtual Result<DisputeNotice> dispute_notice(std::string_view dispute_id) const = 0;
};

// The controls of a provider made by make_test_provider; nullptr for any other provider.
TestProviderControl* test_control(Provider& provider);

// `start` plus n business days (Saturday and Sunday skipped), same time of day, UTC. A start
// on a weekend counts from the following Monday (Saturday + 1 → Tuesday, + 0 → Monday), like a
// request that reaches the bank on its next working day. n < 0 counts as 0.
Micros add_business_days(Micros start, int n);

}  // namespace sd::payments
