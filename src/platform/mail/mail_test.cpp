#include "platform/mail/mail.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/ids.hpp"
#include "core/time.hpp"
#include "platform/mail/smtp_sink_for_tests.hpp"

namespace sd::mail {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kDate = "Fri, 02 Jan 2026 10:30:00 +0000";

// ---- helpers: a reader's view of a rendered message -----------------------------------------

Email sample() {
  Email e;
  e.from_name = "Ann's Shop";
  e.from_address = "shop@example.com";
  e.to_name = "Bob";
  e.to_address = "bob@example.org";
  e.subject = "Your receipt";
  e.text_body = "Thanks for your order.\n";
  return e;
}

std::string must_render(const Email& e) {
  auto r = render(e, kDate);
  EXPECT_TRUE(r) << (r ? "" : r.error().code + ": " + r.error().message);
  return r.value_or("");
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find("\r\n", start)) != std::string_view::npos; start = end + 2)
    out.emplace_back(text.substr(start, end - start));
  if (start < text.size()) out.emplace_back(text.substr(start));
  return out;
}

std::string header_block(std::string_view message) {
  return std::string(message.substr(0, message.find("\r\n\r\n") + 2));
}

std::string body_block(std::string_view message) {
  return std::string(message.substr(message.find("\r\n\r\n") + 4));
}

// Headers as (name, unfolded value) pairs.
std::vector<std::pair<std::string, std::string>> headers_of(std::string_view message) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& line : lines_of(header_block(message))) {
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') {
      out.back().second += line;  // unfolding removes only the CRLF
      continue;
    }
    const auto colon = line.find(':');
    out.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  for (auto& [name, value] : out) value.erase(0, value.find_first_not_of(' '));
  return out;
}

std::string header_value(std::string_view message, std::string_view name) {
  for (const auto& [n, v] : headers_of(message))
    if (n == name) return v;
  return "<missing>";
}

std::string base64_decode(std::string_view b64) {
  std::string out(b64.size(), '\0');
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return "<bad base64>";
  out.resize(len);
  return out;
}

// RFC 2047 decoding of B encoded-words (whitespace between two words is dropped).
std::string decode_words(const std::string& value) {
  static const std::regex word(R"(=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=)");
  std::string out;
  auto it = value.cbegin();
  bool after_word = false;
  for (std::smatch m; std::regex_search(it, value.cend(), m, word); it = m[0].second) {
    const std::string between(it, m[0].first);
    if (!(after_word && between.find_first_not_of(' ') == std::string::npos)) out += between;
    out += base64_decode(m[1].str());
    after_word = true;
  }
  return out + std::string(it, value.cend());
}

