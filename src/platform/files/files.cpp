#include "platform/files/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/ids.hpp"
#include "platform/crypto/crypto.hpp"

namespace sd::files {
namespace {

namespace fs = std::filesystem;

tl::unexpected<Error> disk_error(const std::string& what, int err) {
  return fail(ErrorKind::unavailable, "file_store_failed", what + ": " + std::strerror(err));
}

// Blobs are spread over 256 sub-folders by their first two hex digits so that no directory
// grows to millions of entries.
std::string blob_path(const std::string& root, std::string_view key) {
  return root + "/" + std::string(key.substr(0, 2)) + "/" + std::string(key);
}

Result<void> write_all(int fd, std::string_view bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return disk_error("write " + path, errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

// Makes a rename inside `dir` durable.
Result<void> fsync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return disk_error("open " + dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (rc != 0) return disk_error("fsync " + dir, err);
  return {};
}

// Writes and syncs a new temp file in `dir`; returns its path.
Result<std::string> write_temp(const std::string& dir, std::string_view bytes) {
  const auto tmp = dir + "/.tmp-" + random_token(12);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return disk_error("create " + tmp, errno);
  auto written = write_all(fd, bytes, tmp);
  int err = 0;
  if (written && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0 && written) err = errno;
  if (!written || err != 0) {
    ::unlink(tmp.c_str());
    if (!written) return tl::unexpected(written.error());
    return disk_error("fsync " + tmp, err);
  }
  return tmp;
}

bool exists_with_size(const std::string& path, size_t size) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         static_cast<size_t>(st.st_size) == size;
}

}  // namespace

FileStore::FileStore(std::string root_dir) : root_(std::move(root_dir)) {}

FileStore store_in(std::string_view data_dir) {
  if (data_dir.empty()) return FileStore("files");
  return FileStore(std::string(data_dir) + "/files");
}

bool FileStore::is_valid_key(std::string_view key) {
  if (key.size() != 64) return false;
  for (const char c : key)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Result<StoredBlob> FileStore::put(std::string_view bytes) const {
  StoredBlob blob{crypto::sha256_hex(bytes), {}, static_cast<int64_t>(bytes.size())};
  blob.sha256 = blob.storage_key;
  const auto dir = root_ + "/" + blob.storage_key.substr(0, 2);
  const auto final_path = blob_path(root_, blob.storage_key);
  // Renames are atomic, so a blob at its key is always complete: no need to write it twice.
  if (exists_with_size(final_path, bytes.size())) return blob;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return fail(ErrorKind::unavailable, "file_store_failed", "mkdir " + dir + ": " + ec.message());
  const auto tmp = SD_TRY(write_temp(dir, bytes));
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return disk_error("rename " + tmp, err);
  }
  SD_TRY_VOID(fsync_dir(dir));
  // The sub-folder itself may be new: its entry in the root must reach the disk too.
  SD_TRY_VOID(fsync_dir(root_));
  return blob;
}

Result<std::string> FileStore::path_of(std::string_view storage_key) const {
  if (!is_valid_key(storage_key)) {
    return fail(ErrorKind::invalid_input, "invalid_storage_key", "not a storage key");
  }
  auto path = blob_path(root_, storage_key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return fail(ErrorKind::not_found, "file_missing", "the stored file is missing");
  }
  return path;
}

}  // namespace sd::files
