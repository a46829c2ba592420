#pragma once
// Step Functions API (reference 4.2) and the execution runner that drives asl::Stepper with the
// injected Scheduler. Thread-safe. Each running execution owns a SerialQueue (its strand); every
// stepper call runs there, on the injected Executor (a worker pool in the server, so no step ever
// computes on an HTTP I/O thread), and its history events and snapshot are committed to SQLite
// before any timer is armed, task started or answer given (so a restart resumes exactly where
// the history ends, and nothing acknowledged is lost). EXPRESS executions run the same way but in
// memory only (no history, as AWS).
//
// Failure isolation (issue 11): a step whose commit fails ends its execution FAILED with a small
// record committed on its own; a snapshot that cannot be resumed fails that execution at
// recovery; an execution the process crashed on twice (core::CrashGuard) is failed instead of
// resumed; reset() turns the later commits of steps still in flight into no-ops.

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "engine/asl/compiler.hpp"
#include "engine/asl/stepper.hpp"
#include "engine/asl/task_integration.hpp"
#include "engine/core/executor.hpp"
#include "engine/core/id_source.hpp"
#include "engine/core/scheduler.hpp"
#include "engine/core/scope.hpp"
#include "store/sfn_repo.hpp"

namespace scl::sfn {

using json = nlohmann::json;

/// How an execution ended, for completion callbacks (StartSyncExecution, startExecution.sync).
struct ExecutionResult {
  std::string execution_arn;
  std::string status;  // SUCCEEDED | FAILED | TIMED_OUT | ABORTED
  std::optional<std::string> output, error, cause;
  core::TimeMs start_ms = 0;
  core::TimeMs stop_ms = 0;
};

class StepFunctionsService {
 public:
  using Done = std::function<void(const ExecutionResult&)>;

  using Respond = std::function<void(std::function<json()>)>;

  /// `executor` runs the executions' steps (nullptr: on the calling thread, for tests).
  StepFunctionsService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
                       const asl::IntegrationRegistry& registry, core::Executor* executor = nullptr);
  ~StepFunctionsService();
  StepFunctionsService(const StepFunctionsService&) = delete;
  StepFunctionsService& operator=(const StepFunctionsService&) = delete;

  /// Resumes every RUNNING standard execution from its stored snapshot; returns how many.
  /// `crashed`: sequence numbers of executions the previous process crashed on
  /// (core::CrashGuard); each one counts against that execution, and one that crashed the
  /// process twice is failed instead of resumed. An execution whose snapshot cannot be resumed
  /// is failed (committed), never left RUNNING.
  std::size_t recover(const std::vector<std::int64_t>& crashed = {});

  // Operations: request body in (model-checked), response body out; throw core::AwsError.
  json create_state_machine(const core::Scope& scope, const json& in);
  json describe_state_machine(const core::Scope& scope, const json& in);
  json update_state_machine(const core::Scope& scope, const json& in);
  json delete_state_machine(const core::Scope& scope, const json& in);
  json list_state_machines(const core::Scope& scope, const json& in);
  json validate_state_machine_definition(const core::Scope& scope, const json& in);
  /// Answers once the execution's first step is committed (ExecutionStarted at least).
  void start_execution_async(const core::Scope& scope, const json& in, Respond respond);
  /// The same, waiting for the answer (tests; integrations that start nested executions).
  json start_execution(const core::Scope& scope, const json& in);
  /// Calls `respond` with a producer that returns the response or throws AwsError.
  void start_sync_execution(const core::Scope& scope, const json& in,
                            std::function<void(std::function<json()>)> respond);
  json describe_execution(const core::Scope& scope, const json& in);
  json describe_state_machine_for_execution(const core::Scope& scope, const json& in);
  /// Answers once ExecutionAborted is committed.
  void stop_execution_async(const core::Scope& scope, const json& in, Respond respond);
  json stop_execution(const core::Scope& scope, const json& in);
  json list_executions(const core::Scope& scope, const json& in);
  json get_execution_history(const core::Scope& scope, const json& in);
  json tag_resource(const core::Scope& scope, const json& in);
  json untag_resource(const core::Scope& scope, const json& in);
  json list_tags_for_resource(const core::Scope& scope, const json& in);
  /// Answer once the step the callback caused is committed.
  void send_task_success_async(const core::Scope& scope, const json& in, Respond respond);
  void send_task_failure_async(const core::Scope& scope, const json& in, Respond respond);
  void send_task_heartbeat_async(const core::Scope& scope, const json& in, Respond respond);
  json send_task_success(const core::Scope& scope, const json& in);
  json send_task_failure(const core::Scope& scope, const json& in);
  json send_task_heartbeat(const core::Scope& scope, const json& in);

