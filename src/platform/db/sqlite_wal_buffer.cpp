// See sqlite_wal_buffer.hpp. Every call is forwarded to the default VFS and its files; only a
// WAL file's writes are held back, in one contiguous run of bytes.
#include "platform/db/sqlite_wal_buffer.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "core/limits.hpp"

namespace sd::db {
namespace {

constexpr int kWalFrameHeaderBytes = 24;

// The sqlite3_file SQLite allocates for us (szOsFile bytes): ours, then the real file's.
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  bool wal;
  bool commit_frame;       // the last write was a commit frame's header: its page ends it
  char* buf;               // malloc'd on the first gathered write
  size_t len;
  sqlite3_int64 start;     // file offset of buf[0]
};

sqlite3_vfs* real_vfs() { return sqlite3_vfs_find(nullptr); }
File* self(sqlite3_file* f) { return reinterpret_cast<File*>(f); }
const sqlite3_io_methods& real_io(File* f) { return *f->real->pMethods; }

// The unix VFS writes at most 128 KiB - 1 per call (seekAndWriteFd masks the size with
// 0x1ffff), so the gathered bytes go in slices below that.
constexpr size_t kSliceBytes = 0x1f000;

int write_sliced(File* f, const char* data, size_t n, sqlite3_int64 off) {
  for (size_t done = 0; done < n;) {
    const size_t slice = std::min(kSliceBytes, n - done);
    const int rc = real_io(f).xWrite(f->real, data + done, static_cast<int>(slice),
                                     off + static_cast<sqlite3_int64>(done));
    if (rc != SQLITE_OK) return rc;
    done += slice;
  }
  return SQLITE_OK;
}

int flush(File* f) {
  if (f->len == 0) return SQLITE_OK;
  const int rc = write_sliced(f, f->buf, f->len, f->start);
  f->len = 0;
  return rc;
}

int x_close(sqlite3_file* pf) {
  File* f = self(pf);
  const int flushed = flush(f);
  std::free(f->buf);
  f->buf = nullptr;
  const int rc = real_io(f).xClose(f->real);
  return flushed != SQLITE_OK ? flushed : rc;
}

int x_read(sqlite3_file* pf, void* out, int amt, sqlite3_int64 off) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xRead(f->real, out, amt, off);
}

int x_write(sqlite3_file* pf, const void* data, int amt, sqlite3_int64 off) {
  File* f = self(pf);
  if (!f->wal) return real_io(f).xWrite(f->real, data, amt, off);
  const auto n = static_cast<size_t>(amt);
  constexpr size_t cap = limits::db_sqlite_wal_write_buffer_bytes;
  const bool appends = f->len > 0 && off == f->start + static_cast<sqlite3_int64>(f->len);
  if (!appends || f->len + n > cap) {
    if (int rc = flush(f); rc != SQLITE_OK) return rc;
  }
  if (f->buf == nullptr) f->buf = static_cast<char*>(std::malloc(cap));
  if (n > cap || f->buf == nullptr) return write_sliced(f, static_cast<const char*>(data), n, off);
  if (f->len == 0) f->start = off;
  std::memcpy(f->buf + f->len, data, n);
  f->len += n;
  // A frame header whose "database size after commit" is set begins a commit frame: once its
  // page is here, the transaction is complete and goes to the file, whatever the sync setting.
  const auto* bytes = static_cast<const unsigned char*>(data);
  const bool ends_commit = f->commit_frame;
  f->commit_frame = amt == kWalFrameHeaderBytes &&
                    (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
  return ends_commit ? flush(f) : SQLITE_OK;
}

int x_truncate(sqlite3_file* pf, sqlite3_int64 size) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xTruncate(f->real, size);
}

int x_sync(sqlite3_file* pf, int flags) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xSync(f->real, flags);
}

int x_file_size(sqlite3_file* pf, sqlite3_int64* size) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xFileSize(f->real, size);
}

