#pragma once
// The build timeline as a pure function of a plan, an optional stop time and "now". Nothing is
// written while a build runs: the phase list shown at any moment is computed from the stored
// start time and plan, so a restart resumes every build exactly (reference 2.4, 2.6).

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "engine/codebuild/phases.hpp"
#include "engine/core/clock.hpp"

namespace scl::codebuild {

using core::TimeMs;
inline constexpr TimeMs kForever = INT64_MAX / 4;

struct PhaseContext {
  std::string status_code;
  std::string message;
};

/// Everything that decides how a build unfolds. Fixed at StartBuild.
struct BuildPlan {
  TimeMs start_ms = 0;
  /// Durations of QUEUED .. FINALIZING, indexed by Phase (SUBMITTED/COMPLETED unused).
  std::array<TimeMs, kPhaseCount> duration_ms{};
  Status outcome = Status::kSucceeded;  // SUCCEEDED, FAILED, FAULT or TIMED_OUT
  Phase failed_phase = Phase::kBuild;   // where FAILED/FAULT/TIMED_OUT happens
  std::string failed_command = "exit 1";
  TimeMs timeout_ms = 60 * 60'000;            // timeoutInMinutes, counted from PROVISIONING
  TimeMs queued_timeout_ms = 480 * 60'000;    // queuedTimeoutInMinutes
  TimeMs stop_finalize_ms = 3'000;            // FINALIZING after StopBuild
  /// Context of the failed phase when it is not the simulated default (e.g. YAML_FILE_ERROR
  /// in DOWNLOAD_SOURCE for a malformed buildspec).
  std::optional<PhaseContext> failure_context;
};

struct PhaseRecord {
  Phase type = Phase::kSubmitted;
  TimeMs start_ms = 0;
  std::optional<TimeMs> end_ms;      // absent while the phase is in progress, and on COMPLETED
  std::optional<Status> status;      // absent while in progress, and on COMPLETED
  bool has_contexts = false;         // PROVISIONING .. FINALIZING once finished
  std::vector<PhaseContext> contexts;
};

struct BuildView {
  std::vector<PhaseRecord> phases;
  Phase current = Phase::kSubmitted;
  Status status = Status::kInProgress;
  bool complete = false;
  std::optional<TimeMs> end_ms;
  /// True once DOWNLOAD_SOURCE has started (log stream exists, source resolved).
  bool container_started = false;
};

/// The build as seen at `now`. `stop_ms`, if set, is when StopBuild was accepted.
BuildView evaluate(const BuildPlan& plan, std::optional<TimeMs> stop_ms, TimeMs now);
/// The StartBuild/RetryBuild response view: SUBMITTED succeeded, QUEUED open (reference F-027).
BuildView initial_view(const BuildPlan& plan);
/// When COMPLETED starts (the build becomes complete and deletable).
TimeMs completion_time(const BuildPlan& plan, std::optional<TimeMs> stop_ms);

/// Whole seconds between two times, as CodeBuild reports durationInSeconds.
std::int64_t duration_seconds(TimeMs start, TimeMs end);

}  // namespace scl::codebuild
