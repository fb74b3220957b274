// The default transport (R-OPS-3): each message becomes one .eml file. A reader of the folder
// sees a file only when it is complete (temp file + rename), and it survives a crash once sync()
// returned (one syncfs per batch).
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>

#include "core/ids.hpp"
#include "platform/mail/mail.hpp"

namespace sd::mail {
namespace {

constexpr size_t kIdInFileNameMax = 100;

tl::unexpected<Error> folder_error(const std::string& what, int err) {
  return fail(ErrorKind::unavailable, "mail_folder_unavailable",
              what + ": " + std::strerror(err));
}

Micros now_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// "20260102T103000.123456Z": fixed width, so names sort in time order.
std::string file_timestamp(Micros t) {
  using namespace std::chrono;
  const sys_time<microseconds> tp{microseconds{t}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[40];
  const int n = std::snprintf(
      buf, sizeof buf, "%04d%02u%02uT%02d%02d%02d.%06dZ", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return std::string(buf, static_cast<size_t>(n));
}

// The Message-ID without its brackets, reduced to characters safe in any file name.
std::string file_safe(std::string_view message_id) {
  std::string out;
  for (char c : message_id) {
    if (c == '<' || c == '>') continue;
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                    c == '_' || c == '@';
    out += ok ? c : '_';
    if (out.size() == kIdInFileNameMax) break;
  }
  return out;
}

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return folder_error("write", errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

// Writes `path` (not yet durable: sync() flushes a whole batch at once); the caller removes it
// on failure.
Result<void> write_file(const std::string& path, std::string_view data) {
  // 0600: messages carry password-reset and download links.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return folder_error("open " + path, errno);
  auto written = write_all(fd, data);
  if (::close(fd) != 0 && written) written = folder_error("close " + path, errno);
  return written;
}

// One syncfs() makes every file and rename in the folder's file system durable: per-message
// fsyncs (file and directory) measured ~30% of checkout throughput (BENCHMARKS.md).
Result<void> sync_filesystem(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return folder_error("open " + dir, errno);
  const int rc = ::syncfs(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return folder_error("syncfs " + dir, err);
  return {};
}

class FolderTransport final : public Transport {
 public:
  explicit FolderTransport(std::string dir) : dir_(std::move(dir)) {}

  Result<void> send(const Email& email) override {
    try {
      return send_unchecked(email);
    } catch (const std::exception& e) {  // allocation or filesystem surprises stay values
      return fail(ErrorKind::internal, "mail_folder_failed", e.what());
    }
  }

  Result<void> sync() override {
    std::error_code ec;
    if (!std::filesystem::exists(dir_, ec)) return {};  // nothing was written yet
    return sync_filesystem(dir_);
  }

 private:
  Result<void> send_unchecked(const Email& email) {
    Email copy = email;
    if (copy.message_id.empty()) copy.message_id = new_message_id(copy.from_address);
    const Micros now = now_micros();
    const auto message = SD_TRY(render(copy, format_rfc5322_date(now)));
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return folder_error("create " + dir_, ec.value());
    // A dot-name: folder readers that take *.eml never see a half-written file.
    const auto temp = dir_ + "/.tmp-" + random_base32(16);
    const auto final_path =
        dir_ + "/" + file_timestamp(now) + "-" + file_safe(copy.message_id) + ".eml";
    auto done = write_file(temp, message);
    if (done && ::rename(temp.c_str(), final_path.c_str()) != 0)
      done = folder_error("rename " + final_path, errno);
    if (!done) {
      ::unlink(temp.c_str());
      return done;
    }
    return {};
  }

  const std::string dir_;
};

}  // namespace

std::unique_ptr<Transport> make_folder_transport(std::string dir) {
  return std::make_unique<FolderTransport>(std::move(dir));
}

}  // namespace sd::mail
