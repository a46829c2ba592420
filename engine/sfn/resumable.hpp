#pragma once
// Optional extension of asl::TaskIntegration for tasks that must survive a restart of the
// emulator without being started twice (e.g. startBuild.sync re-subscribes to its build).

#include <optional>

#include "engine/asl/task_integration.hpp"

namespace scl::sfn {

class ResumableIntegration : public asl::TaskIntegration {
 public:
  /// Continues a task that was running when the emulator stopped. `submitted` is the output of
  /// the task's last Submitted event, if it had one. Default: start it again.
  virtual void resume(const asl::TaskRequest& request, const std::optional<asl::Json>& submitted,
                      Reply reply) {
    (void)submitted;
    start(request, std::move(reply));
  }
};

}  // namespace scl::sfn
