#pragma once
// One SQLite connection, owned by one Database, access serialised by its mutex. `sqlite3.h` stays
// inside store/sqlite/*.cpp. Model: Chromium sql::Database (single owner), SQLiteCpp Statement /
// Transaction (RAII, rollback in destructor).

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace scl::store {

/// Any SQLite failure (open, prepare, step, constraint). Carries the SQLite result code.
class DbError : public std::runtime_error {
 public:
  DbError(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  [[nodiscard]] int code() const { return code_; }

 private:
  int code_;
};

/// A prepared statement borrowed from the Database cache. Reset (bindings cleared) when the
/// Stmt goes out of scope, so the cached statement is ready for the next user. Only valid while
/// the Database lock is held (inside Database::read / Database::write).
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int idx, std::int64_t v);
  Stmt& bind(int idx, std::string_view v);
  Stmt& bind(int idx, const char* v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, const std::string& v) { return bind(idx, std::string_view(v)); }
  Stmt& bind(int idx, std::optional<std::int64_t> v);
  Stmt& bind_null(int idx);

  /// Steps once. Returns true when a row is available, false when done. Throws DbError.
  bool step();
  /// Steps to completion (for INSERT/UPDATE/DELETE). Throws DbError.
  void run();

  [[nodiscard]] std::int64_t int64(int col) const;
  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] bool is_null(int col) const;
  [[nodiscard]] std::optional<std::int64_t> opt_int64(int col) const;

 private:
  sqlite3_stmt* s_;
};

/// Handle given to read/write callbacks. Prepares (and caches) statements by SQL text.
class Tx {
 public:
  Stmt prepare(std::string_view sql);
  void exec(std::string_view sql);
  [[nodiscard]] std::int64_t changes() const;

 private:
  friend class Database;
  explicit Tx(class Database& db) : db_(db) {}
  class Database& db_;
};

class Database {
 public:
  /// Opens (creating) the file, sets WAL, synchronous=NORMAL, foreign_keys=ON, busy_timeout.
  /// ":memory:" gives a private in-memory database for tests. Throws DbError.
  explicit Database(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  /// Runs `fn` inside BEGIN IMMEDIATE ... COMMIT under the connection lock; rolls back and
  /// rethrows if `fn` throws. The commit is durable against process crashes (WAL) before return.
  template <typename Fn>
  auto write(Fn&& fn) -> decltype(fn(std::declval<Tx&>()));

  /// Runs `fn` under the connection lock without an explicit transaction (single statements
  /// are atomic; use write() when several reads must agree).
  template <typename Fn>
  auto read(Fn&& fn) -> decltype(fn(std::declval<Tx&>()));

  [[nodiscard]] int user_version();
  [[nodiscard]] const std::string& path() const { return path_; }

  /// Test hook: the n-th statement step from now (1-based) fails with DbError, and so do the
  /// `times - 1` steps after it; 0 disables.
  void fail_nth_step_for_testing(int n, int times = 1);

 private:
  friend class Tx;
  friend class Stmt;
  void begin();
  void commit();
  void rollback() noexcept;
  void flush_wal();
  sqlite3_stmt* cached(std::string_view sql);
  void exec_locked(std::string_view sql);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

template <typename Fn>
auto Database::write(Fn&& fn) -> decltype(fn(std::declval<Tx&>())) {
  std::lock_guard lock(mu_);
  Tx tx(*this);
  begin();
  try {
    if constexpr (std::is_void_v<decltype(fn(tx))>) {
      fn(tx);
      commit();
    } else {
      auto result = fn(tx);
      commit();
      return result;
    }
  } catch (...) {
    rollback();
    throw;
  }
}

template <typename Fn>
auto Database::read(Fn&& fn) -> decltype(fn(std::declval<Tx&>())) {
  std::lock_guard lock(mu_);
  Tx tx(*this);
  return fn(tx);
}

}  // namespace scl::store
