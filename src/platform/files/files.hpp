// Uploaded deliverables on local disk (R-CAT-2): a content-addressed blob store under
// <data_dir>/files. A blob's key is the lower-case hex SHA-256 of its bytes, so the same upload
// is stored once, a retried upload is harmless, and a key can never name a path outside the
// folder (it is validated as 64 hex digits before any path is built).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace sd::files {

struct StoredBlob {
  std::string storage_key;  // what the catalog records; give it back to path_of()
  std::string sha256;       // lower-case hex
  int64_t size_bytes = 0;
};

class FileStore {
 public:
  // `root_dir` is the folder holding the blobs (created on first put).
  explicit FileStore(std::string root_dir);

  // Writes `bytes` durably: a temp file in the folder, fsync, rename to its key, fsync of the
  // directory. When a blob with that key exists already the bytes are not written again.
  // unavailable `file_store_failed` when the disk refuses (message has the OS error).
  Result<StoredBlob> put(std::string_view bytes) const;
  // The absolute-or-relative path of a stored blob, for serving it. invalid_input
  // `invalid_storage_key` for anything that is not a key put() returns; not_found
  // `file_missing` when no blob has that key.
  Result<std::string> path_of(std::string_view storage_key) const;

  const std::string& root() const { return root_; }

  // True for keys put() produces: exactly 64 lower-case hex digits.
  static bool is_valid_key(std::string_view storage_key);

 private:
  std::string root_;
};

// The store of a data dir: `<data_dir>/files`.
FileStore store_in(std::string_view data_dir);

}  // namespace sd::files
