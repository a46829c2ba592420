#include "store/report_repo.hpp"

namespace scl::store::report_repo {
namespace {
constexpr const char* kReportColumns =
    "seq, account, region, arn, group_name, build_id, status, created_ms, body, spec";

ReportRow report_from(const Stmt& s) {
  ReportRow r;
  r.seq = s.int64(0);
  r.scope = core::Scope{s.text(1), s.text(2)};
  r.arn = s.text(3);
  r.group_name = s.text(4);
  r.build_id = s.text(5);
  r.status = s.text(6);
  r.created_ms = s.int64(7);
  r.body = s.text(8);
  r.spec = s.text(9);
  return r;
}

std::string select_reports(const char* where) {
  return std::string("SELECT ") + kReportColumns + " FROM reports " + where;
}

std::vector<ReportRow> all(Stmt& s) {
  std::vector<ReportRow> out;
  while (s.step()) out.push_back(report_from(s));
  return out;
}
}  // namespace

bool insert_group(Tx& tx, const core::Scope& scope, const ReportGroupRow& row) {
  auto s = tx.prepare(
      "INSERT INTO report_groups (account, region, name, body, created_ms, modified_ms) VALUES "
      "(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, row.name).bind(4, row.body);
  s.bind(5, row.created_ms).bind(6, row.modified_ms);
  s.run();
  return tx.changes() == 1;
}

std::optional<ReportGroupRow> get_group(Tx& tx, const core::Scope& scope, const std::string& name) {
  auto s = tx.prepare(
      "SELECT name, body, created_ms, modified_ms FROM report_groups WHERE account = ?1 AND "
      "region = ?2 AND name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name);
  if (!s.step()) return std::nullopt;
  return ReportGroupRow{s.text(0), s.text(1), s.int64(2), s.int64(3)};
}

void update_group(Tx& tx, const core::Scope& scope, const std::string& name,
                  const std::string& body, core::TimeMs modified_ms) {
  auto s = tx.prepare(
      "UPDATE report_groups SET body = ?4, modified_ms = ?5 WHERE account = ?1 AND region = ?2 "
      "AND name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name).bind(4, body).bind(5, modified_ms);
  s.run();
}

bool erase_group(Tx& tx, const core::Scope& scope, const std::string& name) {
  auto s = tx.prepare("DELETE FROM report_groups WHERE account = ?1 AND region = ?2 AND name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name);
  s.run();
  return tx.changes() == 1;
}

std::vector<ReportGroupRow> list_groups(Tx& tx, const core::Scope& scope) {
  auto s = tx.prepare(
      "SELECT name, body, created_ms, modified_ms FROM report_groups WHERE account = ?1 AND "
      "region = ?2 ORDER BY name");
  s.bind(1, scope.account).bind(2, scope.region);
  std::vector<ReportGroupRow> out;
  while (s.step()) out.push_back(ReportGroupRow{s.text(0), s.text(1), s.int64(2), s.int64(3)});
  return out;
}

std::int64_t insert_report(Tx& tx, const ReportRow& row) {
  auto s = tx.prepare(
      "INSERT INTO reports (account, region, arn, group_name, build_id, status, created_ms, body, "
      "spec) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING seq");
  s.bind(1, row.scope.account).bind(2, row.scope.region).bind(3, row.arn).bind(4, row.group_name);
  s.bind(5, row.build_id).bind(6, row.status).bind(7, row.created_ms).bind(8, row.body);
  s.bind(9, row.spec);
  if (!s.step()) throw DbError(0, "insert report returned no seq");
  auto seq = s.int64(0);
  while (s.step()) {
  }
  return seq;
}

std::optional<ReportRow> get_report(Tx& tx, const core::Scope& scope, const std::string& arn) {
  static const std::string sql = select_reports("WHERE account = ?1 AND region = ?2 AND arn = ?3");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, arn);
  if (!s.step()) return std::nullopt;
  return report_from(s);
}

void update_report(Tx& tx, const ReportRow& row) {
  auto s = tx.prepare("UPDATE reports SET status = ?2, body = ?3 WHERE seq = ?1");
  s.bind(1, row.seq).bind(2, row.status).bind(3, row.body);
  s.run();
}

bool erase_report(Tx& tx, const core::Scope& scope, const std::string& arn) {
  auto s = tx.prepare("DELETE FROM reports WHERE account = ?1 AND region = ?2 AND arn = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, arn);
  s.run();
  return tx.changes() == 1;
}

std::int64_t count_reports(Tx& tx, const core::Scope& scope, const std::string& group) {
  auto s = tx.prepare(
      "SELECT count(*) FROM reports WHERE account = ?1 AND region = ?2 AND group_name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, group);
  s.step();
  return s.int64(0);
}

std::int64_t erase_reports_of_group(Tx& tx, const core::Scope& scope, const std::string& group) {
  auto s = tx.prepare("DELETE FROM reports WHERE account = ?1 AND region = ?2 AND group_name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, group);
  s.run();
  return tx.changes();
}

ArnPage list_reports(Tx& tx, const core::Scope& scope, const std::optional<std::string>& group,
                     const std::optional<std::string>& status, bool ascending,
                     std::optional<std::int64_t> after, int limit) {
  auto s = tx.prepare(
      ascending ? "SELECT arn, seq FROM reports WHERE account = ?1 AND region = ?2 AND (?3 IS NULL "
                  "OR group_name = ?3) AND (?4 IS NULL OR status = ?4) AND seq > ?5 ORDER BY seq "
                  "ASC LIMIT ?6"
                : "SELECT arn, seq FROM reports WHERE account = ?1 AND region = ?2 AND (?3 IS NULL "
                  "OR group_name = ?3) AND (?4 IS NULL OR status = ?4) AND seq < ?5 ORDER BY seq "
                  "DESC LIMIT ?6");
  s.bind(1, scope.account).bind(2, scope.region);
  if (group) s.bind(3, *group); else s.bind_null(3);
  if (status) s.bind(4, *status); else s.bind_null(4);
  s.bind(5, after.value_or(ascending ? INT64_MIN : INT64_MAX)).bind(6, std::int64_t{limit} + 1);
  ArnPage page;
  std::int64_t last = 0;
  while (s.step()) {
    if (static_cast<int>(page.arns.size()) == limit) {
      page.next_key = last;
      break;
    }
    page.arns.push_back(s.text(0));
    last = s.int64(1);
  }
  return page;
}

std::vector<ReportRow> latest_finished(Tx& tx, const core::Scope& scope, const std::string& group,
                                       int limit) {
  static const std::string sql = select_reports(
      "WHERE account = ?1 AND region = ?2 AND group_name = ?3 AND status != 'GENERATING' ORDER BY "
      "seq DESC LIMIT ?4");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, group).bind(4, std::int64_t{limit});
  return all(s);
}

std::vector<ReportRow> generating(Tx& tx) {
  static const std::string sql = select_reports("WHERE status = 'GENERATING' ORDER BY seq");
  auto s = tx.prepare(sql);
  return all(s);
}

std::vector<ReportRow> reports_of_build(Tx& tx, const core::Scope& scope,
                                        const std::string& build_id) {
  static const std::string sql =
      select_reports("WHERE account = ?1 AND region = ?2 AND build_id = ?3 ORDER BY seq");
  auto s = tx.prepare(sql);
  s.bind(1, scope.account).bind(2, scope.region).bind(3, build_id);
  return all(s);
}

void insert_test_case(Tx& tx, std::int64_t report_seq, const TestCaseRow& row) {
  auto s = tx.prepare(
      "INSERT INTO test_cases (report_seq, idx, status, name, prefix, body) VALUES (?1, ?2, ?3, "
      "?4, ?5, ?6)");
  s.bind(1, report_seq).bind(2, row.idx).bind(3, row.status).bind(4, row.name);
  s.bind(5, row.prefix).bind(6, row.body);
  s.run();
}

std::vector<TestCaseRow> list_test_cases(Tx& tx, std::int64_t report_seq,
                                         const std::optional<std::string>& status,
                                         const std::optional<std::string>& keyword,
                                         std::int64_t from, int limit) {
  auto s = tx.prepare(
      "SELECT idx, status, name, prefix, body FROM test_cases WHERE report_seq = ?1 AND idx >= ?2 "
      "AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR instr(name, ?4) > 0 OR instr(prefix, "
      "?4) > 0) ORDER BY idx LIMIT ?5");
  s.bind(1, report_seq).bind(2, from);
  if (status) s.bind(3, *status); else s.bind_null(3);
  if (keyword) s.bind(4, *keyword); else s.bind_null(4);
  s.bind(5, std::int64_t{limit} + 1);
  std::vector<TestCaseRow> out;
  while (s.step())
    out.push_back(TestCaseRow{s.int64(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

void erase_all(Tx& tx) {
  tx.prepare("DELETE FROM test_cases").run();
  tx.prepare("DELETE FROM reports").run();
  tx.prepare("DELETE FROM report_groups").run();
}

}  // namespace scl::store::report_repo
