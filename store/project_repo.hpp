#pragma once
// Rows of the `projects` table. Call inside Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"
#include "store/sqlite/database.hpp"

namespace scl::store {

struct ProjectRow {
  std::string name;
  std::string body;  // Project JSON as returned on the wire
  core::TimeMs created_ms = 0;
  core::TimeMs modified_ms = 0;
  std::int64_t last_build_number = 0;
};

namespace project_repo {
/// Inserts; returns false if a project of that name exists in the scope.
bool insert(Tx& tx, const core::Scope& scope, const ProjectRow& row);
std::optional<ProjectRow> get(Tx& tx, const core::Scope& scope, const std::string& name);
void update(Tx& tx, const core::Scope& scope, const std::string& name, const std::string& body,
            core::TimeMs modified_ms);
bool erase(Tx& tx, const core::Scope& scope, const std::string& name);
/// Every project of the scope, in name order.
std::vector<ProjectRow> list(Tx& tx, const core::Scope& scope);
/// Increments and returns the project's build counter (first build is 1).
std::int64_t next_build_number(Tx& tx, const core::Scope& scope, const std::string& name);
void erase_all(Tx& tx);
}  // namespace project_repo

}  // namespace scl::store
