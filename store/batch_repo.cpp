#include "store/batch_repo.hpp"

namespace scl::store::batch_repo {
namespace {
constexpr const char* kColumns =
    "seq, account, region, id, project, batch_number, start_ms, status, complete, timer_ms, body, "
    "state, idempotency_token, request_hash";

BatchRow from(const Stmt& s) {
  BatchRow r;
  r.seq = s.int64(0);
  r.scope = core::Scope{s.text(1), s.text(2)};
  r.id = s.text(3);
  r.project = s.text(4);
  r.batch_number = s.int64(5);
  r.start_ms = s.int64(6);
  r.status = s.text(7);
  r.complete = s.int64(8) != 0;
  r.timer_ms = s.opt_int64(9);
  r.body = s.text(10);
  r.state = s.text(11);
  if (!s.is_null(12)) r.idempotency_token = s.text(12);
  if (!s.is_null(13)) r.request_hash = s.text(13);
  return r;
}

std::string select(const char* where) {
  return std::string("SELECT ") + kColumns + " FROM build_batches " + where;
}
}  // namespace

std::int64_t insert(Tx& tx, const BatchRow& row) {
  auto s = tx.prepare(
      "INSERT INTO build_batches (account, region, id, project, batch_number, start_ms, status, "
      "complete, timer_ms, body, state, idempotency_token, request_hash) VALUES (?1, ?2, ?3, ?4, "
      "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING seq");
  s.bind(1, row.scope.account).bind(2, row.scope.region).bind(3, row.id).bind(4, row.project);
  s.bind(5, row.batch_number).bind(6, row.start_ms).bind(7, row.status);
  s.bind(8, std::int64_t{row.complete ? 1 : 0}).bind(9, row.timer_ms);
  s.bind(10, row.body).bind(11, row.state);
  if (row.idempotency_token) s.bind(12, *row.idempotency_token); else s.bind_null(12);
  if (row.request_hash) s.bind(13, *row.request_hash); else s.bind_null(13);
  if (!s.step()) throw DbError(0, "insert build batch returned no seq");
  auto seq = s.int64(0);
  while (s.step()) {
  }
  return seq;
}

std::optional<BatchRow> get(Tx& tx, const core::Scope& scope, const std::string& id) {
  static const std::string sql = select("WHERE account = ?1 AND region = ?2 AND id = ?3");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, id);
  if (!s.step()) return std::nullopt;
  return from(s);
}

void update(Tx& tx, const BatchRow& row) {
  auto s = tx.prepare(
      "UPDATE build_batches SET status = ?4, complete = ?5, timer_ms = ?6, state = ?7 WHERE "
      "account = ?1 AND region = ?2 AND id = ?3");
  s.bind(1, row.scope.account).bind(2, row.scope.region).bind(3, row.id).bind(4, row.status);
  s.bind(5, std::int64_t{row.complete ? 1 : 0}).bind(6, row.timer_ms).bind(7, row.state);
  s.run();
}

bool erase(Tx& tx, const core::Scope& scope, const std::string& id) {
  auto s = tx.prepare("DELETE FROM build_batches WHERE account = ?1 AND region = ?2 AND id = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, id);
  s.run();
  return tx.changes() == 1;
}

IdPage list_ids(Tx& tx, const core::Scope& scope, const std::optional<std::string>& project,
                const std::optional<std::string>& status, bool ascending,
                std::optional<std::int64_t> after, int limit) {
  const std::string key = project ? "batch_number" : "seq";
  std::string sql = "SELECT id, " + key +
                    " FROM build_batches WHERE account = ?1 AND region = ?2 AND (?3 IS NULL OR "
                    "project = ?3) AND (?4 IS NULL OR status = ?4) AND " + key +
                    (ascending ? " > ?5 ORDER BY " + key + " ASC" : " < ?5 ORDER BY " + key + " DESC") +
                    " LIMIT ?6";
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region);
  if (project) s.bind(3, *project); else s.bind_null(3);
  if (status) s.bind(4, *status); else s.bind_null(4);
  s.bind(5, after.value_or(ascending ? INT64_MIN : INT64_MAX)).bind(6, std::int64_t{limit} + 1);
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

std::optional<BatchRow> find_by_token(Tx& tx, const core::Scope& scope, const std::string& project,
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

std::vector<BatchRow> open_batches(Tx& tx) {
  static const std::string sql = select("WHERE complete = 0 ORDER BY seq");
  auto s = tx.prepare(sql);
  std::vector<BatchRow> out;
  while (s.step()) out.push_back(from(s));
  return out;
}

std::int64_t next_batch_number(Tx& tx, const core::Scope& scope, const std::string& project) {
  auto s = tx.prepare(
      "UPDATE projects SET last_batch_number = last_batch_number + 1 WHERE account = ?1 AND "
      "region = ?2 AND name = ?3 RETURNING last_batch_number");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, project);
  if (!s.step()) throw DbError(0, "next_batch_number: no project " + project);
  auto n = s.int64(0);
  while (s.step()) {
  }
  return n;
}

void erase_all(Tx& tx) { tx.prepare("DELETE FROM build_batches").run(); }

}  // namespace scl::store::batch_repo
