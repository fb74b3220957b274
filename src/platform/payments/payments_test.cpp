#include "platform/payments/payments.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/time.hpp"

namespace sd::payments {
namespace {

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Micros t) : t_(t) {}
  Micros now() const override { return t_; }

 private:
  Micros t_;
};

Micros at(std::string_view rfc3339) { return parse_rfc3339(rfc3339).value(); }

// `digits` plus the Luhn check digit that makes it valid.
std::string with_luhn(const std::string& digits) {
  for (char check = '0'; check <= '9'; ++check) {
    const std::string n = digits + check;
    int sum = 0;
    bool dbl = false;
    for (auto it = n.rbegin(); it != n.rend(); ++it, dbl = !dbl) {
      int d = *it - '0';
      sum += dbl ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
    }
    if (sum % 10 == 0) return n;
  }
  return {};
}

ChargeRequest charge_of(std::string number, int64_t amount = 1000, std::string key = {}) {
  return ChargeRequest{"test_card_" + number, amount, "USD", std::move(key), "Ebook"};
}

class Payments : public ::testing::Test {
 protected:
  FixedClock clock{at("2026-01-02T10:30:00Z")};  // a Friday
  std::unique_ptr<Provider> provider = make_test_provider("fp-key", clock);
  TestProviderControl& control = *test_control(*provider);
};

TEST_F(Payments, SuccessfulChargeReportsBrandLast4FingerprintCountry) {
  auto c = provider->charge(charge_of("4242424242424242"));
  ASSERT_TRUE(c) << c.error().code;
  EXPECT_TRUE(c->charge_id.starts_with("ch_test_")) << c->charge_id;
  EXPECT_EQ(c->brand, "visa");
  EXPECT_EQ(c->last4, "4242");
  EXPECT_EQ(c->fingerprint.size(), 3u + 24u);
  EXPECT_TRUE(c->fingerprint.starts_with("fp_"));
  EXPECT_EQ(c->card_country, "US");
  EXPECT_EQ(control.charges_total(), 1);
}

TEST_F(Payments, DescribeMatchesTheChargeWithoutCharging) {
  auto pm = provider->describe("test_card_4000002760000016");
  ASSERT_TRUE(pm);
  EXPECT_EQ(control.charges_total(), 0);
  const auto c = provider->charge(charge_of("4000002760000016")).value();
  EXPECT_EQ(pm->brand, c.brand);
  EXPECT_EQ(pm->last4, "0016");
  EXPECT_EQ(pm->fingerprint, c.fingerprint);
  EXPECT_EQ(pm->card_country, "DE");
  // A card that would decline is still described; only a malformed token is refused.
  EXPECT_TRUE(provider->describe("test_card_4000000000000002"));
  auto bad = provider->describe("test_card_4242424242424241");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "payment_token_invalid");
  EXPECT_EQ(bad.error().param, "payment_token");
}

TEST_F(Payments, FingerprintIsKeyedAndStablePerNumber) {
  const auto a = provider->charge(charge_of("4242424242424242")).value();
  const auto b = provider->charge(charge_of("4242424242424242")).value();
  const auto other_card = provider->charge(charge_of("5555555555554444")).value();
  auto other_key = make_test_provider("another-key", clock);
  const auto c = other_key->charge(charge_of("4242424242424242")).value();
  EXPECT_NE(a.charge_id, b.charge_id);
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_NE(a.fingerprint, other_card.fingerprint);
  EXPECT_NE(a.fingerprint, c.fingerprint);
}

TEST_F(Payments, BrandsFromPrefixes) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"424242424242424", "visa"},       {"510000000000000", "mastercard"},
      {"555555555555444", "mastercard"}, {"222100000000000", "mastercard"},
      {"272099999999999", "mastercard"}, {"272100000000000", "unknown"},
      {"34000000000000", "amex"},        {"37828224631000", "amex"},
      {"601100000000000", "discover"},   {"650000000000000", "discover"},
      {"644000000000000", "discover"},   {"649999999999999", "discover"},
      {"643000000000000", "unknown"},    {"352800000000000", "jcb"},
      {"358999999999999", "jcb"},        {"359000000000000", "unknown"},
      {"3600000000000", "diners"},       {"3000000000000", "diners"},
      {"3050000000000", "diners"},       {"3060000000000", "unknown"},
      {"620000000000000", "unionpay"},   {"900000000000000", "unknown"},
      {"5000000000000", "unknown"},      {"560000000000000", "unknown"},
  };
  for (const auto& [digits, brand] : table) {
    const auto number = with_luhn(digits);
    auto c = provider->charge(charge_of(number));
    ASSERT_TRUE(c) << number;
    EXPECT_EQ(c->brand, brand) << number;
    EXPECT_EQ(c->last4, number.substr(number.size() - 4));
  }
}

