#include "store/build_repo.hpp"
#include "store/project_repo.hpp"
#include "store/meta_repo.hpp"

#include <doctest/doctest.h>

#include "store/migrations.hpp"

using namespace scl;
using namespace scl::store;

// Why: build numbers are per project, start at 1 and never renumber.
TEST_CASE("project rows and build numbers") {
  Database db(":memory:");
  migrate(db);
  core::Scope s{"123456789012", "us-east-1"};
  db.write([&](Tx& tx) {
    CHECK(project_repo::insert(tx, s, {"p", "{}", 1, 1, 0}));
    CHECK_FALSE(project_repo::insert(tx, s, {"p", "{}", 1, 1, 0}));
    CHECK(project_repo::next_build_number(tx, s, "p") == 1);
    CHECK(project_repo::next_build_number(tx, s, "p") == 2);
    CHECK(project_repo::insert(tx, core::Scope{"123456789012", "eu-west-1"}, {"p", "{}", 1, 1, 0}));
  });
  auto rows = db.read([&](Tx& tx) { return project_repo::list(tx, s); });
  CHECK(rows.size() == 1);
  CHECK(rows[0].last_build_number == 2);
}

// Why: in-flight detection after restart relies on completes_ms.
TEST_CASE("build rows: in flight, stop, erase") {
  Database db(":memory:");
  migrate(db);
  core::Scope s{"123456789012", "us-east-1"};
  BuildRow r;
  r.scope = s;
  r.id = "p:1";
  r.project = "p";
  r.build_number = 1;
  r.start_ms = 100;
  r.completes_ms = 200;
  r.plan = "{}";
  r.body = "{}";
  db.write([&](Tx& tx) { build_repo::insert(tx, r); });
  CHECK(db.read([&](Tx& tx) { return build_repo::in_flight(tx, 150).size(); }) == 1);
  CHECK(db.read([&](Tx& tx) { return build_repo::in_flight(tx, 200).size(); }) == 0);
  db.write([&](Tx& tx) { build_repo::set_stop(tx, s, "p:1", 120, 300); });
  auto got = db.read([&](Tx& tx) { return build_repo::get(tx, s, "p:1"); });
  REQUIRE(got);
  CHECK(got->stop_ms == 120);
  CHECK(got->completes_ms == 300);
  CHECK(db.read([&](Tx& tx) { return build_repo::latest_time(tx); }) == 120);
  CHECK(db.write([&](Tx& tx) { return build_repo::erase(tx, s, "p:1"); }));
  CHECK_FALSE(db.read([&](Tx& tx) { return build_repo::get(tx, s, "p:1"); }));
}

// Why: the simulated clock's high-water mark only grows (restarts never run time backwards).
TEST_CASE("meta values only rise") {
  Database db(":memory:");
  migrate(db);
  db.write([](Tx& tx) {
    CHECK_FALSE(meta_repo::get(tx, meta_repo::kClockKey).has_value());
    meta_repo::raise_to(tx, meta_repo::kClockKey, 50);
    meta_repo::raise_to(tx, meta_repo::kClockKey, 40);
    CHECK(meta_repo::get(tx, meta_repo::kClockKey) == 50);
    meta_repo::raise_to(tx, meta_repo::kClockKey, 70);
    CHECK(meta_repo::get(tx, meta_repo::kClockKey) == 70);
  });
}
