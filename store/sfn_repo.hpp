#pragma once
// Step Functions rows: state machines, executions, history events. Call inside
// Database::read/write; throws DbError.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"
#include "store/sqlite/database.hpp"

namespace scl::store {

struct StateMachineRow {
  core::Scope scope;
  std::string name;
  std::string arn;
  std::string type;        // STANDARD | EXPRESS
  std::string definition;  // byte for byte as given
  std::string role_arn;
  std::string logging;     // LoggingConfiguration JSON
  std::string tracing;     // TracingConfiguration JSON
  std::string tags;        // [{"key","value"}] JSON
  std::string extra;       // other echoed members (description, encryptionConfiguration) JSON
  core::TimeMs created_ms = 0;
  std::optional<core::TimeMs> updated_ms;
  std::optional<std::string> revision_id;
};

struct ExecutionRow {
  std::int64_t seq = 0;
  core::Scope scope;
  std::string arn;
  std::string state_machine_arn;
  std::string name;
  std::string status;  // RUNNING | SUCCEEDED | FAILED | TIMED_OUT | ABORTED
  std::string input;
  std::optional<std::string> output;
  std::optional<std::string> error;
  std::optional<std::string> cause;
  core::TimeMs start_ms = 0;
  std::optional<core::TimeMs> stop_ms;
  std::string definition;  // the definition this execution runs
  std::string role_arn;
  core::TimeMs sm_updated_ms = 0;  // DescribeStateMachineForExecution updateDate
  std::string state;               // runner snapshot JSON (stepper + pending timers/tasks)
  std::optional<std::string> trace_header;
  std::int64_t crashes = 0;        // emulator crashes while running it (read only)
};

/// One part of a running execution's snapshot: (kind, id, sub) -> JSON text.
struct PartRow {
  int kind = 0;
  std::int64_t id = 0;
  std::int64_t sub = 0;
  std::string body;
};
/// Removes one part, or all `sub`s of (kind, id) when all_subs.
struct PartErase {
  int kind = 0;
  std::int64_t id = 0;
  std::int64_t sub = 0;
  bool all_subs = false;
};

struct HistoryRow {
  std::int64_t id = 0;
  std::string body;  // event JSON (wire form without the timestamp conversion)
};

namespace sfn_repo {
bool insert_state_machine(Tx& tx, const StateMachineRow& row);
std::optional<StateMachineRow> get_state_machine(Tx& tx, const std::string& arn);
void update_state_machine(Tx& tx, const StateMachineRow& row);
bool erase_state_machine(Tx& tx, const std::string& arn);
/// State machines of a scope in creation order, after `after_arn` exclusive-by-position.
std::vector<StateMachineRow> list_state_machines(Tx& tx, const core::Scope& scope);

/// Sets row.seq. Sequence numbers only grow, across erase_all() too: a step computed before a
/// reset can never write into an execution started after it.
void insert_execution(Tx& tx, ExecutionRow& row);
std::optional<ExecutionRow> get_execution(Tx& tx, const std::string& arn);
/// Updates status, output, error, cause, stop_ms and state.
void update_execution(Tx& tx, const ExecutionRow& row);
struct ExecutionPage {
  std::vector<ExecutionRow> rows;  // without input/state/definition
  std::optional<std::int64_t> next_seq;
};
/// Newest first; `before_seq` exclusive; `status` empty = all.
ExecutionPage list_executions(Tx& tx, const std::string& sm_arn, const std::string& status,
                              std::optional<std::int64_t> before_seq, int limit);
std::vector<ExecutionRow> running_executions(Tx& tx);
/// Counts one crash of the emulator against execution `seq`; returns the new count (0: none).
std::int64_t count_crash(Tx& tx, std::int64_t seq);

/// Appends events (ascending ids, each body one line of JSON text without a newline); a
/// contiguous run of ids is stored in chunk rows of at most kChunkEvents events and about
/// kChunkBytes bytes, so a page of history reads only a little more than it returns.
inline constexpr std::size_t kChunkEvents = 64;
inline constexpr std::size_t kChunkBytes = 64 * 1024;
void append_events(Tx& tx, std::int64_t execution_seq, const std::vector<HistoryRow>& events);
/// Events with id in (after, ...] ascending, or [.., before) descending.
std::vector<HistoryRow> events(Tx& tx, std::int64_t execution_seq, bool reverse,
                               std::optional<std::int64_t> bound, int limit);
std::int64_t last_event_id(Tx& tx, std::int64_t execution_seq);

/// Applies erasures, then inserts or replaces the given parts.
void write_parts(Tx& tx, std::int64_t execution_seq, const std::vector<PartErase>& erases,
                 const std::vector<PartRow>& upserts);
std::vector<PartRow> parts(Tx& tx, std::int64_t execution_seq);
void erase_parts(Tx& tx, std::int64_t execution_seq);
core::TimeMs latest_time(Tx& tx);
void erase_all(Tx& tx);
}  // namespace sfn_repo

}  // namespace scl::store
