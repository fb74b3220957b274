// SMTP delivery through libcurl: one connection per message (transports are called from the
// outbox worker, where a connection per message is simple and cheap enough).
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <mutex>

#include "platform/mail/mail.hpp"

namespace sd::mail {
namespace {

// The rendered message, handed to libcurl piece by piece.
struct Upload {
  std::string_view rest;
};

size_t read_message(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* upload = static_cast<Upload*>(userdata);
  const size_t n = std::min(size * nitems, upload->rest.size());
  upload->rest.copy(buffer, n);
  upload->rest.remove_prefix(n);
  return n;
}

// Keeps the server's last error reply (4xx/5xx) for the error message: the last reply of all
// is usually the 221 to the QUIT libcurl sends after a refusal.
int capture_reply(CURL*, curl_infotype type, char* data, size_t size, void* userdata) {
  if (type != CURLINFO_HEADER_IN) return 0;
  try {
    auto* reply = static_cast<std::string*>(userdata);
    std::string_view line(data, size);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.empty() && (line.front() == '4' || line.front() == '5')) reply->assign(line);
  } catch (...) {  // nothing may unwind through libcurl
  }
  return 0;
}

struct CurlDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

bool smtp_url(std::string_view url) {
  return url.starts_with("smtp://") || url.starts_with("smtps://");
}

// The transfer's outcome as the contract names it: 5xx is the server's final word, anything
// else (no connection, timeouts, 4xx) may work on a retry.
Result<void> classify(CURLcode rc, long reply_code, const std::string& reply,
                      const char* error_buffer) {
  if (rc == CURLE_OK) return {};
  if (reply_code >= 500 && reply_code < 600)
    return fail(ErrorKind::invalid_input, "smtp_rejected",
                "The mail server rejected the message: " + reply);
  if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
    return fail(ErrorKind::invalid_input, "smtp_url_invalid", "The SMTP url is not valid.");
  std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  if (reply_code >= 400 && !reply.empty()) detail += " (" + reply + ")";
  return fail(ErrorKind::unavailable, "smtp_unavailable",
              "The mail server is unavailable: " + detail);
}

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpOptions options) : options_(std::move(options)) {}

  Result<void> send(const Email& email) override {
    try {
      return send_unchecked(email);
    } catch (const std::exception& e) {  // allocation failure: stays a value
      return fail(ErrorKind::internal, "smtp_failed", e.what());
    }
  }

 private:
  Result<void> send_unchecked(const Email& email) {
    if (!smtp_url(options_.url))
      return fail(ErrorKind::invalid_input, "smtp_url_invalid",
                  "The SMTP url must start with smtp:// or smtps://.");
    const auto message = SD_TRY(render(email, format_rfc5322_date(now_micros())));
    std::unique_ptr<CURL, CurlDeleter> h(curl_easy_init());
    if (!h) return fail(ErrorKind::internal, "smtp_failed", "curl_easy_init failed.");
    // render() validated both addresses: safe to put on the envelope.
    const std::string from = "<" + email.from_address + ">";
    std::unique_ptr<curl_slist, SlistDeleter> rcpt(
        curl_slist_append(nullptr, ("<" + email.to_address + ">").c_str()));
    Upload upload{message};
    std::string reply;
    char error_buffer[CURL_ERROR_SIZE] = {};
    configure(h.get(), from, rcpt.get(), upload, reply, error_buffer);
    const CURLcode rc = curl_easy_perform(h.get());
    long reply_code = 0;
    curl_easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &reply_code);
    return classify(rc, reply_code, reply, error_buffer);
  }

  void configure(CURL* h, const std::string& from, curl_slist* rcpt, Upload& upload,
                 std::string& reply, char* error_buffer) const {
    curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");  // never file:// or http://
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    if (!options_.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str());
      curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str());
    }
    // STARTTLS required (not "try"): credentials never cross the network in clear text.
    curl_easy_setopt(h, CURLOPT_USE_SSL,
                     static_cast<long>(options_.starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, options_.timeout_seconds);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    // The debug callback is the only place libcurl shows the server's reply text.
    curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, capture_reply);
    curl_easy_setopt(h, CURLOPT_DEBUGDATA, &reply);
  }

  static Micros now_micros() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }

  const SmtpOptions options_;
};

}  // namespace

std::unique_ptr<Transport> make_smtp_transport(SmtpOptions options) {
  // curl_global_init is not thread-safe on every build of libcurl: once, before any handle.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::make_unique<SmtpTransport>(std::move(options));
}

}  // namespace sd::mail
