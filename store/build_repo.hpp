#pragma once
// Rows of the `builds` table. Call inside Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"
#include "store/sqlite/database.hpp"

namespace scl::store {

struct BuildRow {
  std::int64_t seq = 0;  // insertion order, assigned by insert()
  core::Scope scope;
  std::string id;
  std::string project;
  std::int64_t build_number = 0;
  core::TimeMs start_ms = 0;
  std::optional<core::TimeMs> stop_ms;
  core::TimeMs completes_ms = 0;  // simulated time at which COMPLETED starts
  std::string plan;               // timeline plan, JSON text (engine/codebuild owns the format)
  std::string body;               // static Build members, JSON text
  std::optional<std::string> idempotency_token;
  std::optional<std::string> request_hash;
};

namespace build_repo {
/// Inserts and returns the row's seq. Throws DbError on a duplicate id.
std::int64_t insert(Tx& tx, const BuildRow& row);
std::optional<BuildRow> get(Tx& tx, const core::Scope& scope, const std::string& id);
void set_stop(Tx& tx, const core::Scope& scope, const std::string& id, core::TimeMs stop_ms,
              core::TimeMs completes_ms);
bool erase(Tx& tx, const core::Scope& scope, const std::string& id);

struct IdPage {
  std::vector<std::string> ids;
  std::optional<std::int64_t> next_key;  // pass back as `after` for the next page
};
/// Build ids of the scope in insertion order; `after` is an exclusive seq bound.
IdPage list_ids(Tx& tx, const core::Scope& scope, bool ascending, std::optional<std::int64_t> after,
                int limit);
/// Build ids of one project by build number; `after` is an exclusive build-number bound.
IdPage list_for_project(Tx& tx, const core::Scope& scope, const std::string& project,
                        bool ascending, std::optional<std::int64_t> after, int limit);
std::int64_t count_for_project(Tx& tx, const core::Scope& scope, const std::string& project);
/// Builds of a project not yet complete at `now`.
std::int64_t count_active(Tx& tx, const core::Scope& scope, const std::string& project,
                          core::TimeMs now);
/// Most recent build of a project started with this idempotency token at or after `since`.
std::optional<BuildRow> find_by_token(Tx& tx, const core::Scope& scope, const std::string& project,
                                      const std::string& token, core::TimeMs since);
/// Every build (all scopes) whose completion is after `now`: the in-flight set after a restart.
std::vector<BuildRow> in_flight(Tx& tx, core::TimeMs now);
/// Latest simulated time recorded anywhere (start, stop), or 0.
core::TimeMs latest_time(Tx& tx);
void erase_all(Tx& tx);
}  // namespace build_repo

}  // namespace scl::store
