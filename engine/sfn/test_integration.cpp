#include "engine/sfn/test_integration.hpp"

#include <cmath>

namespace scl::sfn {

void EmulatorTaskIntegration::start(const asl::TaskRequest& request, Reply reply) {
  // `.waitForTaskToken`: the answer comes from SendTaskSuccess / SendTaskFailure.
  if (request.resource.pattern == asl::IntegrationPattern::kWaitForTaskToken) return;
  const asl::Json& p = request.parameters;
  asl::TaskEvent outcome;
  const bool obj = p.is_object();
  std::optional<asl::Failure> failure;
  if (obj && p.contains("FailWhileAttemptBelow")) {
    const auto below = p["FailWhileAttemptBelow"].is_number() ? p["FailWhileAttemptBelow"].get<double>() : 0;
    const auto attempt = p.contains("Attempt") && p["Attempt"].is_number() ? p["Attempt"].get<double>() : 0;
    if (attempt < below) {
      failure = asl::Failure{p.value("Error", std::string("Emulator.TransientError")),
                             p.value("Cause", std::string("attempt below FailWhileAttemptBelow"))};
    }
  } else if (obj && p.contains("Error") && p["Error"].is_string()) {
    failure = asl::Failure{p["Error"].get<std::string>(),
                           p.contains("Cause") && p["Cause"].is_string()
                               ? std::optional<std::string>(p["Cause"].get<std::string>())
                               : std::nullopt};
  }
  if (failure) {
    outcome = asl::task_event::Failed{*failure};
  } else {
    outcome = asl::task_event::Succeeded{obj && p.contains("Output") ? p["Output"] : p};
  }
  double seconds = obj && p.contains("Seconds") && p["Seconds"].is_number() ? p["Seconds"].get<double>() : 0;
  if (!(seconds > 0) || !std::isfinite(seconds)) {
    reply(std::move(outcome));
    return;
  }
  // Deadline from the task's start, so that a task resumed after a restart keeps it.
  const core::TimeMs origin = request.started_ms > 0 ? request.started_ms : scheduler_.clock().now_ms();
  const auto at = origin + static_cast<core::TimeMs>(std::llround(seconds * 1000));
  const auto id = request.task_id;
  std::lock_guard lock(mu_);
  timers_[id] = scheduler_.schedule_at(at, [this, id, reply, outcome]() mutable {
    {
      std::lock_guard l(mu_);
      timers_.erase(id);
    }
    reply(std::move(outcome));
  });
}

void EmulatorTaskIntegration::cancel(std::uint64_t task_id) {
  std::lock_guard lock(mu_);
  auto it = timers_.find(task_id);
  if (it == timers_.end()) return;
  scheduler_.cancel(it->second);
  timers_.erase(it);
}

}  // namespace scl::sfn