TEST_F(Payments, CardCountryFromPrefix) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"4000002760000016", "DE"}, {"4000008260000000", "GB"},
      {"4000001240000000", "CA"}, {"4000000000000077", "US"}};
  for (const auto& [number, country] : table) {
    auto c = provider->charge(charge_of(number));
    ASSERT_TRUE(c) << number;
    EXPECT_EQ(c->card_country, country) << number;
  }
}

TEST_F(Payments, MagicNumbersDecline) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"4000000000000002", "card_declined"},
      {"4000000000009995", "insufficient_funds"},
      {"4000000000000119", "processing_error"}};
  for (const auto& [number, code] : table) {
    auto c = provider->charge(charge_of(number));
    ASSERT_FALSE(c) << number;
    EXPECT_EQ(c.error().kind, ErrorKind::payment_failed);
    EXPECT_EQ(c.error().code, code);
    EXPECT_FALSE(c.error().message.empty());
  }
  EXPECT_EQ(control.charges_total(), 0);
}

TEST_F(Payments, MalformedTokensAreInvalid) {
  for (std::string token :
       {"", "4242424242424242", "tok_4242424242424242", "test_card_", "test_card_4242424242424241",
        "test_card_42424242424", "test_card_42424242424242424242", "test_card_4242 4242 4242 4242",
        "test_card_4242424242424242 ", "TEST_CARD_4242424242424242", "test_card_-4242424242424242"}) {
    auto c = provider->charge(ChargeRequest{token, 1000, "USD", "", ""});
    ASSERT_FALSE(c) << token;
    EXPECT_EQ(c.error().kind, ErrorKind::invalid_input) << token;
    EXPECT_EQ(c.error().code, "payment_token_invalid") << token;
    EXPECT_EQ(c.error().param, "payment_token");
  }
  // 12 and 19 digits are the bounds.
  EXPECT_TRUE(provider->charge(charge_of(with_luhn("42424242424"))));
  EXPECT_TRUE(provider->charge(charge_of(with_luhn("424242424242424242"))));
}

TEST_F(Payments, AmountAndCurrencyAreValidated) {
  for (int64_t amount : {0, -1}) {
    auto c = provider->charge(charge_of("4242424242424242", amount));
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, "amount_invalid");
    EXPECT_EQ(c.error().kind, ErrorKind::invalid_input);
  }
  for (std::string currency : {"", "usd", "US", "USDX"}) {
    auto c = provider->charge(ChargeRequest{"test_card_4242424242424242", 100, currency, "", ""});
    ASSERT_FALSE(c) << currency;
    EXPECT_EQ(c.error().code, "currency_invalid");
  }
}

TEST_F(Payments, SameKeySameChargeOtherParametersRefused) {
  const auto a = provider->charge(charge_of("4242424242424242", 1000, "k1")).value();
  const auto b = provider->charge(charge_of("4242424242424242", 1000, "k1")).value();
  EXPECT_EQ(a.charge_id, b.charge_id);
  EXPECT_EQ(control.charges_total(), 1);
  auto other = provider->charge(charge_of("4242424242424242", 1001, "k1"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::idempotency);
  EXPECT_EQ(other.error().code, "idempotency_key_reused");
  auto other_card = provider->charge(charge_of("5555555555554444", 1000, "k1"));
  ASSERT_FALSE(other_card);
  EXPECT_EQ(other_card.error().code, "idempotency_key_reused");
  // Another key is another charge.
  EXPECT_NE(provider->charge(charge_of("4242424242424242", 1000, "k2"))->charge_id, a.charge_id);
}

TEST_F(Payments, DeclinesReplayForTheSameKey) {
  auto first = provider->charge(charge_of("4000000000000002", 1000, "k"));
  auto again = provider->charge(charge_of("4000000000000002", 1000, "k"));
  ASSERT_FALSE(first);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "card_declined");
}

TEST_F(Payments, RefundsSettleAfterFiveBusinessDays) {
  const auto c = provider->charge(charge_of("4242424242424242", 1000)).value();
  auto r = provider->refund(RefundRequest{c.charge_id, 400, "r1"});
  ASSERT_TRUE(r) << r.error().code;
  EXPECT_TRUE(r->refund_id.starts_with("re_test_"));
  EXPECT_EQ(r->settles_at, at("2026-01-09T10:30:00Z"));  // Friday → next Friday
  EXPECT_EQ(control.refunded_amount(c.charge_id), 400);
  EXPECT_EQ(control.refunds_total(), 1);
}

