#include "store/sqlite/database.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "store/migrations.hpp"

using namespace scl::store;

// Why: a failed write must leave nothing behind (rollback in the transaction wrapper).
TEST_CASE("write rolls back when the callback throws") {
  Database db(":memory:");
  db.write([](Tx& tx) { tx.exec("CREATE TABLE t (x INTEGER)"); });
  CHECK_THROWS_AS(db.write([](Tx& tx) {
    tx.prepare("INSERT INTO t VALUES (1)").run();
    throw std::runtime_error("boom");
  }), std::runtime_error);
  auto n = db.read([](Tx& tx) {
    auto s = tx.prepare("SELECT count(*) FROM t");
    s.step();
    return s.int64(0);
  });
  CHECK(n == 0);
}

// Why: fault injection — the n-th statement failing must roll back and surface DbError.
TEST_CASE("injected step failure rolls back") {
  Database db(":memory:");
  db.write([](Tx& tx) { tx.exec("CREATE TABLE t (x INTEGER)"); });
  for (int n = 1; n <= 3; ++n) {
    db.fail_nth_step_for_testing(n);
    CHECK_THROWS_AS(db.write([](Tx& tx) {
      tx.prepare("INSERT INTO t VALUES (1)").run();
      tx.prepare("INSERT INTO t VALUES (2)").run();
    }), DbError);
  }
  db.fail_nth_step_for_testing(0);
  auto n = db.read([](Tx& tx) {
    auto s = tx.prepare("SELECT count(*) FROM t");
    s.step();
    return s.int64(0);
  });
  CHECK(n == 0);
}

// Why: migrations run once and record the version; a newer database is refused.
TEST_CASE("migrations") {
  Database db(":memory:");
  migrate(db);
  CHECK(db.user_version() == latest_schema_version());
  migrate(db);  // idempotent
  db.write([](Tx& tx) { tx.exec("PRAGMA user_version = 99"); });
  CHECK_THROWS_AS(migrate(db), DbError);
}

// Why: SQL errors surface as DbError with SQLite's message.
TEST_CASE("bad SQL throws DbError") {
  Database db(":memory:");
  CHECK_THROWS_AS(db.read([](Tx& tx) { tx.prepare("SELEC nonsense"); }), DbError);
}

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/scl-db-test-XXXXXX";
  const char* d = mkdtemp(tmpl);
  REQUIRE(d != nullptr);
  return d;
}

std::int64_t count_rows(Database& db) {
  return db.read([](Tx& tx) {
    auto s = tx.prepare("SELECT count(*), coalesce(sum(length(v)), 0) FROM t");
    s.step();
    return s.int64(0);
  });
}

}  // namespace

// Why: the log's appends are buffered and written with one call (store/sqlite/wal_vfs.hpp).
// A transaction acknowledged by write() must already be in the operating system's hands: a
// process that dies right after it (no close, no checkpoint, no destructor) loses nothing.
TEST_CASE("a committed write survives the process dying at once (coalesced log)") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/db.sqlite";
  {
    Database db(path);
    db.write([](Tx& tx) { tx.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); });
  }
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    int code = 0;
    try {
      Database db(path);
      // Small transactions, one larger than the 4 MiB the log buffer holds, more small ones.
      for (int i = 0; i < 200; ++i) {
        db.write([&](Tx& tx) {
          tx.prepare("INSERT INTO t (v) VALUES (?)").bind(1, std::string(100 + i * 37, 'x')).run();
        });
      }
      db.write([&](Tx& tx) {
        for (int i = 0; i < 3000; ++i)
          tx.prepare("INSERT INTO t (v) VALUES (?)").bind(1, std::string(2000, 'y')).run();
      });
      for (int i = 0; i < 50; ++i)
        db.write([&](Tx& tx) { tx.prepare("INSERT INTO t (v) VALUES ('z')").run(); });
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      code = 1;
    }
    _exit(code);  // as after kill -9: the connection is never closed
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  Database db(path);
  CHECK(count_rows(db) == 200 + 3000 + 50);
  const auto bytes = db.read([](Tx& tx) {
    auto s = tx.prepare("SELECT sum(length(v)) FROM t");
    s.step();
    return s.int64(0);
  });
  std::int64_t expected = 3000 * 2000 + 50;
  for (int i = 0; i < 200; ++i) expected += 100 + i * 37;
  CHECK(bytes == expected);
  std::filesystem::remove_all(dir);
}

// Why: a rolled-back transaction and a reopened database see exactly the committed rows, also
// when the log is checkpointed and restarted many times under the buffering.
TEST_CASE("coalesced log: rollback, checkpoints and reopen keep exactly the committed rows") {
  const std::string dir = temp_dir();
  const std::string path = dir + "/db.sqlite";
  std::int64_t committed = 0;
  {
    Database db(path);
    db.write([](Tx& tx) { tx.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"); });
    for (int i = 0; i < 3000; ++i) {
      if (i % 7 == 3) {
        CHECK_THROWS_AS(db.write([](Tx& tx) {
          tx.prepare("INSERT INTO t (v) VALUES (?)").bind(1, std::string(5000, 'r')).run();
          throw std::runtime_error("no");
        }), std::runtime_error);
        continue;
      }
      db.write([&](Tx& tx) {
        tx.prepare("INSERT INTO t (v) VALUES (?)").bind(1, std::string(3000, 'c')).run();
      });
      ++committed;
      if (i % 500 == 0) CHECK(count_rows(db) == committed);
    }
  }
  Database db(path);
  CHECK(count_rows(db) == committed);
  std::filesystem::remove_all(dir);
}
