#include "store/sqlite/database.hpp"

#include <sqlite3.h>

#include <atomic>

#include "store/sqlite/wal_vfs.hpp"

namespace scl::store {
namespace {
std::atomic<int> g_fail_nth{0};
std::atomic<int> g_fail_more{0};  // further consecutive steps to fail after the n-th

[[noreturn]] void raise(sqlite3* db, int rc, std::string_view what) {
  std::string msg(what);
  msg += ": ";
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw DbError(rc, msg);
}

void maybe_inject_failure() {
  int n = g_fail_nth.load();
  if (n <= 0) return;
  if (n == 1) {
    const int more = g_fail_more.load();
    if (more > 0) {
      g_fail_more.store(more - 1);
    } else {
      g_fail_nth.store(0);
    }
    throw DbError(SQLITE_IOERR, "injected failure");
  }
  g_fail_nth.store(n - 1);
}
}  // namespace

Stmt::~Stmt() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Stmt& Stmt::bind(int idx, std::int64_t v) {
  int rc = sqlite3_bind_int64(s_, idx, v);
  if (rc != SQLITE_OK) raise(sqlite3_db_handle(s_), rc, "bind");
  return *this;
}

Stmt& Stmt::bind(int idx, std::string_view v) {
  int rc = sqlite3_bind_text64(s_, idx, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) raise(sqlite3_db_handle(s_), rc, "bind");
  return *this;
}

Stmt& Stmt::bind(int idx, std::optional<std::int64_t> v) {
  return v ? bind(idx, *v) : bind_null(idx);
}

Stmt& Stmt::bind_null(int idx) {
  int rc = sqlite3_bind_null(s_, idx);
  if (rc != SQLITE_OK) raise(sqlite3_db_handle(s_), rc, "bind");
  return *this;
}

bool Stmt::step() {
  maybe_inject_failure();
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  raise(sqlite3_db_handle(s_), rc, "step");
}

void Stmt::run() {
  while (step()) {
  }
}

std::int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }

std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  int n = sqlite3_column_bytes(s_, col);
  return p != nullptr ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
                      : std::string();
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }

std::optional<std::int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Stmt Tx::prepare(std::string_view sql) { return Stmt(db_.cached(sql)); }
void Tx::exec(std::string_view sql) { db_.exec_locked(sql); }
std::int64_t Tx::changes() const { return sqlite3_changes64(db_.db_); }

Database::Database(const std::string& path) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           wal_vfs::name());
  if (rc != SQLITE_OK) {
    std::string msg = "open " + path;
    if (db_ != nullptr) {
      msg += ": ";
      msg += sqlite3_errmsg(db_);
      sqlite3_close_v2(db_);
      db_ = nullptr;
    }
    throw DbError(rc, msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  // One process owns the database (the emulator): exclusive locking keeps the WAL index in
  // heap memory and saves two fcntl lock calls per transaction.
  if (path != ":memory:") exec_locked("PRAGMA locking_mode=EXCLUSIVE");
  exec_locked("PRAGMA journal_mode=WAL");
  exec_locked("PRAGMA synchronous=NORMAL");
  exec_locked("PRAGMA foreign_keys=ON");
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

void Database::exec_locked(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError(rc, "exec: " + msg);
  }
  flush_wal();  // scripts (migrations, pragmas) may have committed
}

sqlite3_stmt* Database::cached(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) raise(db_, rc, "prepare");
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

void Database::begin() { Stmt(cached("BEGIN IMMEDIATE")).run(); }
void Database::commit() {
  Stmt(cached("COMMIT")).run();
  flush_wal();
}

void Database::flush_wal() {
  // The log's appends are held back to be written with one call (wal_vfs.hpp); a committed
  // transaction must reach the operating system before the caller acknowledges it.
  sqlite3_file* log = nullptr;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &log) != SQLITE_OK) return;
  if (const int rc = wal_vfs::flush(log); rc != SQLITE_OK)
    throw DbError(rc, std::string("write-ahead log: ") + sqlite3_errstr(rc));
}
void Database::rollback() noexcept {
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

int Database::user_version() {
  return read([](Tx& tx) {
    auto s = tx.prepare("PRAGMA user_version");
    s.step();
    return static_cast<int>(s.int64(0));
  });
}

void Database::fail_nth_step_for_testing(int n, int times) {
  g_fail_more.store(times > 1 ? times - 1 : 0);
  g_fail_nth.store(n);
}

}  // namespace scl::store
