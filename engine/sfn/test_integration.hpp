#pragma once
// NOTE(emulator): `arn:aws:states:::emulator:task`, a Task resource that exists only in this
// emulator, to exercise Task states, Retry, Catch and timeouts without another service.
// Parameters (all optional):
//   "Output"                result of the task (default: the Parameters object itself)
//   "Error", "Cause"        fail with this error (States-style Failure) instead
//   "Seconds"               answer this many simulated seconds after the task started (default 0;
//                           a task resumed after a restart keeps that deadline)
//   "FailWhileAttemptBelow" with "Attempt" (pass "Attempt.$": "$$.State.RetryCount"): fail with
//                           "Error" (default "Emulator.TransientError") while Attempt < N
// With `.waitForTaskToken` the task never answers by itself: it waits for SendTaskSuccess /
// SendTaskFailure with `$$.Task.Token` (or its timeouts).

#include <map>
#include <mutex>

#include "engine/core/scheduler.hpp"
#include "engine/sfn/resumable.hpp"

namespace scl::sfn {

class EmulatorTaskIntegration final : public ResumableIntegration {
 public:
  explicit EmulatorTaskIntegration(core::Scheduler& scheduler) : scheduler_(scheduler) {}
  void start(const asl::TaskRequest& request, Reply reply) override;
  void cancel(std::uint64_t task_id) override;

 private:
  core::Scheduler& scheduler_;
  std::mutex mu_;
  std::map<std::uint64_t, core::TimerId> timers_;
};

}  // namespace scl::sfn