int x_lock(sqlite3_file* pf, int level) { return real_io(self(pf)).xLock(self(pf)->real, level); }
int x_unlock(sqlite3_file* pf, int level) {
  return real_io(self(pf)).xUnlock(self(pf)->real, level);
}
int x_check_reserved_lock(sqlite3_file* pf, int* out) {
  return real_io(self(pf)).xCheckReservedLock(self(pf)->real, out);
}
int x_file_control(sqlite3_file* pf, int op, void* arg) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xFileControl(f->real, op, arg);
}
int x_sector_size(sqlite3_file* pf) { return real_io(self(pf)).xSectorSize(self(pf)->real); }
int x_device_characteristics(sqlite3_file* pf) {
  return real_io(self(pf)).xDeviceCharacteristics(self(pf)->real);
}
int x_shm_map(sqlite3_file* pf, int region, int size, int extend, void volatile** out) {
  return real_io(self(pf)).xShmMap(self(pf)->real, region, size, extend, out);
}
int x_shm_lock(sqlite3_file* pf, int offset, int n, int flags) {
  return real_io(self(pf)).xShmLock(self(pf)->real, offset, n, flags);
}
void x_shm_barrier(sqlite3_file* pf) { real_io(self(pf)).xShmBarrier(self(pf)->real); }
int x_shm_unmap(sqlite3_file* pf, int delete_flag) {
  return real_io(self(pf)).xShmUnmap(self(pf)->real, delete_flag);
}
int x_fetch(sqlite3_file* pf, sqlite3_int64 off, int amt, void** out) {
  File* f = self(pf);
  if (int rc = flush(f); rc != SQLITE_OK) return rc;
  return real_io(f).xFetch(f->real, off, amt, out);
}
int x_unfetch(sqlite3_file* pf, sqlite3_int64 off, void* p) {
  return real_io(self(pf)).xUnfetch(self(pf)->real, off, p);
}

// Version 3, as the unix VFS's files are (checked when a file is opened).
const sqlite3_io_methods kMethods = {
    3,           x_close,    x_read,      x_write,     x_truncate,   x_sync,
    x_file_size, x_lock,     x_unlock,    x_check_reserved_lock,     x_file_control,
    x_sector_size,           x_device_characteristics, x_shm_map,    x_shm_lock,
    x_shm_barrier,           x_shm_unmap, x_fetch,     x_unfetch};

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* pf, int flags, int* out_flags) {
  File* f = self(pf);
  f->base.pMethods = nullptr;  // SQLite closes nothing if the open fails
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  f->wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->commit_frame = false;
  f->buf = nullptr;
  f->len = 0;
  f->start = 0;
  const int rc = real_vfs()->xOpen(real_vfs(), name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (f->real->pMethods == nullptr || f->real->pMethods->iVersion < 3) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  f->base.pMethods = &kMethods;
  return SQLITE_OK;
}

// The rest of the VFS is the default one's.
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return real_vfs()->xDelete(real_vfs(), name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return real_vfs()->xAccess(real_vfs(), name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return real_vfs()->xFullPathname(real_vfs(), name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) { return real_vfs()->xDlOpen(real_vfs(), name); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { real_vfs()->xDlError(real_vfs(), n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return real_vfs()->xDlSym(real_vfs(), h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) { real_vfs()->xDlClose(real_vfs(), h); }
int x_randomness(sqlite3_vfs*, int n, char* out) {
  return real_vfs()->xRandomness(real_vfs(), n, out);
}
int x_sleep(sqlite3_vfs*, int us) { return real_vfs()->xSleep(real_vfs(), us); }
int x_current_time(sqlite3_vfs*, double* out) {
  return real_vfs()->xCurrentTime(real_vfs(), out);
}
int x_get_last_error(sqlite3_vfs*, int n, char* out) {
  return real_vfs()->xGetLastError(real_vfs(), n, out);
}
int x_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
  return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
}

}  // namespace

const char* wal_buffer_vfs() {
  static constexpr const char* kName = "sd-wal-buffer";
  static std::once_flag registered;
  std::call_once(registered, [] {
    static sqlite3_vfs vfs{};
    sqlite3_vfs* real = real_vfs();
    vfs.iVersion = 2;
    vfs.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
    vfs.mxPathname = real->mxPathname;
    vfs.zName = kName;
    vfs.xOpen = x_open;
    vfs.xDelete = x_delete;
    vfs.xAccess = x_access;
    vfs.xFullPathname = x_full_pathname;
    vfs.xDlOpen = x_dl_open;
    vfs.xDlError = x_dl_error;
    vfs.xDlSym = x_dl_sym;
    vfs.xDlClose = x_dl_close;
    vfs.xRandomness = x_randomness;
    vfs.xSleep = x_sleep;
    vfs.xCurrentTime = x_current_time;
    vfs.xGetLastError = x_get_last_error;
    vfs.xCurrentTimeInt64 = x_current_time_int64;
    sqlite3_vfs_register(&vfs, 0);
  });
  return kName;
}

}  // namespace sd::db