std::string qp_decode(std::string_view qp) {
  std::string out;
  for (size_t i = 0; i < qp.size(); ++i) {
    if (qp[i] != '=') {
      out += qp[i];
    } else if (qp.substr(i, 3) == "=\r\n") {
      i += 2;
    } else {
      out += static_cast<char>(std::stoi(std::string(qp.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    }
  }
  return out;
}

bool only_crlf_line_breaks(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return false;
    if (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n')) return false;
  }
  return true;
}

bool all_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// ---- render --------------------------------------------------------------------------------------

TEST(MailRender, WritesTheHeadersWithCrlf) {
  auto e = sample();
  e.reply_to = "support@example.com";
  const auto m = must_render(e);
  EXPECT_TRUE(only_crlf_line_breaks(m));
  EXPECT_EQ(header_value(m, "Date"), kDate);
  EXPECT_EQ(header_value(m, "From"), "Ann's Shop <shop@example.com>") << m;  // ' is atext
  EXPECT_EQ(header_value(m, "To"), "Bob <bob@example.org>");
  EXPECT_EQ(header_value(m, "Reply-To"), "support@example.com");
  EXPECT_EQ(header_value(m, "Subject"), "Your receipt");
  EXPECT_EQ(header_value(m, "MIME-Version"), "1.0");
  EXPECT_EQ(header_value(m, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header_value(m, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_TRUE(std::regex_match(header_value(m, "Message-ID"),
                               std::regex("<[0-9A-Z]{26}@example\\.com>")));
  EXPECT_EQ(body_block(m), "Thanks for your order.\r\n");
}

TEST(MailRender, NoReplyToWhenEmptyAndAddressOnlyWithoutName) {
  auto e = sample();
  e.from_name.clear();
  const auto m = must_render(e);
  EXPECT_EQ(header_value(m, "From"), "shop@example.com");
  EXPECT_EQ(header_value(m, "Reply-To"), "<missing>");
}

TEST(MailRender, NonAsciiNamesAndSubjectsBecomeEncodedWords) {
  auto e = sample();
  e.from_name = "José Müller";
  e.to_name = "Zoë";
  e.subject = "Ihre Bestellung – Übersicht 🎉";
  const auto m = must_render(e);
  EXPECT_TRUE(all_ascii(header_block(m)));
  EXPECT_EQ(decode_words(header_value(m, "From")), "José Müller <shop@example.com>");
  EXPECT_EQ(decode_words(header_value(m, "To")), "Zoë <bob@example.org>");
  EXPECT_EQ(decode_words(header_value(m, "Subject")), e.subject);
}

TEST(MailRender, AsciiNamesWithSpecialsAreQuoted) {
  const std::vector<std::pair<std::string, std::string>> table = {
      {"Ann Lee", "Ann Lee <bob@example.org>"},
      {"Doe, John", "\"Doe, John\" <bob@example.org>"},
      {"J. R. \"Bob\" D\\Souza", "\"J. R. \\\"Bob\\\" D\\\\Souza\" <bob@example.org>"},
      {"a@b <c>", "\"a@b <c>\" <bob@example.org>"},
  };
  for (const auto& [name, expected] : table) {
    auto e = sample();
    e.to_name = name;
    EXPECT_EQ(header_value(must_render(e), "To"), expected);
  }
}

TEST(MailRender, DisplayNamesAndSubjectsCannotAddHeaders) {
  auto e = sample();
  e.from_name = "Eve\r\nBcc: victim@example.com";
  e.to_name = "Eve\nBcc: victim@example.com";
  e.subject = "Hi\r\nBcc: victim@example.com\r\n\r\nbody";
  auto r = render(e, kDate);
  ASSERT_TRUE(r);  // encoded, not refused: a buyer's odd name must not block their receipt
  EXPECT_TRUE(only_crlf_line_breaks(*r));
  for (const auto& line : lines_of(*r)) {
    EXPECT_FALSE(line.starts_with("Bcc:")) << line;
    EXPECT_FALSE(line.starts_with("bcc:")) << line;
  }
  EXPECT_EQ(decode_words(header_value(*r, "From")), e.from_name + " <shop@example.com>");
  EXPECT_EQ(decode_words(header_value(*r, "Subject")), e.subject);
}

TEST(MailRender, TextThatLooksEncodedIsEncoded) {
  auto e = sample();
  e.subject = "=?UTF-8?B?SGk=?=";  // a reader would otherwise show "Hi"
  EXPECT_EQ(decode_words(header_value(must_render(e), "Subject")), e.subject);
}

TEST(MailRender, InvalidUtf8IsRefused) {
  auto e = sample();
  e.subject = "bad \xC3(";
  auto r = render(e, kDate);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "email_header_invalid");
}

TEST(MailRender, BadAddressesAreRefused) {
  const std::vector<std::string> bad = {
      "", "noat", "@example.com", "a@", "a@@example.com", "a@b@example.com", "a b@example.com",
      "a@example.com\r\nBcc: v@example.com", "a@example.com\n", "<a@example.com>",
      "a@example.com,b@example.com", "a\x01@example.com", "a@example.com\x7f",
      "jos\xC3\xA9@example.com", "a\"b@example.com", "a@example.com;", "a@.example.com",
      "a@example.com.", "a:b@example.com", "a@[127.0.0.1]",
  };
  for (const auto& address : bad) {
    for (int field = 0; field < 3; ++field) {
      auto e = sample();
      (field == 0 ? e.from_address : field == 1 ? e.to_address : e.reply_to) = address;
      if (field == 2 && address.empty()) continue;  // no Reply-To is fine
      auto r = render(e, kDate);
      ASSERT_FALSE(r) << "field " << field << ": " << address;
      EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
      EXPECT_EQ(r.error().code, "email_header_invalid");
    }
  }
}

TEST(MailRender, ExtraHeadersPassOnlyWhenSafe) {
  auto e = sample();
  e.headers = {{"List-Unsubscribe", "<https://shop.example.com/u/abc>, <mailto:u@example.com>"},
               {"List-Unsubscribe-Post", "List-Unsubscribe=One-Click"}};
  const auto m = must_render(e);
  EXPECT_EQ(header_value(m, "List-Unsubscribe"),
            "<https://shop.example.com/u/abc>, <mailto:u@example.com>");
  EXPECT_EQ(header_value(m, "List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");

  const std::vector<std::pair<std::string, std::string>> bad = {
      {"X-Note", "a\r\nBcc: victim@example.com"}, {"X-Note", "a\nb"}, {"X-Note", "a\rb"},
      {"X-Note", "bell\x07"}, {"X-Note", "caf\xC3\xA9"}, {"Bad Name", "v"}, {"X:Y", "v"},
      {"", "v"}, {"X-\xC3\xA9", "v"}, {"bcc", "victim@example.com"}, {"Subject", "again"},
      {"content-type", "text/html"}, {"X-Note\r\nBcc", "v"},
  };
  for (const auto& [name, value] : bad) {
    auto b = sample();
    b.headers = {{name, value}};
    auto r = render(b, kDate);
    ASSERT_FALSE(r) << name << ": " << value;
    EXPECT_EQ(r.error().code, "email_header_invalid");
    EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
  }
}

TEST(MailRender, LongHeadersAreFoldedAndUnfoldToTheOriginal) {
  auto e = sample();
  e.subject = "";
  for (int i = 0; i < 40; ++i) e.subject += "word" + std::to_string(i) + " ";
  e.subject += "end";
  e.to_name = "Ĳsbrand van der Ünterwegen-Långnamn, Präsident der Gesellschaft für Überlänge";
  std::string long_list;
  for (int i = 0; i < 6; ++i) long_list += "<https://example.com/unsubscribe/" + std::to_string(i) + ">, ";
  long_list += "<mailto:u@example.com>";
  e.headers = {{"List-Unsubscribe", long_list}};
  const auto m = must_render(e);
  for (const auto& line : lines_of(header_block(m))) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(header_value(m, "Subject"), e.subject);
  EXPECT_EQ(decode_words(header_value(m, "To")), e.to_name + " <bob@example.org>");
  EXPECT_EQ(header_value(m, "List-Unsubscribe"), long_list);
}

TEST(MailRender, AnUnbreakableWordIsEncodedSoItCanFold) {
  auto e = sample();
  e.subject = std::string(300, 'x');
  const auto m = must_render(e);
  for (const auto& line : lines_of(header_block(m))) EXPECT_LE(line.size(), 78u) << line;
  EXPECT_EQ(decode_words(header_value(m, "Subject")), e.subject);
}

TEST(MailRender, BodyIsQuotedPrintable) {
  auto e = sample();
  e.text_body = std::string(200, 'a') + "\n" + "1+1=2\n" + "trailing   \n" + "tab\t\n" +
                "café ☕ " + std::string(40, 'e') + std::string(30, '\xC3') + "\n" +
                std::string(120, '=') + "\n" + ".leading dot\n" + "end";
  // The lone \xC3 bytes are not valid UTF-8; the body carries them anyway (QP is 8-bit safe).
  const auto m = must_render(e);
  const auto body = body_block(m);
  EXPECT_TRUE(all_ascii(body));
  for (const auto& line : lines_of(body)) {
    EXPECT_LE(line.size(), 76u) << line;
    EXPECT_FALSE(line.ends_with(' ') || line.ends_with('\t')) << line;
  }
  EXPECT_NE(body.find("1+1=3D2"), std::string::npos);
  EXPECT_NE(body.find("trailing  =20"), std::string::npos);
  EXPECT_NE(body.find("caf=C3=A9"), std::string::npos);
  std::string expected = e.text_body;
  expected = std::regex_replace(expected, std::regex("\n"), "\r\n") + "\r\n";
  EXPECT_EQ(qp_decode(body), expected);
}

TEST(MailRender, EveryLineBreakBecomesCrlf) {
  auto e = sample();
  e.text_body = "a\nb\rc\r\nd\n\ne";
  EXPECT_EQ(qp_decode(body_block(must_render(e))), "a\r\nb\r\nc\r\nd\r\n\r\ne\r\n");
}

TEST(MailRender, HtmlMakesMultipartAlternativeWithARandomBoundary) {
  auto e = sample();
  e.html_body = "<p>Thanks for your order — <a href=\"https://x.example\">download</a></p>";
  const auto m = must_render(e);
  EXPECT_TRUE(only_crlf_line_breaks(m));
  std::smatch match;
  const auto type = header_value(m, "Content-Type");
  ASSERT_TRUE(std::regex_match(type, match,
                               std::regex("multipart/alternative; boundary=\"(=_[^\"]+)\"")))
      << type;
  const std::string boundary = match[1];
  const auto body = body_block(m);
  const auto text_at = body.find("--" + boundary + "\r\nContent-Type: text/plain; charset=utf-8"
                                 "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
  const auto html_at = body.find("--" + boundary + "\r\nContent-Type: text/html; charset=utf-8"
                                 "\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n");
  const auto end_at = body.find("\r\n--" + boundary + "--\r\n");
  ASSERT_NE(text_at, std::string::npos);
  ASSERT_NE(html_at, std::string::npos);
  ASSERT_NE(end_at, std::string::npos);
  EXPECT_LT(text_at, html_at);
  EXPECT_LT(html_at, end_at);
  const auto html_start = body.find("\r\n\r\n", html_at) + 4;
  EXPECT_EQ(qp_decode(body.substr(html_start, end_at - html_start)), e.html_body);
  const auto other = header_value(must_render(e), "Content-Type");
  EXPECT_NE(other, type);
}

TEST(MailRender, MessageIdIsKeptWhenValidElseRefused) {
  auto e = sample();
  e.message_id = "<order-1.receipt@shop.example.com>";
  EXPECT_EQ(header_value(must_render(e), "Message-ID"), e.message_id);
  for (std::string bad : {"no-brackets@example.com", "<no-at>", "<a b@example.com>",
                          "<a@example.com>\r\nBcc: v@example.com", "<@example.com>"}) {
    e.message_id = bad;
    auto r = render(e, kDate);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "email_header_invalid");
  }
}

TEST(MailRender, DateIsCheckedToo) {
  auto r = render(sample(), "Fri, 02 Jan 2026\r\nBcc: v@example.com");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "email_header_invalid");
}

TEST(MailDate, FormatsRfc5322) {
  EXPECT_EQ(format_rfc5322_date(parse_rfc3339("2026-01-02T10:30:00.999Z").value()), kDate);
  EXPECT_EQ(format_rfc5322_date(parse_rfc3339("2024-02-29T23:59:59Z").value()),
            "Thu, 29 Feb 2024 23:59:59 +0000");
  EXPECT_EQ(format_rfc5322_date(-1), "Wed, 31 Dec 1969 23:59:59 +0000");
}

TEST(MailDate, NewMessageIdUsesTheSendersDomain) {
  EXPECT_TRUE(std::regex_match(new_message_id("a@shop.example.com"),
                               std::regex("<[0-9A-Z]{26}@shop\\.example\\.com>")));
  EXPECT_NE(new_message_id("a@x.com"), new_message_id("a@x.com"));
  EXPECT_TRUE(new_message_id("bad\r\n").ends_with("@localhost>"));
}

// ---- folder transport ---------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("sd-mail-test-" + random_base32(12))) {}
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) out.push_back(entry.path());
  return out;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(MailFolder, WritesOneEmlFilePerMessage) {
  TempDir tmp;
  const auto dir = tmp.path() / "nested" / "outbox";
  auto transport = make_folder_transport(dir.string());
  auto e = sample();
  e.message_id = "<r1/x+y@example.com>";
  ASSERT_TRUE(transport->send(e));
  const auto files = files_in(dir);
  ASSERT_EQ(files.size(), 1u);
  const auto name = files[0].filename().string();
  EXPECT_TRUE(std::regex_match(name, std::regex(R"(\d{8}T\d{6}\.\d{6}Z-r1_x_y@example\.com\.eml)")))
      << name;
  const auto content = read_all(files[0]);
  EXPECT_TRUE(content.starts_with("Date: ")) << content;
  EXPECT_EQ(header_value(content, "Message-ID"), e.message_id);
  EXPECT_EQ(header_value(content, "To"), "Bob <bob@example.org>");
  struct stat st{};
  ASSERT_EQ(::stat(files[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  ASSERT_TRUE(transport->send(sample()));  // a generated Message-ID names the second file
  const auto both = files_in(dir);
  ASSERT_EQ(both.size(), 2u);
  for (const auto& f : both) EXPECT_EQ(f.extension(), ".eml") << f;  // no temp files left
}

TEST(MailFolder, SyncFlushesABatchAndIsHarmlessBeforeAnyMessage) {
  TempDir tmp;
  const auto dir = tmp.path() / "batch";
  auto transport = make_folder_transport(dir.string());
  EXPECT_TRUE(transport->sync());  // nothing written yet: the folder need not exist
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport->send(sample()));
  EXPECT_TRUE(transport->sync());
  EXPECT_EQ(files_in(dir).size(), 3u);
}

TEST(MailFolder, AnUnusableFolderIsUnavailable) {
  TempDir tmp;
  fs::create_directories(tmp.path());
  std::ofstream(tmp.path() / "file") << "x";
  auto transport = make_folder_transport((tmp.path() / "file" / "outbox").string());
  auto r = transport->send(sample());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(r.error().code, "mail_folder_unavailable");
}

TEST(MailFolder, AnInvalidMessageWritesNothing) {
  TempDir tmp;
  auto transport = make_folder_transport(tmp.path().string());
  auto e = sample();
  e.to_address = "bob@example.org\r\nBcc: v@example.com";
  auto r = transport->send(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "email_header_invalid");
  EXPECT_FALSE(fs::exists(tmp.path()) && !fs::is_empty(tmp.path()));
}

// ---- SMTP transport against a real SMTP conversation -------------------------------------------

SmtpOptions options_for(int port) {
  SmtpOptions o;
  o.url = "smtp://127.0.0.1:" + std::to_string(port);
  o.timeout_seconds = 10;
  return o;
}

TEST(MailSmtp, DeliversWithEnvelopeHeadersAndDotStuffing) {
  testing::SmtpSink sink;
  auto transport = make_smtp_transport(options_for(sink.port()));
  auto e = sample();
  e.subject = "Broadcast: news";
  e.headers = {{"List-Unsubscribe", "<https://shop.example.com/u/abc>"}};
  e.text_body = "Hello\n.hidden line\n.\nbye\n";
  auto r = transport->send(e);
  ASSERT_TRUE(r) << r.error().code << ": " << r.error().message;
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.mail_from, "shop@example.com");
  EXPECT_EQ(m.rcpt_to, std::vector<std::string>{"bob@example.org"});
  EXPECT_EQ(header_value(m.data, "From"), "Ann's Shop <shop@example.com>");
  EXPECT_EQ(header_value(m.data, "To"), "Bob <bob@example.org>");
  EXPECT_EQ(header_value(m.data, "Subject"), "Broadcast: news");
  EXPECT_EQ(header_value(m.data, "List-Unsubscribe"), "<https://shop.example.com/u/abc>");
  // On the wire the dot lines were doubled; after un-stuffing the body is what was rendered.
  EXPECT_NE(m.raw_data.find("\r\n..hidden line\r\n..\r\n"), std::string::npos) << m.raw_data;
  EXPECT_EQ(qp_decode(body_block(m.data)), "Hello\r\n.hidden line\r\n.\r\nbye\r\n");
}

TEST(MailSmtp, SendsManyMessagesOneConnectionEach) {
  testing::SmtpSink sink;
  auto transport = make_smtp_transport(options_for(sink.port()));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(transport->send(sample()));
  EXPECT_EQ(sink.messages().size(), 3u);
}

TEST(MailSmtp, PermanentRejectionIsSmtpRejected) {
  testing::SmtpSink sink;
  sink.reject_recipient("bob@example.org", 550);
  auto r = make_smtp_transport(options_for(sink.port()))->send(sample());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(r.error().code, "smtp_rejected");
  EXPECT_NE(r.error().message.find("550 5.1.1 <bob@example.org>: Recipient address rejected"),
            std::string::npos)
      << r.error().message;
  EXPECT_TRUE(sink.messages().empty());
}

TEST(MailSmtp, TemporaryRejectionIsUnavailable) {
  testing::SmtpSink sink;
  sink.reject_recipient("bob@example.org", 451);
  auto r = make_smtp_transport(options_for(sink.port()))->send(sample());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(r.error().code, "smtp_unavailable");
}

TEST(MailSmtp, AClosedPortIsUnavailable) {
  auto r = make_smtp_transport(options_for(testing::closed_port()))->send(sample());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::unavailable);
  EXPECT_EQ(r.error().code, "smtp_unavailable");
}

TEST(MailSmtp, BadUrlAndBadMessageFailBeforeConnecting) {
  testing::SmtpSink sink;
  SmtpOptions o = options_for(sink.port());
  o.url = "http://127.0.0.1:" + std::to_string(sink.port());
  auto r = make_smtp_transport(o)->send(sample());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "smtp_url_invalid");
  auto e = sample();
  e.from_address = "shop@example.com>\r\nRCPT TO:<victim@example.com";
  r = make_smtp_transport(options_for(sink.port()))->send(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "email_header_invalid");
  EXPECT_TRUE(sink.commands().empty());
}

}  // namespace
}  // namespace sd::mail
