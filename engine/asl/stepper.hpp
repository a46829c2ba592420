#pragma once
// The execution state machine of one Step Functions execution.
//
// Pure and synchronous: every entry point takes the current (simulated) time, advances the
// execution as far as it can without waiting, and returns the effects the runner must apply
// (history events, timers, task invocations/cancellations, completion). Waits, retry back-off,
// task timeouts, heartbeats, the execution timeout, Parallel branches and Map iterations are all
// expressed as effects; nothing blocks.
//
// Data flow per state follows the States Language (InputPath -> Parameters -> action ->
// ResultSelector -> ResultPath -> OutputPath), one wrapper for every state type, then
// Retry/Catch. History events use the AWS event types and `*EventDetails` member names
// (aws-behaviour.md 3.7, 4.4).
//
// Persistence: to_json() captures the complete execution state; from_json() restores it against
// the same compiled machine, so the runner can persist after each call and resume after restart.
//
// Threading: not thread-safe. One Stepper per execution, driven from the execution's strand.
// Exceptions: a C++ exception out of the stepper is a bug (language errors are values);
// from_json() throws std::invalid_argument for a snapshot that does not fit the machine.

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/asl/effects.hpp"
#include "engine/asl/limits.hpp"
#include "engine/asl/model.hpp"
#include "engine/asl/random_source.hpp"
#include "engine/asl/snapshot_parts.hpp"
#include "engine/asl/task_integration.hpp"

namespace scl::asl {
namespace persist_detail {
class ObjectText;
}

/// Facts about the execution the context object ($$) and ExecutionStarted need.
struct ExecutionInfo {
  std::string execution_arn;
  std::string execution_name;
  std::string state_machine_arn;
  std::string state_machine_name;
  std::string role_arn;
  std::string region = "us-east-1";
};

// kMaxPayloadBytes (256 KiB) and the evaluation limits live in limits.hpp.
/// NOTE(emulator): an execution that reaches this many history events fails with
/// States.Runtime (AWS's hard quota is 25,000 events); it also bounds runaway Choice loops.
inline constexpr std::int64_t kMaxHistoryEvents = 25000;
/// One entry point emits at most about this many events, or this many bytes of payload text
/// (inputs, outputs, parameters), before it yields with effect::Continue: the runner commits
/// that much and resumes in a new turn. Bounds the size of one commit (readers never wait behind
/// a huge one), the memory of pending events, and the time one execution holds a worker.
inline constexpr std::int64_t kMaxEventsPerCall = 500;
inline constexpr std::size_t kMaxEventBytesPerCall = 4 * 1024 * 1024;
/// An inline Map runs at most this many iterations at once, whatever its MaxConcurrency
/// ("In this mode, the Map state supports up to 40 concurrent iterations", Step Functions
/// developer guide, "Using Map state in Inline mode").
inline constexpr std::size_t kMaxInlineMapConcurrency = 40;
/// History event and DescribeExecution limits for `error` and `cause` (characters).
inline constexpr std::size_t kMaxErrorChars = 256;
inline constexpr std::size_t kMaxCauseChars = 32768;
/// NOTE(emulator): the payload text one execution may hold in its running frames at once (state
/// inputs, Map items, collected Map/Parallel results). Past it, the state that would grow it fails
/// with States.Runtime. AWS bounds each payload (256 KiB) but not their sum.
inline constexpr std::size_t kMaxLiveBytes = 64 * 1024 * 1024;

class Stepper {
 public:
  /// `machine` must be non-null; `random` must outlive the stepper (States.UUID, MathRandom,
  /// FULL jitter, task tokens).
  Stepper(std::shared_ptr<const StateMachine> machine, RandomSource& random);

  /// Starts the execution with `input` (already validated JSON). Emits ExecutionStarted and runs
  /// until the first wait. Call once.
  Effects start(const Json& input, const ExecutionInfo& info, core::TimeMs now);
  /// An answer from the integration running task `task_id`. Stale ids are ignored.
  Effects on_task_result(std::uint64_t task_id, const TaskEvent& event, core::TimeMs now);
  /// A timer previously requested with effect::ScheduleTimer fired. Stale ids are ignored.
  Effects on_timer(std::uint64_t timer_id, core::TimeMs now);
  /// StopExecution: ExecutionAborted with the given error/cause, cancels running tasks.
  /// No effect on a finished execution.
  Effects stop(const std::optional<std::string>& error, const std::optional<std::string>& cause,
               core::TimeMs now);
  /// Goes on after a call that ended with effect::Continue (or after restoring a snapshot that
  /// has runnable frames).
  Effects resume(core::TimeMs now);
  /// True when frames are waiting to run (a yielded call; see effect::Continue).
  [[nodiscard]] bool has_runnable() const { return !runnable_.empty(); }

