#include "store/sqlite/wal_vfs.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <mutex>

namespace scl::store::wal_vfs {
namespace {

constexpr std::size_t kMaxBuffer = std::size_t{1} << 20;  // flush before holding more
// The unix VFS writes at most 0x1ffff bytes per call (it masks the length, a larger write
// comes back short and is reported as SQLITE_FULL), so a flush goes out in pieces of this size.
constexpr std::size_t kMaxWrite = 120 * 1024;

// A log file: this header, then the default VFS's own file object.
struct LogFile {
  sqlite3_file base;  // base.pMethods == &kLogMethods
  sqlite3_file* real;
  char* buf;
  std::size_t len;
  std::size_t cap;
  sqlite3_int64 off;  // file offset of buf[0]
};
constexpr std::size_t kHeader = (sizeof(LogFile) + 15) / 16 * 16;

sqlite3_vfs* g_root = nullptr;
sqlite3_vfs g_vfs;

LogFile* log_of(sqlite3_file* p) { return reinterpret_cast<LogFile*>(p); }

int flush_log(LogFile* f) {
  std::size_t done = 0;
  while (done < f->len) {
    const std::size_t n = std::min(kMaxWrite, f->len - done);
    const int rc = f->real->pMethods->xWrite(f->real, f->buf + done, static_cast<int>(n),
                                             f->off + static_cast<sqlite3_int64>(done));
    if (rc != SQLITE_OK) {
      // Keep what is not written, so a later flush retries it in order.
      std::memmove(f->buf, f->buf + done, f->len - done);
      f->off += static_cast<sqlite3_int64>(done);
      f->len -= done;
      return rc;
    }
    done += n;
  }
  f->len = 0;
  return SQLITE_OK;
}

int log_close(sqlite3_file* p) {
  LogFile* f = log_of(p);
  const int rc = flush_log(f);
  const int rc2 = f->real->pMethods->xClose(f->real);
  sqlite3_free(f->buf);
  f->buf = nullptr;
  f->len = f->cap = 0;
  return rc != SQLITE_OK ? rc : rc2;
}

int log_read(sqlite3_file* p, void* out, int n, sqlite3_int64 off) {
  LogFile* f = log_of(p);
  if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xRead(f->real, out, n, off);
}

int log_write(sqlite3_file* p, const void* data, int n, sqlite3_int64 off) {
  LogFile* f = log_of(p);
  const auto size = static_cast<std::size_t>(n);
  const bool appends = f->len > 0 && off == f->off + static_cast<sqlite3_int64>(f->len);
  if (!appends || f->len + size > kMaxBuffer) {
    if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
    if (size > kMaxWrite) return f->real->pMethods->xWrite(f->real, data, n, off);
    f->off = off;
  }
  if (f->len + size > f->cap) {
    std::size_t cap = f->cap == 0 ? 64 * 1024 : f->cap;
    while (cap < f->len + size) cap *= 2;
    void* grown = sqlite3_realloc64(f->buf, cap);
    if (grown == nullptr) {
      // Out of memory: write through (after what is held, to keep the order).
      if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
      f->off = off;
      return f->real->pMethods->xWrite(f->real, data, n, off);
    }
    f->buf = static_cast<char*>(grown);
    f->cap = cap;
  }
  std::memcpy(f->buf + f->len, data, size);
  f->len += size;
  return SQLITE_OK;
}

int log_truncate(sqlite3_file* p, sqlite3_int64 size) {
  LogFile* f = log_of(p);
  if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xTruncate(f->real, size);
}

int log_sync(sqlite3_file* p, int flags) {
  LogFile* f = log_of(p);
  if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xSync(f->real, flags);
}

int log_file_size(sqlite3_file* p, sqlite3_int64* size) {
  LogFile* f = log_of(p);
  if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileSize(f->real, size);
}

int log_lock(sqlite3_file* p, int level) {
  LogFile* f = log_of(p);
  return f->real->pMethods->xLock(f->real, level);
}

int log_unlock(sqlite3_file* p, int level) {
  LogFile* f = log_of(p);
  return f->real->pMethods->xUnlock(f->real, level);
}

int log_check_reserved(sqlite3_file* p, int* out) {
  LogFile* f = log_of(p);
  return f->real->pMethods->xCheckReservedLock(f->real, out);
}

int log_file_control(sqlite3_file* p, int op, void* arg) {
  LogFile* f = log_of(p);
  // Size hints and the like may look at the file: let them see what was written.
  if (const int rc = flush_log(f); rc != SQLITE_OK) return rc;
  return f->real->pMethods->xFileControl(f->real, op, arg);
}

int log_sector_size(sqlite3_file* p) {
  LogFile* f = log_of(p);
  return f->real->pMethods->xSectorSize(f->real);
}

int log_device_characteristics(sqlite3_file* p) {
  LogFile* f = log_of(p);
  return f->real->pMethods->xDeviceCharacteristics(f->real);
}

// Version 1: SQLite uses shared memory and memory mapping on the database file only.
const sqlite3_io_methods kLogMethods = {
    1,
    log_close,
    log_read,
    log_write,
    log_truncate,
    log_sync,
    log_file_size,
    log_lock,
    log_unlock,
    log_check_reserved,
    log_file_control,
    log_sector_size,
    log_device_characteristics,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
};

int vfs_open(sqlite3_vfs*, const char* name, sqlite3_file* p, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    // Not a log: the default VFS's object in the same memory, its methods called directly.
    return g_root->xOpen(g_root, name, p, flags, out_flags);
  }
  LogFile* f = log_of(p);
  p->pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(p) + kHeader);
  f->buf = nullptr;
  f->len = f->cap = 0;
  f->off = 0;
  const int rc = g_root->xOpen(g_root, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  p->pMethods = &kLogMethods;
  return SQLITE_OK;
}

}  // namespace

const char* name() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_root = sqlite3_vfs_find(nullptr);
    // Everything but xOpen is the default VFS's: same pAppData, path limits and helpers.
    g_vfs = *g_root;
    g_vfs.zName = "scl-coalesced-wal";
    g_vfs.pNext = nullptr;
    const auto root_size = static_cast<std::size_t>(g_root->szOsFile);
    g_vfs.szOsFile = static_cast<int>(kHeader + root_size);
    g_vfs.xOpen = vfs_open;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return g_vfs.zName;
}

int flush(sqlite3_file* file) {
  if (file == nullptr || file->pMethods != &kLogMethods) return SQLITE_OK;
  return flush_log(log_of(file));
}

}  // namespace scl::store::wal_vfs
