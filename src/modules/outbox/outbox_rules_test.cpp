#include <gtest/gtest.h>

#include "modules/outbox/outbox.hpp"

namespace sd::outbox {
namespace {

TEST(OutboxRules, EmailsRoundTrip) {
  OutgoingEmail e{"receipt", "Ana's Fonts", "Núñez", "n@example.com", "help@ana.example",
                  "Your receipt", "Thanks!\nLine two", {{"X-Shopdesk-Order", "SD-1234-ABCD"}}};
  auto back = decode(encode(e));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->to_name, "Núñez");
  EXPECT_EQ(back->text_body, e.text_body);
  EXPECT_EQ(back->headers, e.headers);
  EXPECT_FALSE(decode("{}"));
  EXPECT_FALSE(decode("nope"));
}

TEST(OutboxRules, ReferencesRoundTripAndAreToldFromEmails) {
  const Reference r{"receipt", 7, 123456789012};
  const auto json = encode_reference(r);
  auto back = decode_reference(json);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kind, "receipt");
  EXPECT_EQ(back->store_id, 7);
  EXPECT_EQ(back->id, 123456789012);
  EXPECT_FALSE(decode(json)) << "a reference is not an email";
  EXPECT_FALSE(decode_reference(encode(OutgoingEmail{"receipt", "", "", "a@b.c", "", "", "", {}})));
  EXPECT_FALSE(decode_reference(R"({"ref":"receipt","id":"x"})"));
  EXPECT_FALSE(decode_reference("nope"));
}

TEST(OutboxRules, RetryBacksOffToACap) {
  EXPECT_EQ(retry_delay(1), 30 * kMicrosPerSecond);
  EXPECT_EQ(retry_delay(2), 60 * kMicrosPerSecond);
  EXPECT_EQ(retry_delay(3), 120 * kMicrosPerSecond);
  EXPECT_EQ(retry_delay(30), 6 * kMicrosPerHour);
  EXPECT_EQ(retry_delay(0), 30 * kMicrosPerSecond);
}

}  // namespace
}  // namespace sd::outbox