  [[nodiscard]] ExecutionStatus status() const { return status_; }
  /// Task id for a `.waitForTaskToken` token, if that task is still running.
  [[nodiscard]] std::optional<std::uint64_t> task_for_token(const std::string& token) const;

  [[nodiscard]] Json to_json() const;
  /// asl::to_text(to_json()), byte for byte, written directly.
  [[nodiscard]] std::string state_text() const;
  static Stepper from_json(std::shared_ptr<const StateMachine> machine, RandomSource& random,
                           const Json& snapshot);

  // Snapshot in parts (snapshot_parts.hpp): what changed since the last take_changes(), so the
  // runner writes each step's delta. from_parts(all parts ever written, with the erasures
  // applied) restores exactly what from_json(to_json()) would.
  /// The live-state limit (kMaxLiveBytes unless a test lowers it; whole MiB).
  void set_live_bytes_limit(std::size_t bytes) { live_limit_ = bytes; }
  /// Off for executions that are never persisted (EXPRESS): nothing is recorded.
  void set_change_tracking(bool on) { tracking_ = on; }
  /// Marks everything as changed (the next take_changes() returns a complete snapshot).
  void mark_all_changed();
  SnapshotChanges take_changes();
  static Stepper from_parts(std::shared_ptr<const StateMachine> machine, RandomSource& random,
                            const std::vector<SnapshotPart>& parts);

 private:
  enum class Phase { kEnter, kTask, kWait, kRetryWait, kChildren, kDone };
  enum class TimerKind { kWait, kRetry, kTaskTimeout, kHeartbeat, kExecutionTimeout };

  /// One thread of control: the top level, one Parallel branch, or one Map iteration.
  struct Frame {
    std::uint64_t id = 0;
    std::string graph_id;
    std::optional<std::uint64_t> parent;  // owning frame (Parallel/Map state)
    std::size_t index = 0;                // branch index / item index within the parent
    std::string state;                    // current state
    Phase phase = Phase::kEnter;
    Json raw_input;        // input of the current state
    Json effective_input;  // after InputPath
    std::int64_t last_event_id = 0;     // previousEventId of the next event of this frame
    std::int64_t entered_event_id = 0;  // id of the current state's *StateEntered
    core::TimeMs entered_time = 0;
    std::vector<std::int64_t> retry_attempts;  // per retrier of the current state
    std::int64_t retry_count = 0;              // $$.State.RetryCount
    std::optional<std::uint64_t> task_id;
    std::optional<std::uint64_t> timer_id;      // wait/retry timer
    std::optional<std::uint64_t> timeout_timer;
    std::optional<std::uint64_t> heartbeat_timer;
    std::optional<std::int64_t> heartbeat_seconds;
    std::optional<std::string> task_token;
    // Parallel / Map bookkeeping.
    std::vector<std::uint64_t> children;  // running child frames
    Json child_results;                    // array, by branch / item index
    Json items;                            // Map: the items array
    std::size_t next_item = 0;
    std::size_t running = 0;
    std::size_t max_concurrency = 0;  // 0 = unlimited
    std::size_t failed_items = 0;
    std::optional<double> tolerated_percentage;
    std::optional<std::int64_t> tolerated_count;
    // Accounting (not persisted; recomputed on restore): payload text this frame holds.
    std::size_t input_bytes = 0;    // the current state's input, as last serialized
    std::size_t results_bytes = 0;  // collected Map/Parallel results
    std::size_t output_bytes = 0;   // the frame's final output (set when it finishes)
  };
  struct TimerRef {
    TimerKind kind;
    std::uint64_t frame;
  };

