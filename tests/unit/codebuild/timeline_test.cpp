#include "engine/codebuild/timeline.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace scl::codebuild;

namespace {
BuildPlan plan_with(std::initializer_list<std::pair<Phase, TimeMs>> d) {
  BuildPlan p;
  p.start_ms = 1'000'000;
  for (auto ph : kTimedPhases) p.duration_ms[static_cast<std::size_t>(ph)] = 1'000;
  for (auto [ph, ms] : d) p.duration_ms[static_cast<std::size_t>(ph)] = ms;
  return p;
}
std::vector<std::string> types(const BuildView& v) {
  std::vector<std::string> out;
  for (const auto& p : v.phases) out.emplace_back(to_wire(p.type));
  return out;
}
std::string status_of(const BuildView& v, Phase ph) {
  for (const auto& p : v.phases)
    if (p.type == ph) return p.status ? std::string(to_wire(*p.status)) : "open";
  return "absent";
}
const std::vector<std::string> kAll = {"SUBMITTED", "QUEUED",     "PROVISIONING",     "DOWNLOAD_SOURCE",
                                       "INSTALL",   "PRE_BUILD",  "BUILD",            "POST_BUILD",
                                       "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED"};
}  // namespace

// Why: the success path is what every user sees first; phases must be contiguous and complete.
TEST_CASE("a successful build walks every phase with contiguous times") {
  auto plan = plan_with({});
  auto end = completion_time(plan, std::nullopt);
  CHECK(end == plan.start_ms + 9'000);
  auto v = evaluate(plan, std::nullopt, end);
  CHECK(types(v) == kAll);
  CHECK(v.complete);
  CHECK(v.status == Status::kSucceeded);
  CHECK(v.current == Phase::kCompleted);
  CHECK(v.end_ms == end);
  for (std::size_t i = 1; i < v.phases.size(); ++i) {
    REQUIRE(v.phases[i - 1].end_ms.has_value());
    CHECK(v.phases[i].start_ms == *v.phases[i - 1].end_ms);
  }
  CHECK_FALSE(v.phases[0].has_contexts);  // SUBMITTED
  CHECK_FALSE(v.phases[1].has_contexts);  // QUEUED
  CHECK(v.phases[2].has_contexts);        // PROVISIONING
  CHECK_FALSE(v.phases.back().end_ms.has_value());  // COMPLETED: start only
  CHECK_FALSE(v.phases.back().status.has_value());
}

// Why: mid-build reads show the running phase with startTime only and IN_PROGRESS (F-027).
TEST_CASE("a running build shows the open phase without status") {
  auto plan = plan_with({{Phase::kBuild, 10'000}});
  auto v = evaluate(plan, std::nullopt, plan.start_ms + 6'500);  // inside BUILD
  CHECK(v.current == Phase::kBuild);
  CHECK(v.status == Status::kInProgress);
  CHECK_FALSE(v.complete);
  CHECK(v.phases.back().type == Phase::kBuild);
  CHECK_FALSE(v.phases.back().status.has_value());
  CHECK_FALSE(v.phases.back().end_ms.has_value());
  CHECK_FALSE(v.end_ms.has_value());
}

// Why: the StartBuild response is always SUBMITTED(SUCCEEDED) + QUEUED(open), even with
// zero-length phases.
TEST_CASE("initial view is SUBMITTED then open QUEUED") {
  auto plan = plan_with({{Phase::kQueued, 0}});
  auto v = initial_view(plan);
  CHECK(types(v) == std::vector<std::string>{"SUBMITTED", "QUEUED"});
  CHECK(v.current == Phase::kQueued);
  CHECK(status_of(v, Phase::kSubmitted) == "SUCCEEDED");
  CHECK(status_of(v, Phase::kQueued) == "open");
}

// Why: zero-length phases are legal and complete at the same instant (AWS shows 0 s phases).
TEST_CASE("zero-length phases complete immediately") {
  auto plan = plan_with({});
  for (auto ph : kTimedPhases) plan.duration_ms[static_cast<std::size_t>(ph)] = 0;
  auto v = evaluate(plan, std::nullopt, plan.start_ms);
  CHECK(v.complete);
  CHECK(types(v) == kAll);
}

// Why: a BUILD failure still runs POST_BUILD and UPLOAD_ARTIFACTS (reference 2.4, F-058).
TEST_CASE("BUILD failure continues to POST_BUILD and UPLOAD_ARTIFACTS") {
  auto plan = plan_with({});
  plan.outcome = Status::kFailed;
  plan.failed_phase = Phase::kBuild;
  auto v = evaluate(plan, std::nullopt, completion_time(plan, std::nullopt));
  CHECK(types(v) == kAll);
  CHECK(status_of(v, Phase::kBuild) == "FAILED");
  CHECK(status_of(v, Phase::kPostBuild) == "SUCCEEDED");
  CHECK(v.status == Status::kFailed);
  const auto& build = v.phases[6];
  REQUIRE(build.contexts.size() == 1);
  CHECK(build.contexts[0].status_code == "COMMAND_EXECUTION_ERROR");
  CHECK(build.contexts[0].message == "Error while executing command: exit 1. Reason: exit status 1");
}

// Why: INSTALL / PRE_BUILD failures skip to FINALIZING (reference 2.4).
TEST_CASE("INSTALL failure jumps to FINALIZING") {
  auto plan = plan_with({});
  plan.outcome = Status::kFailed;
  plan.failed_phase = Phase::kInstall;
  auto v = evaluate(plan, std::nullopt, completion_time(plan, std::nullopt));
  CHECK(types(v) == std::vector<std::string>{"SUBMITTED", "QUEUED", "PROVISIONING",
                                             "DOWNLOAD_SOURCE", "INSTALL", "FINALIZING",
                                             "COMPLETED"});
  CHECK(status_of(v, Phase::kInstall) == "FAILED");
  CHECK(v.status == Status::kFailed);
  CHECK(v.end_ms == plan.start_ms + 5'000);
}

// Why: while a failed build is still finishing it reports IN_PROGRESS, not FAILED.
TEST_CASE("a failed build is IN_PROGRESS until it completes") {
  auto plan = plan_with({});
  plan.outcome = Status::kFailed;
  plan.failed_phase = Phase::kBuild;
  auto v = evaluate(plan, std::nullopt, plan.start_ms + 6'500);  // in POST_BUILD
  CHECK(v.current == Phase::kPostBuild);
  CHECK(v.status == Status::kInProgress);
}

// Why: FAULT marks the phase FAULT and the build FAULT.
TEST_CASE("FAULT outcome") {
  auto plan = plan_with({});
  plan.outcome = Status::kFault;
  plan.failed_phase = Phase::kProvisioning;
  auto v = evaluate(plan, std::nullopt, completion_time(plan, std::nullopt));
  CHECK(status_of(v, Phase::kProvisioning) == "FAULT");
  CHECK(v.status == Status::kFault);
  CHECK(status_of(v, Phase::kDownloadSource) == "absent");
}

// Why: TIMED_OUT happens when timeoutInMinutes elapses, counted from PROVISIONING.
TEST_CASE("build timeout cuts the hanging phase at the deadline") {
  auto plan = plan_with({});
  plan.outcome = Status::kTimedOut;
  plan.failed_phase = Phase::kBuild;
  plan.timeout_ms = 5 * 60'000;
  const TimeMs queue_end = plan.start_ms + 1'000;
  auto end = completion_time(plan, std::nullopt);
  CHECK(end == queue_end + 5 * 60'000 + 1'000);  // deadline + FINALIZING
  auto v = evaluate(plan, std::nullopt, end);
  CHECK(status_of(v, Phase::kBuild) == "TIMED_OUT");
  CHECK(v.status == Status::kTimedOut);
  CHECK(v.phases[6].end_ms == queue_end + 5 * 60'000);
  CHECK(v.phases[6].contexts[0].status_code == "BUILD_TIMED_OUT");
  CHECK(status_of(v, Phase::kPostBuild) == "absent");
  // Before the deadline it is just running.
  auto mid = evaluate(plan, std::nullopt, queue_end + 60'000);
  CHECK(mid.current == Phase::kBuild);
  CHECK(mid.status == Status::kInProgress);
}

// Why: long phases also time out without SIMULATE_STATUS=TIMED_OUT.
TEST_CASE("a phase longer than the timeout times out") {
  auto plan = plan_with({{Phase::kBuild, 10 * 60'000}});
  plan.timeout_ms = 5 * 60'000;
  auto v = evaluate(plan, std::nullopt, completion_time(plan, std::nullopt));
  CHECK(v.status == Status::kTimedOut);
}

// Why: queued longer than queuedTimeoutInMinutes → QUEUED TIMED_OUT, build TIMED_OUT.
TEST_CASE("queued timeout") {
  auto plan = plan_with({{Phase::kQueued, 10 * 60'000}});
  plan.queued_timeout_ms = 5 * 60'000;
  auto end = completion_time(plan, std::nullopt);
  CHECK(end == plan.start_ms + 5 * 60'000);
  auto v = evaluate(plan, std::nullopt, end);
  CHECK(types(v) == std::vector<std::string>{"SUBMITTED", "QUEUED", "COMPLETED"});
  CHECK(status_of(v, Phase::kQueued) == "TIMED_OUT");
  CHECK(v.status == Status::kTimedOut);
}

// Why: StopBuild → STOPPED at once, FINALIZING for the finalize delay, then COMPLETED (2.6).
TEST_CASE("stop during BUILD finalizes for the configured delay") {
  auto plan = plan_with({{Phase::kBuild, 60'000}});
  plan.stop_finalize_ms = 4'000;
  const TimeMs stop = plan.start_ms + 10'000;  // inside BUILD
  auto end = completion_time(plan, stop);
  CHECK(end == stop + 4'000);
  auto during = evaluate(plan, stop, stop + 1'000);
  CHECK(during.status == Status::kStopped);
  CHECK_FALSE(during.complete);
  CHECK(during.current == Phase::kFinalizing);
  CHECK(status_of(during, Phase::kBuild) == "STOPPED");
  auto after = evaluate(plan, stop, end);
  CHECK(after.complete);
  CHECK(after.status == Status::kStopped);
  CHECK(types(after) == std::vector<std::string>{"SUBMITTED", "QUEUED", "PROVISIONING",
                                                 "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD",
                                                 "BUILD", "FINALIZING", "COMPLETED"});
  CHECK(after.phases[6].end_ms == stop);
}

// Why: a stop after completion changes nothing.
TEST_CASE("stop after completion is ignored") {
  auto plan = plan_with({});
  auto end = completion_time(plan, std::nullopt);
  CHECK(completion_time(plan, end + 5) == end);
  CHECK(evaluate(plan, end + 5, end + 10).status == Status::kSucceeded);
}

// Why: a stop while FINALIZING keeps one FINALIZING phase, at least the finalize delay long.
TEST_CASE("stop during FINALIZING extends it") {
  auto plan = plan_with({});
  plan.stop_finalize_ms = 3'000;
  const TimeMs fin_start = plan.start_ms + 8'000;
  auto end = completion_time(plan, fin_start + 500);
  CHECK(end == fin_start + 3'500);
  auto v = evaluate(plan, fin_start + 500, end);
  int finalizing = 0;
  for (const auto& p : v.phases) finalizing += p.type == Phase::kFinalizing;
  CHECK(finalizing == 1);
  CHECK(v.status == Status::kStopped);
}

// Why: durationInSeconds is whole seconds, rounded down, as in AWS's examples.
TEST_CASE("duration seconds floor") {
  CHECK(duration_seconds(1479832342230, 1479832415064) == 72);
  CHECK(duration_seconds(5, 5) == 0);
}