TEST_F(Payments, RefundsNeverExceedTheCharge) {
  const auto c = provider->charge(charge_of("4242424242424242", 1000)).value();
  ASSERT_TRUE(provider->refund(RefundRequest{c.charge_id, 600, ""}));
  auto too_much = provider->refund(RefundRequest{c.charge_id, 401, ""});
  ASSERT_FALSE(too_much);
  EXPECT_EQ(too_much.error().kind, ErrorKind::conflict);
  EXPECT_EQ(too_much.error().code, "refund_exceeds_charge");
  ASSERT_TRUE(provider->refund(RefundRequest{c.charge_id, 400, ""}));
  EXPECT_FALSE(provider->refund(RefundRequest{c.charge_id, 1, ""}));
  EXPECT_EQ(control.refunded_amount(c.charge_id), 1000);
  EXPECT_EQ(control.refunds_total(), 2);
}

TEST_F(Payments, RefundErrors) {
  auto unknown = provider->refund(RefundRequest{"ch_test_NOPE", 100, ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(unknown.error().code, "charge_unknown");
  const auto c = provider->charge(charge_of("4242424242424242", 1000)).value();
  auto zero = provider->refund(RefundRequest{c.charge_id, 0, ""});
  ASSERT_FALSE(zero);
  EXPECT_EQ(zero.error().code, "amount_invalid");
  EXPECT_EQ(control.refunded_amount("ch_test_NOPE"), 0);
}

TEST_F(Payments, SameRefundKeySameRefund) {
  const auto c = provider->charge(charge_of("4242424242424242", 1000)).value();
  const auto a = provider->refund(RefundRequest{c.charge_id, 700, "r"}).value();
  const auto b = provider->refund(RefundRequest{c.charge_id, 700, "r"}).value();
  EXPECT_EQ(a.refund_id, b.refund_id);
  EXPECT_EQ(a.settles_at, b.settles_at);
  EXPECT_EQ(control.refunded_amount(c.charge_id), 700);
  auto reused = provider->refund(RefundRequest{c.charge_id, 100, "r"});
  ASSERT_FALSE(reused);
  EXPECT_EQ(reused.error().code, "idempotency_key_reused");
  // A refusal is not remembered: after it, the same key may still succeed.
  EXPECT_FALSE(provider->refund(RefundRequest{c.charge_id, 400, "r2"}));
  EXPECT_TRUE(provider->refund(RefundRequest{c.charge_id, 300, "r2"}));
}

TEST_F(Payments, InjectedFailuresChargeButAnswerProcessingError) {
  control.fail_next_charges(2);
  auto first = provider->charge(charge_of("4242424242424242", 1000, "a"));
  auto second = provider->charge(charge_of("4242424242424242", 1000, "b"));
  auto third = provider->charge(charge_of("4242424242424242", 1000, "c"));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, ErrorKind::payment_failed);
  EXPECT_EQ(first.error().code, "processing_error");
  ASSERT_FALSE(second);
  EXPECT_TRUE(third);
  EXPECT_EQ(control.charges_total(), 3);
  // The lost response: retrying with the key finds the charge that was made.
  auto retried = provider->charge(charge_of("4242424242424242", 1000, "a"));
  ASSERT_TRUE(retried);
  EXPECT_EQ(control.charges_total(), 3);
  EXPECT_TRUE(provider->refund(RefundRequest{retried->charge_id, 1000, ""}));
}

TEST_F(Payments, InjectedFailuresSkipDeclines) {
  control.fail_next_charges(1);
  EXPECT_EQ(provider->charge(charge_of("4000000000000002")).error().code, "card_declined");
  EXPECT_EQ(provider->charge(charge_of("4242424242424242")).error().code, "processing_error");
  EXPECT_TRUE(provider->charge(charge_of("4242424242424242")));
}

TEST_F(Payments, DisputeOpensOnceResolvesOnceAndBlocksRefunds) {
  auto c = provider->charge(charge_of("4242424242424242", 1000));
  ASSERT_TRUE(c);
  ASSERT_TRUE(provider->refund({c->charge_id, 300, "r1"}));
  EXPECT_EQ(control.open_dispute(c->charge_id, 701, "fraudulent").error().code,
            "dispute_exceeds_charge");
  EXPECT_EQ(control.open_dispute("ch_nope", 0, "fraudulent").error().code, "charge_unknown");
  auto d = control.open_dispute(c->charge_id, 0, "fraudulent");
  ASSERT_TRUE(d) << d.error().code;
  EXPECT_EQ(d->amount_minor, 700);  // what was not refunded
  EXPECT_EQ(d->status, "open");
  EXPECT_EQ(control.open_dispute(c->charge_id, 0, "again").error().code, "dispute_exists");
  EXPECT_EQ(provider->refund({c->charge_id, 100, "r2"}).error().code, "charge_disputed");
  auto lost = control.resolve_dispute(d->dispute_id, false);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->status, "lost");
  EXPECT_EQ(control.resolve_dispute(d->dispute_id, false)->status, "lost");  // a repeat
  EXPECT_EQ(control.resolve_dispute(d->dispute_id, true).error().code, "dispute_resolved");
  EXPECT_EQ(control.dispute_notice(d->dispute_id)->status, "lost");
  EXPECT_EQ(provider->refund({c->charge_id, 100, "r3"}).error().code, "charge_disputed");
}

