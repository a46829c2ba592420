#include "store/build_repo.hpp"

namespace scl::store::build_repo {
namespace {
constexpr const char* kColumns =
    "seq, account, region, id, project, build_number, start_ms, stop_ms, completes_ms, plan, "
    "body, idempotency_token, request_hash";

BuildRow from(const Stmt& s) {
  BuildRow r;
  r.seq = s.int64(0);
  r.scope = core::Scope{s.text(1), s.text(2)};
  r.id = s.text(3);
  r.project = s.text(4);
  r.build_number = s.int64(5);
  r.start_ms = s.int64(6);
  r.stop_ms = s.opt_int64(7);
  r.completes_ms = s.int64(8);
  r.plan = s.text(9);
  r.body = s.text(10);
  if (!s.is_null(11)) r.idempotency_token = s.text(11);
  if (!s.is_null(12)) r.request_hash = s.text(12);
  return r;
}

std::string select(const char* where) {
  return std::string("SELECT ") + kColumns + " FROM builds " + where;
}

IdPage page_from(Stmt& s, int limit) {
  IdPage page;
  std::int64_t last_key = 0;
  while (s.step()) {
    if (static_cast<int>(page.ids.size()) == limit) {
      page.next_key = last_key;
      break;
    }
    page.ids.push_back(s.text(0));
    last_key = s.int64(1);
  }
  return page;
}
}  // namespace

std::int64_t insert(Tx& tx, const BuildRow& row) {
  auto s = tx.prepare(
      "INSERT INTO builds (account, region, id, project, build_number, start_ms, stop_ms, "
      "completes_ms, plan, body, idempotency_token, request_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
      "?7, ?8, ?9, ?10, ?11, ?12) RETURNING seq");
  s.bind(1, row.scope.account).bind(2, row.scope.region).bind(3, row.id).bind(4, row.project);
  s.bind(5, row.build_number).bind(6, row.start_ms).bind(7, row.stop_ms).bind(8, row.completes_ms);
  s.bind(9, row.plan).bind(10, row.body);
  if (row.idempotency_token) s.bind(11, *row.idempotency_token); else s.bind_null(11);
  if (row.request_hash) s.bind(12, *row.request_hash); else s.bind_null(12);
  if (!s.step()) throw DbError(0, "insert build returned no seq");
  auto seq = s.int64(0);
  while (s.step()) {
  }
  return seq;
}

std::optional<BuildRow> get(Tx& tx, const core::Scope& scope, const std::string& id) {
  static const std::string sql = select("WHERE account = ?1 AND region = ?2 AND id = ?3");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, id);
  if (!s.step()) return std::nullopt;
  return from(s);
}

void set_stop(Tx& tx, const core::Scope& scope, const std::string& id, core::TimeMs stop_ms,
              core::TimeMs completes_ms) {
  auto s = tx.prepare(
      "UPDATE builds SET stop_ms = ?4, completes_ms = ?5 WHERE account = ?1 AND region = ?2 AND "
      "id = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, id).bind(4, stop_ms).bind(5, completes_ms);
  s.run();
}

bool erase(Tx& tx, const core::Scope& scope, const std::string& id) {
  auto s = tx.prepare("DELETE FROM builds WHERE account = ?1 AND region = ?2 AND id = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, id);
  s.run();
  return tx.changes() == 1;
}

IdPage list_ids(Tx& tx, const core::Scope& scope, bool ascending, std::optional<std::int64_t> after,
                int limit) {
  auto s = tx.prepare(
      ascending ? "SELECT id, seq FROM builds WHERE account = ?1 AND region = ?2 AND seq > ?3 "
                  "ORDER BY seq ASC LIMIT ?4"
                : "SELECT id, seq FROM builds WHERE account = ?1 AND region = ?2 AND seq < ?3 "
                  "ORDER BY seq DESC LIMIT ?4");
  s.bind(1, scope.account).bind(2, scope.region);
  s.bind(3, after.value_or(ascending ? INT64_MIN : INT64_MAX)).bind(4, std::int64_t{limit} + 1);
  return page_from(s, limit);
}

IdPage list_for_project(Tx& tx, const core::Scope& scope, const std::string& project,
                        bool ascending, std::optional<std::int64_t> after, int limit) {
  auto s = tx.prepare(
      ascending ? "SELECT id, build_number FROM builds WHERE account = ?1 AND region = ?2 AND "
                  "project = ?3 AND build_number > ?4 ORDER BY build_number ASC, seq ASC LIMIT ?5"
                : "SELECT id, build_number FROM builds WHERE account = ?1 AND region = ?2 AND "
                  "project = ?3 AND build_number < ?4 ORDER BY build_number DESC, seq DESC "
                  "LIMIT ?5");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, project);
  s.bind(4, after.value_or(ascending ? INT64_MIN : INT64_MAX)).bind(5, std::int64_t{limit} + 1);
  return page_from(s, limit);
}

std::int64_t count_for_project(Tx& tx, const core::Scope& scope, const std::string& project) {
  auto s = tx.prepare(
      "SELECT count(*) FROM builds WHERE account = ?1 AND region = ?2 AND project = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, project);
  s.step();
  return s.int64(0);
}

std::int64_t count_active(Tx& tx, const core::Scope& scope, const std::string& project,
                          core::TimeMs now) {
  auto s = tx.prepare(
      "SELECT count(*) FROM builds WHERE account = ?1 AND region = ?2 AND project = ?3 AND "
      "completes_ms > ?4");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, project).bind(4, now);
  s.step();
  return s.int64(0);
}

std::optional<BuildRow> find_by_token(Tx& tx, const core::Scope& scope, const std::string& project,
                                      const std::string& token, core::TimeMs since) {
  static const std::string sql = select(
      "WHERE account = ?1 AND region = ?2 AND project = ?3 AND idempotency_token = ?4 AND "
      "start_ms >= ?5 ORDER BY seq DESC LIMIT 1");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, project).bind(4, token).bind(5, since);
  if (!s.step()) return std::nullopt;
  auto row = from(s);
  while (s.step()) {
  }
  return row;
}

std::vector<BuildRow> in_flight(Tx& tx, core::TimeMs now) {
  static const std::string sql = select("WHERE completes_ms > ?1 ORDER BY completes_ms");
  auto s = tx.prepare(sql);
  s.bind(1, now);
  std::vector<BuildRow> out;
  while (s.step()) out.push_back(from(s));
  return out;
}

core::TimeMs latest_time(Tx& tx) {
  auto s = tx.prepare(
      "SELECT max(coalesce((SELECT max(start_ms) FROM builds), 0), coalesce((SELECT max(stop_ms) "
      "FROM builds), 0), coalesce((SELECT max(modified_ms) FROM projects), 0))");
  s.step();
  return s.int64(0);
}

void erase_all(Tx& tx) { tx.prepare("DELETE FROM builds").run(); }

}  // namespace scl::store::build_repo
