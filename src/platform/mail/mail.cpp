// Rendering an Email as an RFC 5322 / MIME message. Every header value is built from
// validated or encoded pieces, so no user text can start a header line of its own.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <exception>

#include "core/ids.hpp"
#include "platform/mail/mail.hpp"

namespace sd::mail {
namespace {

constexpr size_t kFoldAt = 78;         // RFC 5322 §2.1.1 SHOULD
constexpr size_t kLineMax = 998;       // RFC 5322 §2.1.1 MUST
constexpr size_t kQpLineMax = 76;      // RFC 2045 §6.7 (5)
// 39 bytes → 52 base64 chars → a 64-character encoded-word (RFC 2047 allows 75): short enough
// that "Subject: " and the first word share a line.
constexpr size_t kWordBytesMax = 39;
constexpr size_t kAddressMax = 254;
constexpr std::string_view kCrlf = "\r\n";

tl::unexpected<Error> header_invalid(std::string message, std::string param) {
  return fail(ErrorKind::invalid_input, "email_header_invalid", std::move(message),
              std::move(param));
}

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

// ---- addresses and names ----------------------------------------------------------------------

bool address_char_ok(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return false;  // controls, space, DEL, non-ASCII
  return std::string_view("<>,;:\"()[]\\").find(static_cast<char>(c)) == std::string_view::npos;
}

bool valid_address(std::string_view a) {
  const auto at = a.find('@');
  if (a.size() > kAddressMax || at == std::string_view::npos || at == 0 || at + 1 == a.size() ||
      a.find('@', at + 1) != std::string_view::npos)
    return false;
  for (unsigned char c : a)
    if (!address_char_ok(c)) return false;
  const auto domain = a.substr(at + 1);
  return domain.front() != '.' && domain.back() != '.';
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || i + len > s.size() || (len == 2 && c < 0xc2)) return false;
    for (size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += len;
  }
  return true;
}

// Plain ASCII text could still need encoding: controls (CR/LF!), a literal "=?" that a reader
// would decode, or a word too long to fold.
bool needs_encoded_words(std::string_view text) {
  size_t word = 0;
  for (unsigned char c : text) {
    if (c >= 0x80 || is_control(c)) return true;
    word = c == ' ' ? 0 : word + 1;
    if (word > kFoldAt - 20) return true;
  }
  return text.find("=?") != std::string_view::npos;
}

std::string base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// RFC 2047 B encoded-words separated by spaces (which readers drop between words). Chunks end
// on UTF-8 character boundaries: a word must decode on its own.
std::string encoded_words(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + kWordBytesMax);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) >> 6) == 0x2) --end;
    if (!out.empty()) out += ' ';
    out += "=?UTF-8?B?";
    out += base64(text.substr(i, end - i));
    out += "?=";
    i = end;
  }
  return out;
}

// Text (a subject) as a header value: as is when that is safe, else encoded-words.
Result<std::string> unstructured(std::string_view text, std::string param) {
  if (!valid_utf8(text)) return header_invalid("The text is not valid UTF-8.", std::move(param));
  return needs_encoded_words(text) ? encoded_words(text) : std::string(text);
}

// A display name as an RFC 5322 phrase: encoded-words, a quoted-string, or plain atoms.
Result<std::string> phrase(std::string_view name, std::string param) {
  if (!valid_utf8(name)) return header_invalid("The name is not valid UTF-8.", std::move(param));
  if (needs_encoded_words(name)) return encoded_words(name);
  if (name.find_first_of("()<>[]:;@\\,.\"") == std::string_view::npos) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

Result<std::string> mailbox(std::string_view name, std::string_view address, std::string param) {
  if (!valid_address(address)) return header_invalid("The email address is not valid.", param);
  if (name.empty()) return std::string(address);
  auto display = SD_TRY(phrase(name, param));
  return display + " <" + std::string(address) + ">";
}

// ---- header lines -------------------------------------------------------------------------------

// "Name: value" CRLF, folded at spaces so lines stay within 78 characters where the value
// allows; never a whitespace-only line, never more than 998.
Result<std::string> header(std::string_view name, std::string_view value) {
  std::string out(name);
  out += ':';
  size_t line_start = 0;
  size_t pos = 0;
  while (pos <= value.size()) {
    auto space = value.find(' ', pos);
    if (space == std::string_view::npos) space = value.size();
    const auto token = value.substr(pos, space - pos);
    // Folding may come right after the colon too ("Subject:" CRLF " =?UTF-8?B?…?=").
    const bool fits = out.size() - line_start + 1 + token.size() <= kFoldAt;
    if (!fits && !token.empty()) {
      out += kCrlf;
      line_start = out.size();
    }
    out += ' ';
    out += token;
    if (out.size() - line_start > kLineMax)
      return header_invalid("A header line is too long.", std::string(name));
    pos = space + 1;
  }
  out += kCrlf;
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

constexpr std::array<std::string_view, 12> kReservedHeaders = {
    "Date",         "From",         "To",           "Reply-To",
    "Subject",      "Message-ID",   "MIME-Version", "Content-Type",
    "Content-Transfer-Encoding",    "Cc",           "Bcc",
    "Sender"};

Result<std::string> extra_header(std::string_view name, std::string_view value) {
  const std::string param = "headers";  // not the name itself: it may be the bad part
  bool name_ok = !name.empty() && name.size() <= 76;
  for (unsigned char c : name) name_ok = name_ok && c > 0x20 && c < 0x7f && c != ':';
  for (auto reserved : kReservedHeaders) name_ok = name_ok && !iequals(name, reserved);
  if (!name_ok) return header_invalid("A header name is not allowed.", param);
  for (unsigned char c : value)
    if ((is_control(c) && c != '\t') || c >= 0x80)
      return header_invalid("A header value holds characters that are not allowed.", param);
  return header(name, value);
}

bool valid_message_id(std::string_view id) {
  if (id.size() < 5 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  const auto inner = id.substr(1, id.size() - 2);
  const auto at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size()) return false;
  for (unsigned char c : inner)
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>') return false;
  return true;
}

// ---- bodies -------------------------------------------------------------------------------------

// One line (no line break) in quoted-printable: soft breaks keep encoded lines within 76
// characters, an "=XX" is never split, whitespace that would end a line is encoded.
std::string qp_line(std::string_view line) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t width = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    const bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !last);
    char unit[4] = {static_cast<char>(c), 0, 0, 0};
    if (!literal) unit[0] = '=', unit[1] = kHex[c >> 4], unit[2] = kHex[c & 0xf];
    const size_t len = literal ? 1 : 3;
    if (width + len > (last ? kQpLineMax : kQpLineMax - 1)) {  // room for the soft break '='
      out += "=\r\n";
      width = 0;
    }
    out.append(unit, len);
    width += len;
  }
  return out;
}

