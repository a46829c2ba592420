#pragma once
// The seam between the interpreter and the services a Task state calls.
//
// Resource ARN -> (kind, service, action, pattern) -> registry -> TaskIntegration. The Stepper
// only emits effect::InvokeTask / effect::CancelTask; the runner looks the integration up here,
// calls start(), and feeds the integration's answers back with Stepper::on_task_result() on the
// execution's strand. An integration never blocks: it answers later through the callback.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <variant>

#include "engine/asl/compiler.hpp"
#include "engine/asl/effects.hpp"
#include "engine/asl/failure.hpp"

namespace scl::asl {

/// Answers of a running task.
namespace task_event {
/// `.sync` only: the job was submitted (history TaskSubmitted with this output).
struct Submitted {
  Json output;
};
struct Succeeded {
  Json output;
};
struct Failed {
  Failure failure;
};
/// SendTaskHeartbeat: restarts the HeartbeatSeconds timer.
struct Heartbeat {};
}  // namespace task_event
using TaskEvent = std::variant<task_event::Submitted, task_event::Succeeded, task_event::Failed,
                               task_event::Heartbeat>;

class TaskIntegration {
 public:
  using Reply = std::function<void(TaskEvent)>;
  virtual ~TaskIntegration() = default;
  /// Starts the work for `request` and returns at once. `reply` may be called from any thread,
  /// any number of times (Submitted, Heartbeat...), and must end with exactly one Succeeded or
  /// Failed unless the task is cancelled. The host's `reply` posts to the execution strand.
  /// Must not throw: report problems as task_event::Failed.
  virtual void start(const TaskRequest& request, Reply reply) = 0;
  /// Best-effort cancel (StopBuild for codebuild .sync). Errors are ignored. Default: nothing.
  virtual void cancel(std::uint64_t /*task_id*/) {}
};

/// Registry keyed by (kind, service, action, pattern). Not thread-safe for writes: fill it at
/// start-up (composition root), then share it read-only.
class IntegrationRegistry {
 public:
  /// Registers an optimized integration (arn:aws:states:::<service>:<action><pattern>), or an
  /// AWS SDK one when `aws_sdk` is true. Replaces an existing entry.
  void add(std::string service, std::string action, IntegrationPattern pattern,
           std::shared_ptr<TaskIntegration> integration, bool aws_sdk = false);
  /// The integration for `resource`, or nullptr (activities and Lambda ARNs are never found).
  [[nodiscard]] TaskIntegration* find(const ResourceRef& resource) const;
  /// A ResourceValidator accepting exactly the registered resources (unrecognized_resource()
  /// otherwise) and, when `express`, also applying express_resource_rule(). The registry must
  /// outlive the returned function.
  [[nodiscard]] ResourceValidator validator(bool express) const;

 private:
  using Key = std::tuple<bool, std::string, std::string, IntegrationPattern>;
  std::map<Key, std::shared_ptr<TaskIntegration>> entries_;
};

}  // namespace scl::asl
