#pragma once
// What the Stepper asks its host (the execution runner) to do. The stepper never performs I/O,
// reads the clock or sleeps: it returns effects, the runner applies them in order.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/asl/failure.hpp"
#include "engine/asl/json.hpp"
#include "engine/asl/resource.hpp"
#include "engine/core/clock.hpp"

namespace scl::asl {

/// One GetExecutionHistory event. `details` holds the members of the `<details_member>` object
/// with AWS's member names (shapes.HistoryEvent); JSON payloads (input, output, parameters) are
/// strings, as on the wire. `timestamp` is epoch ms (the wire shows epoch seconds).
struct HistoryEvent {
  std::int64_t id = 0;
  std::int64_t previous_event_id = 0;
  core::TimeMs timestamp = 0;
  std::string type;            // "TaskStateEntered", ...
  std::string details_member;  // "stateEnteredEventDetails"; empty when the type has none
  Json details = Json::object();
  /// {"timestamp": <ms>, "type", "id", "previousEventId", "<details_member>": {...}}.
  [[nodiscard]] Json to_json() const;
  /// The same as to_text(to_json()), without copying the details.
  [[nodiscard]] std::string to_text() const;
  static HistoryEvent from_json(const Json& j);
};

enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };
/// "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED".
const char* to_wire(ExecutionStatus s);

/// A task the runner must start through the integration registry (task_integration.hpp).
struct TaskRequest {
  std::uint64_t task_id = 0;  // unique within the execution; echo it in on_task_result()
  ResourceRef resource;
  Json parameters;                       // the evaluated Parameters (or the effective input)
  std::optional<std::string> task_token;  // for .waitForTaskToken ($$.Task.Token)
  std::optional<std::int64_t> timeout_seconds;
  std::optional<std::int64_t> heartbeat_seconds;
  std::string state_name;
  std::optional<Json> credentials;  // the state's Credentials block, if any (not evaluated)
  /// Simulated time the task was invoked (its TaskStarted event). Lets an integration resumed
  /// after a restart keep its original deadlines instead of starting its clock again.
  core::TimeMs started_ms = 0;
  // Set by the host (runner), not by the stepper: who runs the task.
  std::string execution_arn;
  std::string role_arn;
  /// The same for this task invocation before and after a restart (execution ARN + the
  /// stepper's task id): lets an integration make a resumed call idempotent.
  std::string invocation_key;
};

namespace effect {
struct AppendEvent {
  HistoryEvent event;
};
/// Call Stepper::on_timer(timer_id, ...) at (simulated) time `at`.
struct ScheduleTimer {
  std::uint64_t timer_id = 0;
  core::TimeMs at = 0;
};
/// A timer that is no longer needed (firing it anyway is harmless: the stepper ignores it).
struct CancelTimer {
  std::uint64_t timer_id = 0;
};
struct InvokeTask {
  TaskRequest request;
};
/// Best-effort cancellation of a running task (execution stopped, sibling failed, timeout).
struct CancelTask {
  std::uint64_t task_id = 0;
  ResourceRef resource;
};
struct ExecutionFinished {
  ExecutionStatus status = ExecutionStatus::kSucceeded;
  std::optional<std::string> output;  // JSON text, SUCCEEDED only
  std::optional<std::string> error;
  std::optional<std::string> cause;
};
/// The call stopped at its event budget with work left: persist what it produced, then call
/// Stepper::resume() (from a fresh turn of the execution's queue, so other work interleaves).
struct Continue {};
}  // namespace effect

using Effect = std::variant<effect::AppendEvent, effect::ScheduleTimer, effect::CancelTimer,
                            effect::InvokeTask, effect::CancelTask, effect::ExecutionFinished,
                            effect::Continue>;
using Effects = std::vector<Effect>;

}  // namespace scl::asl