// The body in quoted-printable, each of \r\n, \n and a lone \r a hard line break (CRLF).
std::string quoted_printable(std::string_view text) {
  std::string out;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != '\r' && text[i] != '\n') continue;
    out += qp_line(text.substr(start, i - start));
    if (i == text.size()) break;
    out += kCrlf;
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  return out;
}

std::string part_headers(std::string_view type) {
  return "Content-Type: " + std::string(type) +
         "; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n";
}

// The MIME headers and body: one text/plain part, or multipart/alternative with the html.
// The boundary starts with "=_", which quoted-printable text can never contain.
std::string mime_body(const Email& email) {
  auto text = quoted_printable(email.text_body);
  if (email.html_body.empty()) {
    if (!text.ends_with(kCrlf)) text += kCrlf;
    return part_headers("text/plain") + "\r\n" + text;
  }
  const std::string boundary = std::string("=_sd_") + random_base32(26);
  std::string out = "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "--" + boundary + "\r\n" + part_headers("text/plain") + "\r\n" + text + "\r\n";
  out += "--" + boundary + "\r\n" + part_headers("text/html") + "\r\n" +
         quoted_printable(email.html_body) + "\r\n";
  out += "--" + boundary + "--\r\n";
  return out;
}

Result<std::string> render_unchecked(const Email& email, std::string_view date) {
  for (unsigned char c : date)
    if (is_control(c) || c >= 0x80) return header_invalid("The date is not valid.", "date");
  const auto message_id =
      email.message_id.empty() ? new_message_id(email.from_address) : email.message_id;
  if (!valid_message_id(message_id))
    return header_invalid("The Message-ID is not valid.", "message_id");
  std::string out = SD_TRY(header("Date", date));
  out += SD_TRY(header("From", SD_TRY(mailbox(email.from_name, email.from_address, "from"))));
  out += SD_TRY(header("To", SD_TRY(mailbox(email.to_name, email.to_address, "to"))));
  if (!email.reply_to.empty())
    out += SD_TRY(header("Reply-To", SD_TRY(mailbox("", email.reply_to, "reply_to"))));
  out += SD_TRY(header("Subject", SD_TRY(unstructured(email.subject, "subject"))));
  out += SD_TRY(header("Message-ID", message_id));
  for (const auto& [name, value] : email.headers) out += SD_TRY(extra_header(name, value));
  out += "MIME-Version: 1.0\r\n";
  out += mime_body(email);
  return out;
}

}  // namespace

Result<std::string> render(const Email& email, std::string_view date_rfc5322) {
  try {
    return render_unchecked(email, date_rfc5322);
  } catch (const std::exception& e) {  // allocation failure: no exception leaves the platform
    return fail(ErrorKind::internal, "email_render_failed", e.what());
  }
}

std::string format_rfc5322_date(Micros t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const sys_seconds secs{seconds{t >= 0 ? t / kMicrosPerSecond
                                        : (t - kMicrosPerSecond + 1) / kMicrosPerSecond}};
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const hh_mm_ss hms{secs - day};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                              kDays[weekday{day}.c_encoding()],
                              static_cast<unsigned>(ymd.day()),
                              kMonths[static_cast<unsigned>(ymd.month()) - 1],
                              static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                              static_cast<int>(hms.minutes().count()),
                              static_cast<int>(hms.seconds().count()));
  return std::string(buf, static_cast<size_t>(n));
}

std::string new_message_id(std::string_view from_address) {
  const auto at = from_address.rfind('@');
  std::string domain = at == std::string_view::npos ? "" : std::string(from_address.substr(at + 1));
  bool domain_ok = !domain.empty();
  for (unsigned char c : domain) domain_ok = domain_ok && address_char_ok(c) && c != '@';
  if (!domain_ok) domain = "localhost";  // render refuses the bad address anyway
  std::string id = "<";
  id += random_base32(26);
  id += '@';
  id += domain;
  id += '>';
  return id;
}

}  // namespace sd::mail
