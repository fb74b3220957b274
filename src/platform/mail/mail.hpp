// Outbound email transports (R-OPS-3): a folder of .eml files (default) or SMTP via libcurl.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace sd::mail {

struct Email {
  std::string from_name;
  std::string from_address;
  std::string to_name;
  std::string to_address;
  std::string reply_to;  // may be empty
  std::string subject;
  std::string text_body;  // UTF-8 plain text
  std::string html_body;  // optional
  // Extra headers (e.g. List-Unsubscribe). Names and values are validated: no CR/LF ever
  // reaches the wire, whatever a user typed.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string message_id;  // "<…@host>"; generated when empty
};

// The RFC 5322 message: headers encoded (RFC 2047 for non-ASCII display names and subjects),
// CRLF line endings, quoted-printable UTF-8 body (multipart/alternative when html_body is set).
// invalid_input `email_header_invalid` when an address or header cannot be made safe.
// Addresses are ASCII addr-specs (one '@', no spaces, CR, LF, control characters, or any of
// <>,;:"()[]\); extra header names must be printable ASCII without ':' and not one of the
// headers render writes itself (nor Cc, Bcc, Sender); extra header values printable ASCII
// (tab allowed) — refused, never repaired. Display names and subjects may hold any valid
// UTF-8, CR and LF included: such text goes out as encoded-words, never as raw header lines.
Result<std::string> render(const Email& email, std::string_view date_rfc5322);

// "Fri, 02 Jan 2026 10:30:00 +0000": the Date header value for `t`.
std::string format_rfc5322_date(Micros t);

// A fresh "<random@domain>" Message-ID, the domain taken from `from_address`.
std::string new_message_id(std::string_view from_address);

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers one message; unavailable errors are retryable, invalid_input ones are not.
  virtual Result<void> send(const Email& email) = 0;
  // Makes every message sent so far durable (the folder transport flushes the file system
  // once per batch instead of once per message); call before recording them as sent.
  virtual Result<void> sync() { return {}; }
};

// Writes each message as <dir>/<timestamp>-<message-id>.eml (atomic rename; durable after
// sync(), which flushes the folder's file system once; the directory is created when missing). A file-system failure is unavailable
// `mail_folder_unavailable`.
std::unique_ptr<Transport> make_folder_transport(std::string dir);

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string username;
  std::string password;
  bool starttls = false;
  long timeout_seconds = 30;
};
// Network failures and 4xx replies are unavailable `smtp_unavailable`; a 5xx reply is
// invalid_input `smtp_rejected` (the message quotes the server's reply); a url that is not
// smtp:// or smtps:// is invalid_input `smtp_url_invalid`. Thread-safe (a connection per send).
std::unique_ptr<Transport> make_smtp_transport(SmtpOptions options);

}  // namespace sd::mail
