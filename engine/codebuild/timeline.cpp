#include "engine/codebuild/timeline.hpp"

#include <algorithm>

namespace scl::codebuild {
namespace {

struct Segment {
  Phase type;
  TimeMs start;
  TimeMs end;
  Status status;
  bool has_contexts;
  std::vector<PhaseContext> contexts;
};

struct Natural {
  std::vector<Segment> segments;
  TimeMs completes = 0;
  Status final_status = Status::kSucceeded;
};

std::size_t idx(Phase p) { return static_cast<std::size_t>(p); }

std::vector<PhaseContext> ok_contexts() { return {PhaseContext{"", ""}}; }

// Phase contexts of a failed/faulted phase. Command phases use the message CodeBuild writes for
// a failing command (reference 2.4); the others are NOTE(emulator) texts naming the simulation.
std::vector<PhaseContext> failure_contexts(const BuildPlan& plan, Phase p) {
  if (plan.failure_context) return {*plan.failure_context};
  if (plan.outcome == Status::kFault) {
    return {{"INTERNAL_SERVICE_ERROR",
             "Simulated internal service error in " + std::string(to_wire(p)) +
                 " (SIMULATE_STATUS=FAULT)"}};
  }
  switch (p) {
    case Phase::kInstall:
    case Phase::kPreBuild:
    case Phase::kBuild:
    case Phase::kPostBuild:
      return {{"COMMAND_EXECUTION_ERROR", "Error while executing command: " +
                                              plan.failed_command + ". Reason: exit status 1"}};
    case Phase::kUploadArtifacts:
      return {{"CLIENT_ERROR", "no matching artifact paths found"}};
    case Phase::kProvisioning:
      return {{"BUILD_CONTAINER_UNABLE_TO_PULL_IMAGE",
               "Unable to pull customer's container image (SIMULATE_STATUS=FAILED)"}};
    default:
      return {{"CLIENT_ERROR",
               "Simulated failure in " + std::string(to_wire(p)) + " (SIMULATE_STATUS=FAILED)"}};
  }
}

// Where a build goes after a failed phase: BUILD failures still run POST_BUILD and
// UPLOAD_ARTIFACTS ("always attempted"), POST_BUILD failures still upload, everything else
// jumps to FINALIZING (reference 2.4).
Phase after_failure(Phase p) {
  switch (p) {
    case Phase::kBuild:
      return Phase::kPostBuild;
    case Phase::kPostBuild:
      return Phase::kUploadArtifacts;
    default:
      return Phase::kFinalizing;
  }
}

Phase next(Phase p) { return static_cast<Phase>(idx(p) + 1); }

Natural natural_timeline(const BuildPlan& plan) {
  Natural n;
  TimeMs t = plan.start_ms;
  n.segments.push_back({Phase::kSubmitted, t, t, Status::kSucceeded, false, {}});

  const bool hang = plan.outcome == Status::kTimedOut;
  TimeMs queued = plan.duration_ms[idx(Phase::kQueued)];
  if (hang && plan.failed_phase == Phase::kQueued) queued = kForever;
  if (queued > plan.queued_timeout_ms) {
    // queuedTimeoutInMinutes elapsed before a container was assigned.
    n.segments.push_back({Phase::kQueued, t, t + plan.queued_timeout_ms, Status::kTimedOut, false,
                          {}});
    n.completes = t + plan.queued_timeout_ms;
    n.final_status = Status::kTimedOut;
    return n;
  }
  n.segments.push_back({Phase::kQueued, t, t + queued, Status::kSucceeded, false, {}});
  t += queued;

  const TimeMs deadline = t + plan.timeout_ms;
  Phase p = Phase::kProvisioning;
  while (p != Phase::kFinalizing) {
    const bool fails_here = plan.failed_phase == p;
    TimeMs dur = (hang && fails_here) ? kForever : plan.duration_ms[idx(p)];
    if (t + dur > deadline) {
      n.segments.push_back({p, t, deadline, Status::kTimedOut, true,
                            {{"BUILD_TIMED_OUT", "Build has timed out. "}}});
      n.final_status = Status::kTimedOut;
      t = deadline;
      break;
    }
    if (fails_here && (plan.outcome == Status::kFailed || plan.outcome == Status::kFault)) {
      n.segments.push_back({p, t, t + dur, plan.outcome, true, failure_contexts(plan, p)});
      n.final_status = plan.outcome;
      t += dur;
      p = after_failure(p);
      continue;
    }
    n.segments.push_back({p, t, t + dur, Status::kSucceeded, true, ok_contexts()});
    t += dur;
    p = next(p);
  }

  const TimeMs fin = plan.duration_ms[idx(Phase::kFinalizing)];
  const bool fin_fails = plan.failed_phase == Phase::kFinalizing &&
                         (plan.outcome == Status::kFailed || plan.outcome == Status::kFault) &&
                         n.final_status == Status::kSucceeded;
  if (fin_fails) {
    n.segments.push_back({Phase::kFinalizing, t, t + fin, plan.outcome, true,
                          failure_contexts(plan, Phase::kFinalizing)});
    n.final_status = plan.outcome;
  } else {
    n.segments.push_back({Phase::kFinalizing, t, t + fin, Status::kSucceeded, true, ok_contexts()});
  }
  n.completes = t + fin;
  return n;
}

// StopBuild (reference 2.6): the running phase ends STOPPED at the stop time, FINALIZING runs for
// the finalize delay, then COMPLETED. A stop during FINALIZING lets it run at least that long.
Natural apply_stop(Natural n, const BuildPlan& plan, TimeMs stop) {
  if (stop >= n.completes) return n;
  auto it = std::find_if(n.segments.begin(), n.segments.end(),
                         [&](const Segment& s) { return s.end > stop; });
  if (it == n.segments.end()) return n;
  n.final_status = Status::kStopped;
  if (it->type == Phase::kFinalizing) {
    it->end = std::max(it->end, stop + plan.stop_finalize_ms);
    n.completes = it->end;
    n.segments.erase(it + 1, n.segments.end());
    return n;
  }
  it->end = stop;
  it->status = Status::kStopped;
  if (it->has_contexts) it->contexts = ok_contexts();
  n.segments.erase(it + 1, n.segments.end());
  n.segments.push_back({Phase::kFinalizing, stop, stop + plan.stop_finalize_ms, Status::kSucceeded,
                        true, ok_contexts()});
  n.completes = stop + plan.stop_finalize_ms;
  return n;
}

Natural timeline(const BuildPlan& plan, std::optional<TimeMs> stop_ms) {
  Natural n = natural_timeline(plan);
  if (stop_ms) n = apply_stop(std::move(n), plan, *stop_ms);
  return n;
}

PhaseRecord finished(const Segment& s) {
  return PhaseRecord{s.type, s.start, s.end, s.status, s.has_contexts, s.contexts};
}

}  // namespace

BuildView evaluate(const BuildPlan& plan, std::optional<TimeMs> stop_ms, TimeMs now) {
  const Natural n = timeline(plan, stop_ms);
  BuildView v;
  for (const auto& s : n.segments) {
    if (s.start > now) break;
    if (s.type == Phase::kDownloadSource) v.container_started = true;
    if (s.end <= now) {
      v.phases.push_back(finished(s));
      v.current = s.type;
      continue;
    }
    v.phases.push_back(PhaseRecord{s.type, s.start, std::nullopt, std::nullopt, false, {}});
    v.current = s.type;
    break;
  }
  if (n.completes <= now) {
    v.phases.push_back(PhaseRecord{Phase::kCompleted, n.completes, std::nullopt, std::nullopt,
                                   false, {}});
    v.current = Phase::kCompleted;
    v.complete = true;
    v.end_ms = n.completes;
    v.status = n.final_status;
  } else {
    v.status = (stop_ms && *stop_ms <= now) ? Status::kStopped : Status::kInProgress;
  }
  return v;
}

BuildView initial_view(const BuildPlan& plan) {
  BuildView v;
  v.phases.push_back(PhaseRecord{Phase::kSubmitted, plan.start_ms, plan.start_ms,
                                 Status::kSucceeded, false, {}});
  v.phases.push_back(PhaseRecord{Phase::kQueued, plan.start_ms, std::nullopt, std::nullopt, false,
                                 {}});
  v.current = Phase::kQueued;
  v.status = Status::kInProgress;
  return v;
}

TimeMs completion_time(const BuildPlan& plan, std::optional<TimeMs> stop_ms) {
  return timeline(plan, stop_ms).completes;
}

std::int64_t duration_seconds(TimeMs start, TimeMs end) {
  return end > start ? (end - start) / 1000 : 0;
}

}  // namespace scl::codebuild
