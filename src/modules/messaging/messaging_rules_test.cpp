#include <gtest/gtest.h>

#include "modules/messaging/messaging.hpp"

namespace sd::messaging {
namespace {

PlaceholderContext full() {
  return {"Ana María López", "Brush Pack", "SD-ABCD-EFGH", "Ana's Fonts", "help@fonts.test",
          "https://shop.test/library"};
}

TEST(Placeholders, FillsEveryKnownName) {
  struct Case {
    const char* body;
    const char* want;
  } cases[] = {
      {"Hi {customer_name}", "Hi Ana María López"},
      {"Hi {customer_first_name}!", "Hi Ana!"},
      {"{product_title} / {order_id}", "Brush Pack / SD-ABCD-EFGH"},
      {"{store_name} <{support_email}>", "Ana's Fonts <help@fonts.test>"},
      {"Get it at {library_url}", "Get it at https://shop.test/library"},
      {"{customer_first_name|there}", "Ana"},
      {"no placeholders", "no placeholders"},
      {"braces { } and {Hi} and {x y} and {a|x stay", "braces { } and {Hi} and {x y} and {a|x stay"},
      {"{", "{"},
      {"{customer_name", "{customer_name"},
  };
  for (const auto& c : cases) {
    auto r = fill_placeholders(c.body, full());
    ASSERT_TRUE(r) << c.body << ": " << r.error().message;
    EXPECT_EQ(*r, c.want) << c.body;
  }
}

TEST(Placeholders, UsesPlaceholderSeesOnlyRealPlaceholders) {
  EXPECT_TRUE(uses_placeholder("Your {order_id}", "order_id"));
  EXPECT_TRUE(uses_placeholder("About {product_title|it}.", "product_title"));
  EXPECT_FALSE(uses_placeholder("Your {order_id", "order_id"));
  EXPECT_FALSE(uses_placeholder("{order_identifier} {x order_id}", "order_id"));
  EXPECT_FALSE(uses_placeholder("Hi {customer_name}", "order_id"));
}

TEST(Placeholders, FallbackFillsAMissingValue) {
  PlaceholderContext c = full();
  c.customer_name = "  ";
  c.order_id = "";
  auto r = fill_placeholders("Hi {customer_first_name|there}, {order_id|your order}; {customer_name|}.", c);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "Hi there, your order; .");
}

TEST(Placeholders, UnknownIsRefusedNamingIt) {
  auto r = fill_placeholders("Hi {customer_nmae}", full());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "placeholder_unknown");
  EXPECT_EQ(r.error().param, "body");
  EXPECT_NE(r.error().message.find("{customer_nmae}"), std::string::npos);
  auto c = check_placeholders("ok {store_name} then {coupon|none}");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, "placeholder_unknown");
  EXPECT_NE(c.error().message.find("{coupon}"), std::string::npos);
  EXPECT_TRUE(check_placeholders("{order_id} {customer_first_name|there}"));
}

TEST(Placeholders, UnfillableWithoutFallbackIsRefusedNamingIt) {
  PlaceholderContext c = full();
  c.order_id.clear();
  auto r = fill_placeholders("Your order {order_id}", c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "placeholder_unfillable");
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(r.error().param, "body");
  EXPECT_NE(r.error().message.find("{order_id}"), std::string::npos);
}

TEST(Placeholders, FilledValuesAreNotExpandedAgain) {
  PlaceholderContext c = full();
  c.customer_name = "{order_id}";
  auto r = fill_placeholders("{customer_name}", c);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, "{order_id}");
}

TEST(FirstName, TakesTheFirstWord) {
  EXPECT_EQ(first_name("Ana María"), "Ana");
  EXPECT_EQ(first_name("  Bo "), "Bo");
  EXPECT_EQ(first_name(""), "");
  EXPECT_EQ(first_name(" \t"), "");
}

TEST(Body, IsRequiredBoundedAndUtf8) {
  EXPECT_TRUE(validate_body("hello"));
  EXPECT_EQ(validate_body(" \n").error().code, "required");
  EXPECT_EQ(validate_body(std::string(20001, 'a')).error().code, "too_long");
  EXPECT_EQ(validate_body("\xff").error().code, "invalid_utf8");
  EXPECT_EQ(validate_body("", "saved_reply.body").error().param, "saved_reply.body");
}

TEST(InboxCursor, RoundTripsAndRefusesGarbage) {
  InboxKey k{true, 1700000000123456, "thr_ABC123"};
  auto d = decode_inbox_cursor(encode_inbox_cursor(k));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->unread, true);
  EXPECT_EQ(d->last_message_at, k.last_message_at);
  EXPECT_EQ(d->public_id, k.public_id);
  for (const char* bad : {"", "!!", "MS4", "Mi4xLnRocl8", "MS54LnRocg"})
    EXPECT_EQ(decode_inbox_cursor(bad).error().code, "invalid_cursor") << bad;
}