  /// Starts an execution programmatically (states:startExecution integrations). Same rules as
  /// StartExecution; `done` (optional) is called once when it ends.
  void start_execution_with(const core::Scope& scope, const json& in, Done done, Respond respond);
  /// Stops a running execution (best effort, used when a parent task is cancelled).
  void stop_execution_quietly(const std::string& execution_arn, const std::string& error,
                              const std::string& cause);

  /// Deletes every state machine and execution. Steps still computing when it runs are
  /// discarded: their later commits are no-ops (a generation check under the database lock),
  /// and execution sequence numbers are never reused.
  void reset();
  [[nodiscard]] std::size_t executions_running() const;
  /// Test hook (e2e crash-recovery tests only): the process aborts when an execution enters a
  /// state of this name, as a crash inside that step would. Empty: off.
  void crash_in_state_for_testing(std::string state_name) { crash_state_ = std::move(state_name); }
  /// Bytes the compiled-definition cache accounts for (an estimate), and its entries.
  [[nodiscard]] std::size_t compiled_cache_bytes() const;
  [[nodiscard]] std::size_t compiled_cache_entries() const;

 private:
  struct Execution;
  using ExecPtr = std::shared_ptr<Execution>;

  std::shared_ptr<const asl::StateMachine> compile_cached(const std::string& definition,
                                                          bool express, bool keep = true);
  void cache_put(const std::string& key, std::shared_ptr<const asl::StateMachine> machine,
                 std::size_t bytes);
  void cache_drop(const std::string& definition);
  store::StateMachineRow get_sm(const core::Scope& scope, const std::string& arn);
  /// Throws InvalidArn for a malformed execution ARN; true when it is in `scope`.
  static bool in_scope(const core::Scope& scope, const std::string& execution_arn);
  /// The stored execution, or nullopt (other scope or unknown). Throws InvalidArn.
  std::optional<store::ExecutionRow> find_execution(const core::Scope& scope, const std::string& arn);
  /// As find_execution, but throws ExecutionDoesNotExist.
  store::ExecutionRow get_execution(const core::Scope& scope, const std::string& arn);
  /// The state machine for Tag/Untag/ListTagsForResource (ResourceNotFound otherwise).
  store::StateMachineRow get_tagged(const core::Scope& scope, const std::string& arn);
  ExecPtr launch(const core::Scope& scope, const store::StateMachineRow& sm,
                 const std::string& name, const std::string& input_text, const asl::Json& input,
                 const std::optional<std::string>& trace_header, Done done, json& response,
                 Respond on_started = nullptr);
  void apply(const ExecPtr& ex, asl::Effects effects);
  /// After a failed commit: ends the execution FAILED with a record committed on its own.
  void fail_unpersisted(const ExecPtr& ex, const std::vector<const asl::HistoryEvent*>& events,
                        const std::string& error);
  /// Ends an execution in memory: timers, tasks, tokens, waiters. Call on its queue.
  void release(const ExecPtr& ex);
  void answer_started(const ExecPtr& ex, const std::string& error);
  /// Commits ExecutionFailed for a stored RUNNING execution that cannot run (recovery).
  void fail_stored(const store::ExecutionRow& row, const std::string& cause);
  void send_task_event_async(const std::string& token, asl::TaskEvent ev, Respond respond);
  void on_timer(const std::weak_ptr<Execution>& weak, std::uint64_t timer_id);
  void on_reply(const std::weak_ptr<Execution>& weak, std::uint64_t task_id, asl::TaskEvent ev);
  void start_task(const ExecPtr& ex, const asl::TaskRequest& req, bool resuming,
                  const std::optional<asl::Json>& submitted);
  /// The snapshot parts a commit must write for what changed since the last one.
  void snapshot_changes(Execution& ex, std::vector<store::PartErase>& erases,
                        std::vector<store::PartRow>& upserts);
  [[nodiscard]] core::TimeMs now() const { return scheduler_.clock().now_ms(); }
  ExecPtr find_running(const std::string& arn);

  store::Database& db_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  const asl::IntegrationRegistry& registry_;
  core::Executor* executor_;
  core::InlineExecutor inline_;
  std::string crash_state_;
  std::atomic<std::uint64_t> generation_{1};  // bumped by reset(), under the database lock

  mutable std::mutex mu_;
  std::unordered_map<std::string, ExecPtr> running_;  // by execution ARN
  // Compiled definitions by (type, definition text): an LRU bounded in (estimated) bytes.
  struct CacheEntry {
    std::shared_ptr<const asl::StateMachine> machine;
    std::size_t bytes = 0;
    std::list<std::string>::iterator lru;
  };
  std::unordered_map<std::string, CacheEntry> compiled_;
  std::list<std::string> compiled_lru_;  // most recent first
  std::size_t compiled_bytes_ = 0;
  std::unordered_map<std::string, std::string> tokens_;  // task token -> execution ARN
  std::unordered_set<std::string> starting_;  // standard execution ARNs being launched
  std::atomic<std::uint64_t> next_global_task_{1};
};

}  // namespace scl::sfn
