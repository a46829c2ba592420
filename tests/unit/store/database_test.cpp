#include "store/sqlite/database.hpp"

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