TEST(LikePattern, EscapesWildcards) {
  EXPECT_EQ(like_pattern("Ab%_\\"), "%ab\\%\\_\\\\%");
}

TEST(UnsubscribeToken, VerifiesAndRefusesTampering) {
  const auto t = unsubscribe_token("key", "sto_1", "a@b.test");
  auto r = read_unsubscribe_token("key", t);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->first, "sto_1");
  EXPECT_EQ(r->second, "a@b.test");
  EXPECT_FALSE(read_unsubscribe_token("other key", t));
  auto forged = unsubscribe_token("key", "sto_2", "a@b.test");
  forged = forged.substr(0, forged.find('.')) + t.substr(t.find('.'));
  EXPECT_FALSE(read_unsubscribe_token("key", forged));
  EXPECT_FALSE(read_unsubscribe_token("key", "garbage"));
}

TEST(ResponseMetrics, MedianAndShareWithin24h) {
  const Micros h = kMicrosPerHour, now = 100 * h;
  auto m = response_metrics({{0, 1 * h}, {0, 3 * h}, {0, 30 * h}, {10 * h, std::nullopt},
                             {99 * h, std::nullopt}},
                            now);
  EXPECT_EQ(m.threads, 5);
  EXPECT_EQ(m.median_seconds, 3 * 3600);
  // 4 counted (the 1 h-old unanswered thread is not late yet), 2 within 24 h.
  ASSERT_TRUE(m.answered_24h_share);
  EXPECT_DOUBLE_EQ(*m.answered_24h_share, 0.5);
  auto empty = response_metrics({}, now);
  EXPECT_FALSE(empty.median_seconds);
  EXPECT_FALSE(empty.answered_24h_share);
}

}  // namespace
}  // namespace sd::messaging

namespace sd::messaging {
namespace {

TEST(Attachments, SniffsImagesByBytesAndOthersByNameNeverActiveContent) {
  using namespace std::string_literals;
  const auto png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
  struct Case {
    std::string name;
    std::string bytes;
    std::string type;
    bool image;
  } cases[] = {
      {"photo.png", png, "image/png", true},
      {"no-extension", png, "image/png", true},        // the bytes decide
      {"photo.txt", png, "image/png", true},
      {"shot.JPG", "\xff\xd8\xff\xe0\0\x10JFIF"s, "image/jpeg", true},
      {"anim.gif", "GIF89a\x01\0"s, "image/gif", true},
      {"pic.webp", "RIFF\x24\0\0\0WEBPVP8 "s, "image/webp", true},
      {"riff.wav", "RIFF\x24\0\0\0WAVEfmt "s, "audio/wav", false},
      {"fake.png", "<html><script>alert(1)</script>", "application/octet-stream", false},
      {"page.html", "<!doctype html><p>hi", "application/octet-stream", false},
      {"logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>", "application/octet-stream", false},
      {"doc.pdf", "%PDF-1.7\n", "application/pdf", false},
      {"guide.PDF", "not a pdf", "application/octet-stream", false},
      {"files.zip", "PK\x03\x04rest"s, "application/zip", false},
      {"letter.docx", "PK\x03\x04rest"s,
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
      {"notes.txt", "hello", "text/plain", false},
      {"data.csv", "a,b\n1,2", "text/csv", false},
      {"song.mp3", "ID3\x03", "audio/mpeg", false},
      {"art.psd", "8BPS\0\x01", "image/vnd.adobe.photoshop", false},
      {"art.psd", "<html>", "application/octet-stream", false},
      {"x.", "", "application/octet-stream", false},
  };
  for (const auto& c : cases) {
    const auto got = sniff_attachment(c.name, c.bytes);
    EXPECT_EQ(got.content_type, c.type) << c.name;
    EXPECT_EQ(got.is_image, c.image) << c.name;
  }
}

TEST(Attachments, HumanSizes) {
  EXPECT_EQ(human_size(1), "1 byte");
  EXPECT_EQ(human_size(512), "512 bytes");
  EXPECT_EQ(human_size(1024), "1.0 KB");
  EXPECT_EQ(human_size(1536), "1.5 KB");
  EXPECT_EQ(human_size(12 * 1024 + 300), "12 KB");
  EXPECT_EQ(human_size(10 * 1024 * 1024), "10 MB");
  EXPECT_EQ(human_size(1258291), "1.2 MB");
  EXPECT_EQ(human_size(int64_t{3} * 1024 * 1024 * 1024), "3.0 GB");
}

}  // namespace
}  // namespace sd::messaging
