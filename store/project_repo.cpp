#include "store/project_repo.hpp"

namespace scl::store::project_repo {
namespace {
ProjectRow from(const Stmt& s) {
  return ProjectRow{s.text(0), s.text(1), s.int64(2), s.int64(3), s.int64(4)};
}
}  // namespace

bool insert(Tx& tx, const core::Scope& scope, const ProjectRow& row) {
  auto s = tx.prepare(
      "INSERT OR IGNORE INTO projects (account, region, name, body, created_ms, modified_ms, "
      "last_build_number) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, row.name).bind(4, row.body);
  s.bind(5, row.created_ms).bind(6, row.modified_ms).bind(7, row.last_build_number);
  s.run();
  return tx.changes() == 1;
}

std::optional<ProjectRow> get(Tx& tx, const core::Scope& scope, const std::string& name) {
  auto s = tx.prepare(
      "SELECT name, body, created_ms, modified_ms, last_build_number FROM projects "
      "WHERE account = ?1 AND region = ?2 AND name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name);
  if (!s.step()) return std::nullopt;
  return from(s);
}

void update(Tx& tx, const core::Scope& scope, const std::string& name, const std::string& body,
            core::TimeMs modified_ms) {
  auto s = tx.prepare(
      "UPDATE projects SET body = ?4, modified_ms = ?5 WHERE account = ?1 AND region = ?2 AND "
      "name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name).bind(4, body).bind(5, modified_ms);
  s.run();
}

bool erase(Tx& tx, const core::Scope& scope, const std::string& name) {
  auto s = tx.prepare("DELETE FROM projects WHERE account = ?1 AND region = ?2 AND name = ?3");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name);
  s.run();
  return tx.changes() == 1;
}

std::vector<ProjectRow> list(Tx& tx, const core::Scope& scope) {
  auto s = tx.prepare(
      "SELECT name, body, created_ms, modified_ms, last_build_number FROM projects "
      "WHERE account = ?1 AND region = ?2 ORDER BY name");
  s.bind(1, scope.account).bind(2, scope.region);
  std::vector<ProjectRow> out;
  while (s.step()) out.push_back(from(s));
  return out;
}

std::int64_t next_build_number(Tx& tx, const core::Scope& scope, const std::string& name) {
  auto s = tx.prepare(
      "UPDATE projects SET last_build_number = last_build_number + 1 WHERE account = ?1 AND "
      "region = ?2 AND name = ?3 RETURNING last_build_number");
  s.bind(1, scope.account).bind(2, scope.region).bind(3, name);
  if (!s.step()) throw DbError(0, "next_build_number: no project " + name);
  auto n = s.int64(0);
  while (s.step()) {
  }
  return n;
}

void erase_all(Tx& tx) { tx.prepare("DELETE FROM projects").run(); }

}  // namespace scl::store::project_repo