TEST_F(Payments, AWonDisputeAllowsRefundsAgain) {
  auto c = provider->charge(charge_of("4242424242424242", 1000));
  auto d = control.open_dispute(c->charge_id, 400, "product_not_received");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->amount_minor, 400);
  ASSERT_TRUE(control.resolve_dispute(d->dispute_id, true));
  EXPECT_TRUE(provider->refund({c->charge_id, 100, "r1"}));
  EXPECT_EQ(control.dispute_notice("dp_nope").error().code, "dispute_unknown");
}

TEST(PaymentsControl, OnlyTheTestProviderHasControls) {
  struct Other final : Provider {
    Result<PaymentMethod> describe(std::string_view) override { return PaymentMethod{}; }
    Result<Charge> charge(const ChargeRequest&) override { return Charge{}; }
    Result<Refund> refund(const RefundRequest&) override { return Refund{}; }
  } other;
  EXPECT_EQ(test_control(other), nullptr);
}

TEST_F(Payments, ConcurrentChargesWithOneKeyMakeOneCharge) {
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> ids;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        auto c = provider->charge(charge_of("4242424242424242", 1000, "same"));
        std::lock_guard lock(mu);
        ids.insert(c ? c->charge_id : "error");
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(control.charges_total(), 1);
}

TEST_F(Payments, ConcurrentRefundsNeverExceedTheCharge) {
  const auto c = provider->charge(charge_of("4242424242424242", 1000)).value();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j)
        if (provider->refund(RefundRequest{c.charge_id, 7, ""})) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1000 / 7);
  EXPECT_EQ(control.refunded_amount(c.charge_id), (1000 / 7) * 7);
}

TEST(BusinessDays, Table) {
  struct Row {
    const char* start;
    int n;
    const char* expected;
  };
  const Row rows[] = {
      {"2026-01-05T09:15:00Z", 0, "2026-01-05T09:15:00Z"},  // Monday + 0
      {"2026-01-05T09:15:00Z", 1, "2026-01-06T09:15:00Z"},  // Monday + 1 → Tuesday
      {"2026-01-05T09:15:00Z", 4, "2026-01-09T09:15:00Z"},  // Monday + 4 → Friday
      {"2026-01-05T09:15:00Z", 5, "2026-01-12T09:15:00Z"},  // Monday + 5 → next Monday
      {"2026-01-02T23:59:59Z", 1, "2026-01-05T23:59:59Z"},  // Friday + 1 → Monday
      {"2026-01-02T10:30:00Z", 5, "2026-01-09T10:30:00Z"},  // Friday + 5 → Friday
      {"2026-01-01T00:00:00Z", 2, "2026-01-05T00:00:00Z"},  // Thursday + 2 → Monday
      {"2026-01-03T12:00:00Z", 0, "2026-01-05T12:00:00Z"},  // Saturday counts from Monday
      {"2026-01-03T12:00:00Z", 1, "2026-01-06T12:00:00Z"},  // Saturday + 1 → Tuesday
      {"2026-01-04T12:00:00Z", 5, "2026-01-12T12:00:00Z"},  // Sunday + 5 → next Monday
      {"2026-01-05T09:15:00Z", 12, "2026-01-21T09:15:00Z"},  // 2 weeks + 2 days
      {"2026-01-05T09:15:00Z", -3, "2026-01-05T09:15:00Z"},  // negative counts as 0
      {"1969-12-31T18:00:00Z", 1, "1970-01-01T18:00:00Z"},  // Wednesday, before the epoch
  };
  for (const auto& r : rows)
    EXPECT_EQ(format_rfc3339(add_business_days(at(r.start), r.n)), r.expected)
        << r.start << " + " << r.n;
}

}  // namespace
}  // namespace sd::payments
