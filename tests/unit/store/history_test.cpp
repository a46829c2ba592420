#include <doctest/doctest.h>

#include "store/migrations.hpp"
#include "store/sfn_repo.hpp"

using namespace scl;
using namespace scl::store;

namespace {
std::vector<HistoryRow> rows(std::int64_t from, std::int64_t to) {
  std::vector<HistoryRow> v;
  for (auto id = from; id <= to; ++id) v.push_back({id, "{\"id\":" + std::to_string(id) + "}"});
  return v;
}
std::string ids(const std::vector<HistoryRow>& v) {
  std::string s;
  for (const auto& r : v) {
    s += (s.empty() ? "" : ",") + std::to_string(r.id);
    CHECK(r.body == "{\"id\":" + std::to_string(r.id) + "}");
  }
  return s;
}
}  // namespace

// Why: events are stored in chunks (one row per runner step); GetExecutionHistory pages across
// chunk borders in both directions and must see every event once, in order.
TEST_CASE("history chunks page like single events") {
  Database db(":memory:");
  migrate(db);
  db.write([&](Tx& tx) {
    sfn_repo::append_events(tx, 7, rows(1, 3));
    sfn_repo::append_events(tx, 7, rows(4, 4));
    auto gap = rows(5, 6);  // a gap in ids splits a chunk
    gap.push_back({9, "{\"id\":9}"});
    sfn_repo::append_events(tx, 7, gap);
    sfn_repo::append_events(tx, 8, rows(1, 2));  // another execution
  });
  db.read([&](Tx& tx) {
    CHECK(sfn_repo::last_event_id(tx, 7) == 9);
    CHECK(ids(sfn_repo::events(tx, 7, false, std::nullopt, 100)) == "1,2,3,4,5,6,9");
    CHECK(ids(sfn_repo::events(tx, 7, false, std::nullopt, 2)) == "1,2");
    CHECK(ids(sfn_repo::events(tx, 7, false, 2, 2)) == "3,4");
    CHECK(ids(sfn_repo::events(tx, 7, false, 4, 3)) == "5,6,9");
    CHECK(ids(sfn_repo::events(tx, 7, false, 9, 3)).empty());
    CHECK(ids(sfn_repo::events(tx, 7, true, std::nullopt, 4)) == "9,6,5,4");
    CHECK(ids(sfn_repo::events(tx, 7, true, 4, 10)) == "3,2,1");
    CHECK(ids(sfn_repo::events(tx, 7, true, 3, 1)) == "2");
    CHECK(ids(sfn_repo::events(tx, 8, false, std::nullopt, 10)) == "1,2");
    CHECK(sfn_repo::last_event_id(tx, 9) == 0);
  });
}

// Why: databases written by earlier versions kept one history row per event (schema 4); the
// upgrade must carry every event over, readable as before.
TEST_CASE("history rows from schema 4 survive the upgrade to chunks") {
  Database db(":memory:");
  migrate(db, 4);
  REQUIRE(db.user_version() == 4);
  db.write([&](Tx& tx) {
    for (int id = 1; id <= 5; ++id) {
      auto s = tx.prepare("INSERT INTO history (execution_seq, id, body) VALUES (3, ?1, ?2)");
      s.bind(1, std::int64_t{id}).bind(2, "{\"id\":" + std::to_string(id) + "}");
      s.run();
    }
  });
  migrate(db);
  CHECK(db.user_version() == latest_schema_version());
  db.read([&](Tx& tx) {
    CHECK(ids(sfn_repo::events(tx, 3, false, std::nullopt, 100)) == "1,2,3,4,5");
    CHECK(ids(sfn_repo::events(tx, 3, true, 4, 2)) == "3,2");
    CHECK(sfn_repo::last_event_id(tx, 3) == 5);
  });
  db.write([&](Tx& tx) { sfn_repo::append_events(tx, 3, rows(6, 7)); });
  db.read([&](Tx& tx) { CHECK(ids(sfn_repo::events(tx, 3, false, 4, 100)) == "5,6,7"); });
}
