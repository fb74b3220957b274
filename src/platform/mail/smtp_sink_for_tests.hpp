// TEST-ONLY: a tiny SMTP server on 127.0.0.1 that records what it receives, so tests can
// check a real SMTP conversation (envelope, headers, dot-stuffing, refusals). No production
// code includes this file. One connection at a time, which is all a transport under test needs.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cctype>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace sd::mail::testing {

// One message as the sink received it.
struct SmtpSinkMessage {
  std::string mail_from;             // the MAIL FROM address, without <>
  std::vector<std::string> rcpt_to;  // accepted RCPT TO addresses, without <>
  std::string raw_data;              // the DATA lines as sent, still dot-stuffed, CRLF-joined
  std::string data;                  // the message after removing the dot-stuffing
};

class SmtpSink {
 public:
  SmtpSink() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;  // port() == 0: the test fails on connect
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  ~SmtpSink() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // RCPT TO:<address> is answered with `code` (550: permanent, 451: try later).
  void reject_recipient(const std::string& address, int code = 550) {
    std::lock_guard lock(mu_);
    rejected_[address] = code;
  }

  std::vector<SmtpSinkMessage> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }

  // Every command line received, in order (handy when a test fails).
  std::vector<std::string> commands() const {
    std::lock_guard lock(mu_);
    return commands_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      timeval tv{0, 100'000};  // recv wakes up regularly to notice stop_
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      session(fd);
      ::close(fd);
    }
  }

  // Reads one CRLF-terminated line into `line` (without CRLF); false on EOF or stop.
  bool read_line(int fd, std::string& buffer, std::string& line) {
    for (;;) {
      const auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      char chunk[4096];
      const auto n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n == 0 || stop_) return false;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return false;
      }
      buffer.append(chunk, static_cast<size_t>(n));
    }
  }

  static void reply(int fd, std::string_view text) {
    while (!text.empty()) {
      const auto n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
      if (n <= 0) return;
      text.remove_prefix(static_cast<size_t>(n));
    }
  }

  static std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
  }

  static std::string between_angles(std::string_view s) {
    const auto open = s.find('<');
    const auto close = s.find('>', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    return std::string(s.substr(open + 1, close - open - 1));
  }

  void session(int fd) {
    std::string buffer, line;
    SmtpSinkMessage current;
    reply(fd, "220 sink ESMTP ready\r\n");
    while (read_line(fd, buffer, line)) {
      {
        std::lock_guard lock(mu_);
        commands_.push_back(line);
      }
      const auto verb = upper(line.substr(0, line.find(' ')));
      if (verb == "EHLO") {
        reply(fd, "250-sink\r\n250 8BITMIME\r\n");
      } else if (verb == "HELO" || verb == "NOOP") {
        reply(fd, "250 sink\r\n");
      } else if (verb == "MAIL") {
        current = SmtpSinkMessage{between_angles(line), {}, {}, {}};
        reply(fd, "250 2.1.0 Ok\r\n");
      } else if (verb == "RCPT") {
        rcpt(fd, current, between_angles(line));
      } else if (verb == "DATA") {
        if (!data(fd, buffer, current)) return;
      } else if (verb == "RSET") {
        current = {};
        reply(fd, "250 2.0.0 Ok\r\n");
      } else if (verb == "QUIT") {
        reply(fd, "221 2.0.0 Bye\r\n");
        return;
      } else {
        reply(fd, "502 5.5.2 Command not recognized\r\n");
      }
    }
  }

  void rcpt(int fd, SmtpSinkMessage& current, const std::string& address) {
    int code = 0;
    {
      std::lock_guard lock(mu_);
      auto it = rejected_.find(address);
      if (it != rejected_.end()) code = it->second;
    }
    if (code == 0) {
      current.rcpt_to.push_back(address);
      reply(fd, "250 2.1.5 Ok\r\n");
    } else {
      reply(fd, std::to_string(code) + (code >= 500 ? " 5.1.1 <" : " 4.2.0 <") + address +
                    ">: Recipient address rejected\r\n");
    }
  }

  // Collects the lines up to the lone ".", recording the message before the 250 goes out so
  // that a transport's send() has returned only after the message is visible to the test.
  bool data(int fd, std::string& buffer, SmtpSinkMessage& current) {
    if (current.rcpt_to.empty()) {
      reply(fd, "554 5.5.1 No valid recipients\r\n");
      return true;
    }
    reply(fd, "354 End data with <CR><LF>.<CR><LF>\r\n");
    std::string line;
    while (read_line(fd, buffer, line)) {
      if (line == ".") {
        {
          std::lock_guard lock(mu_);
          messages_.push_back(current);
        }
        current = {};
        reply(fd, "250 2.0.0 Ok: queued\r\n");
        return true;
      }
      current.raw_data += line + "\r\n";
      current.data += (line.starts_with('.') ? line.substr(1) : line) + "\r\n";
    }
    return false;
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::map<std::string, int> rejected_;
  std::vector<SmtpSinkMessage> messages_;
  std::vector<std::string> commands_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released), for refused connections.
inline int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace sd::mail::testing