  // Event emission (stepper.cpp).
  std::int64_t emit(Frame& f, const std::string& type, const std::string& member, Json details,
                    core::TimeMs now);
  // Flow.
  void pump(core::TimeMs now);
  void run_state(Frame& f, core::TimeMs now);
  void begin_action(Frame& f, const State& st, core::TimeMs now);
  void complete_state(Frame& f, const State& st, const Json& result, core::TimeMs now);
  void handle_failure(Frame& f, const State& st, Failure failure, core::TimeMs now);
  void transition(Frame& f, const std::string& next, Json output, core::TimeMs now);
  void finish_frame(Frame& f, Json output, core::TimeMs now);
  void fail_frame(Frame& f, const Failure& failure, core::TimeMs now);
  void child_finished(Frame& parent, std::uint64_t child, bool ok, Json output,
                      const Failure& failure, core::TimeMs now);
  void abort_frame(Frame& f, core::TimeMs now, bool emit_events);
  void start_map_items(Frame& f, const State& st, core::TimeMs now);
  void end_execution(ExecutionStatus status, std::optional<std::string> output,
                     std::optional<std::string> error, std::optional<std::string> cause);
  std::uint64_t schedule_timer(TimerKind kind, const Frame& f, core::TimeMs at);
  void cancel_timer(std::optional<std::uint64_t>& id);
  void clear_task(Frame& f, bool cancel);
  Frame& new_frame(const std::string& graph_id, std::optional<std::uint64_t> parent,
                   std::size_t index, Json input, std::int64_t last_event_id);
  void erase_frame(std::uint64_t id);
  /// Sets what frame `f` accounts for; false when the execution would then hold more than
  /// kMaxLiveBytes.
  bool account(Frame& f, std::size_t input_bytes, std::size_t results_bytes);
  [[nodiscard]] const Graph& graph_of(const Frame& f) const;
  [[nodiscard]] Json context_object(const Frame& f, const State& st) const;
  [[nodiscard]] Failure runtime_error(const Frame& f, const std::string& detail) const;
  [[nodiscard]] Failure wrap_runtime(const Frame& f, Failure failure) const;
  Effects take_effects();

  std::shared_ptr<const StateMachine> machine_;
  RandomSource* random_;
  ExecutionInfo info_;
  Json execution_input_;
  core::TimeMs start_time_ = 0;
  ExecutionStatus status_ = ExecutionStatus::kRunning;
  bool started_ = false;
  std::int64_t next_event_id_ = 1;
  std::int64_t last_event_id_ = 0;  // newest event of the whole execution
  std::uint64_t next_frame_id_ = 1;
  std::uint64_t next_timer_id_ = 1;
  std::uint64_t next_task_id_ = 1;
  std::uint64_t top_frame_ = 0;
  std::map<std::uint64_t, Frame> frames_;
  std::map<std::uint64_t, TimerRef> timers_;
  std::map<std::uint64_t, std::uint64_t> tasks_;  // task id -> frame id
  std::deque<std::uint64_t> runnable_;            // frames in Phase::kEnter, FIFO
  Effects out_;                                    // effects of the current call
  std::int64_t call_events_ = 0;                   // events emitted by the current call
  std::size_t call_bytes_ = 0;                     // payload text they carry
  std::size_t live_bytes_ = 0;                     // sum of the frames' accounting
  std::size_t live_limit_ = kMaxLiveBytes;
  // Change tracking for take_changes().
  bool tracking_ = true;
  bool input_written_ = false;
  std::set<std::uint64_t> dirty_frames_;
  std::set<std::uint64_t> dirty_items_;
  std::set<std::uint64_t> cleared_results_;
  std::set<std::pair<std::uint64_t, std::size_t>> dirty_results_;
  std::set<std::uint64_t> erased_frames_;
  void touch(const Frame& f) {
    if (tracking_) dirty_frames_.insert(f.id);
  }
  void touch_items(const Frame& f) {
    if (tracking_) dirty_items_.insert(f.id);
  }
  void touch_result(const Frame& f, std::size_t index) {
    if (tracking_) dirty_results_.emplace(f.id, index);
  }
  /// f.child_results was replaced as a whole (a new array, or none).
  void touch_all_results(const Frame& f);
  EvalBudget budget_;  // work budget of the state being evaluated (reset per state; not persisted)

  void write_text(std::string& out) const;
  static void write_frame(std::string& out, const Frame& f, bool with_payloads);
  // The header fields both snapshot formats share.
  void write_info(persist_detail::ObjectText& o) const;
  void write_counters(persist_detail::ObjectText& o) const;
  void read_info(const Json& info);
  void read_counters(const Json& j);
  static void read_frame(const Json& fj, Frame& f, const StateMachine& machine);
};

}  // namespace scl::asl
