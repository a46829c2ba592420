#pragma once
// Rows of the `build_batches` table. Call inside Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"
#include "store/sqlite/database.hpp"

namespace scl::store {

struct BatchRow {
  std::int64_t seq = 0;  // insertion order, assigned by insert()
  core::Scope scope;
  std::string id;
  std::string project;
  std::int64_t batch_number = 0;
  core::TimeMs start_ms = 0;
  std::string status;                // buildBatchStatus, for filters
  bool complete = false;
  std::optional<core::TimeMs> timer_ms;  // next scheduled batch event, if any
  std::string body;                  // static BuildBatch members, JSON text
  std::string state;                 // progress (phases, build groups), JSON text
  std::optional<std::string> idempotency_token;
  std::optional<std::string> request_hash;
};

namespace batch_repo {
/// Inserts and returns the row's seq. Throws DbError on a duplicate id.
std::int64_t insert(Tx& tx, const BatchRow& row);
std::optional<BatchRow> get(Tx& tx, const core::Scope& scope, const std::string& id);
/// Writes status, complete, timer_ms and state of the row with row.scope/row.id.
void update(Tx& tx, const BatchRow& row);
bool erase(Tx& tx, const core::Scope& scope, const std::string& id);

struct IdPage {
  std::vector<std::string> ids;
  std::optional<std::int64_t> next_key;  // pass back as `after` for the next page
};
/// Batch ids of the scope (one project if given, by batch number; else by insertion order),
/// optionally only those with `status`. `after` is an exclusive bound on the order key.
IdPage list_ids(Tx& tx, const core::Scope& scope, const std::optional<std::string>& project,
                const std::optional<std::string>& status, bool ascending,
                std::optional<std::int64_t> after, int limit);
/// Most recent batch of a project started with this token at or after `since`.
std::optional<BatchRow> find_by_token(Tx& tx, const core::Scope& scope, const std::string& project,
                                      const std::string& token, core::TimeMs since);
/// Every batch (all scopes) that is not complete: what a restart resumes.
std::vector<BatchRow> open_batches(Tx& tx);
/// Increments and returns the project's batch counter (first batch is 1).
std::int64_t next_batch_number(Tx& tx, const core::Scope& scope, const std::string& project);
void erase_all(Tx& tx);
}  // namespace batch_repo

}  // namespace scl::store
