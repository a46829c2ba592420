#include "engine/codebuild/batch_service.hpp"

#include <filesystem>

#include "batch_fixture.hpp"

using namespace batch_test;

namespace {
const char* kList = R"(version: 0.2
phases:
  build:
    commands: [make]
batch:
  build-list:
    - identifier: linux
      env:
        variables:
          TARGET: linux
    - identifier: arm
      env:
        compute-type: BUILD_GENERAL1_LARGE
        variables:
          TARGET: arm
)";

const char* kGraph = R"(version: 0.2
batch:
  build-graph:
    - identifier: first
    - identifier: second
      depend-on: [first]
    - identifier: third
      depend-on: [second]
)";
}  // namespace

// Why: the StartBuildBatch response shape recorded in start-build-batch.rst (F-042, F-049).
TEST_CASE("StartBuildBatch returns a SUBMITTED batch without phases") {
  Fixture f;
  f.create("p", kList);
  auto b = f.start_batch("p");
  CHECK(b["id"] == "p:00000000-0000-4000-8000-000000000001");
  CHECK(b["arn"] == "arn:aws:codebuild:us-east-1:123456789012:build-batch/p:00000000-0000-4000-8000-000000000001");
  CHECK(b["currentPhase"] == "SUBMITTED");
  CHECK(b["buildBatchStatus"] == "IN_PROGRESS");
  CHECK(b["complete"] == false);
  CHECK_FALSE(b.contains("phases"));
  CHECK_FALSE(b.contains("buildGroups"));
  CHECK(b["buildBatchNumber"] == 1);
  CHECK(b["buildTimeoutInMinutes"] == 60);
  CHECK(b["queuedTimeoutInMinutes"] == 480);
  CHECK(b["artifacts"] == json{{"location", ""}});
  CHECK(b["logConfig"]["cloudWatchLogs"]["status"] == "ENABLED");
  CHECK(b["buildBatchConfig"]["restrictions"]["maximumBuildsAllowed"] == 100);
  CHECK(b["buildBatchConfig"]["timeoutInMins"] == 480);
  CHECK(b["initiator"] == "AKIDTEST");
  CHECK_FALSE(b.contains("_artifacts"));
  CHECK(f.start_batch("p")["buildBatchNumber"] == 2);
}

// Why: a project without buildBatchConfig cannot run batches (InvalidInputException, clear text).
TEST_CASE("StartBuildBatch needs buildBatchConfig") {
  Fixture f;
  f.create("nobatch", kList, {{"buildBatchConfig", nullptr}});
  CHECK(f.error_of([&] { f.start_batch("nobatch"); }) ==
        "InvalidInputException: Batch builds are not enabled for project nobatch: set "
        "buildBatchConfig on the project or pass buildBatchConfigOverride");
  // An override enables it for one batch.
  CHECK(f.start_batch("nobatch", {{"buildBatchConfigOverride", {{"timeoutInMins", 30}}}})
            ["buildBatchConfig"]["timeoutInMins"] == 30);
  CHECK(f.error_of([&] { f.start_batch("missing"); }).rfind("ResourceNotFoundException", 0) == 0);
}

// Why: the fan-out of a build-list: real builds with buildBatchArn and per-child overrides.
TEST_CASE("build-list fans out real builds and the batch succeeds when they do") {
  Fixture f;
  f.create("p", kList);
  auto b = f.start_batch("p");
  f.advance(0.5);
  auto mid = f.batch(b["id"]);
  CHECK(phase_types(mid) == std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC"});
  CHECK(phase(mid, "SUBMITTED")["phaseStatus"] == "SUCCEEDED");
  CHECK_FALSE(phase(mid, "DOWNLOAD_BATCHSPEC").contains("phaseStatus"));
  CHECK(mid["currentPhase"] == "DOWNLOAD_BATCHSPEC");

  f.advance(0.5);  // DOWNLOAD_BATCHSPEC (1 s) ends: builds start
  auto running = f.batch(b["id"]);
  CHECK(running["currentPhase"] == "IN_PROGRESS");
  REQUIRE(running["buildGroups"].size() == 2);
  const json linux_group = group(running, "linux");
  CHECK(linux_group["dependsOn"] == json::array());
  CHECK(linux_group["ignoreFailure"] == false);
  CHECK(linux_group["currentBuildSummary"]["buildStatus"] == "IN_PROGRESS");
  CHECK_FALSE(linux_group["currentBuildSummary"].contains("primaryArtifact"));
  const json child = f.build(group_build(running, "arm"));
  CHECK(child["buildBatchArn"] == b["arn"]);
  CHECK(child["environment"]["computeType"] == "BUILD_GENERAL1_LARGE");
  bool has_target = false;
  for (const auto& v : child["environment"]["environmentVariables"])
    if (v["name"] == "TARGET" && v["value"] == "arm") has_target = true;
  CHECK(has_target);
  auto listed = f.builds->list_builds_for_project(f.caller, {{"projectName", "p"}})["ids"];
  CHECK(listed.size() == 2);

  f.advance(6);  // a default build takes 6 s
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "SUCCEEDED");
  CHECK(done["complete"] == true);
  CHECK(done["currentPhase"] == "SUCCEEDED");
  CHECK(phase_types(done) ==
        std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "SUCCEEDED"});
  CHECK(phase(done, "IN_PROGRESS")["durationInSeconds"] == 6);
  CHECK(phase(done, "SUCCEEDED").size() == 2);  // phaseType and startTime only
  CHECK(done["endTime"] == phase(done, "SUCCEEDED")["startTime"]);
  const json summary = group(done, "linux")["currentBuildSummary"];
  CHECK(summary["buildStatus"] == "SUCCEEDED");
  CHECK(summary["primaryArtifact"] == json{{"type", "no_artifacts"}, {"identifier", "linux"}});
  CHECK(summary["secondaryArtifacts"] == json::array());
}

// Why: build-graph order: a build starts only when its dependencies succeeded (PENDING before).
TEST_CASE("build-graph starts builds in dependency order") {
  Fixture f;
  f.create("p", kGraph);
  auto b = f.start_batch("p");
  f.advance(1);
  auto s1 = f.batch(b["id"]);
  CHECK(group(s1, "first")["currentBuildSummary"]["buildStatus"] == "IN_PROGRESS");
  CHECK(group(s1, "second")["currentBuildSummary"]["buildStatus"] == "PENDING");
  CHECK(group(s1, "second")["dependsOn"] == json::array({"first"}));
  // A pending build has a reserved ARN but is not a build yet.
  CHECK_FALSE(f.builds->get_build(f.caller.scope, group_build(s1, "second")).has_value());
  f.advance(6);
  auto s2 = f.batch(b["id"]);
  CHECK(group(s2, "first")["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
  CHECK(group(s2, "second")["currentBuildSummary"]["buildStatus"] == "IN_PROGRESS");
  CHECK(group(s2, "third")["currentBuildSummary"]["buildStatus"] == "PENDING");
  const json second = f.build(group_build(s2, "second"));
  CHECK(second["startTime"] == at(7));
  f.advance(12);
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "SUCCEEDED");
  CHECK(f.build(group_build(done, "third"))["startTime"] == at(13));
}

// Why: a failed dependency means its dependents never run (STOPPED) and the batch fails with
// IN_PROGRESS ending CLIENT_ERROR (retry-build-batch.rst); ignore-failure lets them run.
TEST_CASE("a failed dependency stops its dependents; ignore-failure does not") {
  Fixture f;
  f.create("p", R"(version: 0.2
batch:
  build-graph:
    - identifier: first
      env:
        variables:
          SIMULATE_STATUS: FAILED
    - identifier: second
      depend-on: [first]
)");
  auto b = f.start_batch("p");
  f.advance(30);
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "FAILED");
  CHECK(done["complete"] == true);
  CHECK(phase_types(done) ==
        std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "FAILED"});
  CHECK(phase(done, "IN_PROGRESS")["phaseStatus"] == "CLIENT_ERROR");
  CHECK(group(done, "first")["currentBuildSummary"]["buildStatus"] == "FAILED");
  CHECK(group(done, "second")["currentBuildSummary"]["buildStatus"] == "STOPPED");
  CHECK_FALSE(f.builds->get_build(f.caller.scope, group_build(done, "second")).has_value());

  f.create("q", R"(version: 0.2
batch:
  build-graph:
    - identifier: first
      ignore-failure: true
      env:
        variables:
          SIMULATE_STATUS: FAILED
    - identifier: second
      depend-on: [first]
)");
  auto ok = f.start_batch("q");
  f.advance(30);
  auto ok_done = f.batch(ok["id"]);
  CHECK(ok_done["buildBatchStatus"] == "SUCCEEDED");
  CHECK(group(ok_done, "first")["currentBuildSummary"]["buildStatus"] == "FAILED");
  CHECK(group(ok_done, "second")["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
}

// Why: a build-matrix cell can fail on its own through its dynamic SIMULATE_* values.
TEST_CASE("build-matrix cells get their own variables; one failing cell fails the batch") {
  Fixture f;
  f.create("p", R"(version: 0.2
batch:
  build-matrix:
    dynamic:
      env:
        variables:
          SIMULATE_STATUS: [SUCCEEDED, FAILED]
          PY: ["3.11", "3.12"]
)");
  auto b = f.start_batch("p");
  f.advance(30);
  auto done = f.batch(b["id"]);
  REQUIRE(done["buildGroups"].size() == 4);
  CHECK(group(done, "matrix_1")["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
  CHECK(group(done, "matrix_2")["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
  CHECK(group(done, "matrix_3")["currentBuildSummary"]["buildStatus"] == "FAILED");
  CHECK(group(done, "matrix_4")["currentBuildSummary"]["buildStatus"] == "FAILED");
  CHECK(done["buildBatchStatus"] == "FAILED");
}

// Why: fast-fail stops running builds; the stopped builds finalize, so DeleteBuildBatch first
// reports them BUILD_IN_PROGRESS and deletes them once finalized.
TEST_CASE("fast-fail stops the other builds; delete waits for finalization") {
  Fixture f;
  f.create("p", R"(version: 0.2
batch:
  fast-fail: true
  build-list:
    - identifier: quick
      env:
        variables:
          SIMULATE_STATUS: FAILED
    - identifier: slow
      env:
        variables:
          SIMULATE_PHASE_SECONDS: BUILD=600
)");
  auto b = f.start_batch("p");
  f.advance(7);  // quick fails at t0+7
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "FAILED");
  CHECK(done["complete"] == true);
  CHECK(done["endTime"] == at(7));
  const std::string slow = group_build(done, "slow");
  CHECK(group(done, "slow")["currentBuildSummary"]["buildStatus"] == "STOPPED");
  CHECK(f.build(slow)["buildStatus"] == "STOPPED");
  CHECK(f.build(slow)["buildComplete"] == false);

  auto del = f.batches->delete_build_batch(f.caller, {{"id", b["id"]}});
  CHECK(del["statusCode"] == "BATCH_NOT_DELETED");
  CHECK(del["buildsNotDeleted"] ==
        json::array({{{"id", "arn:aws:codebuild:us-east-1:123456789012:build/" + slow},
                      {"statusCode", "BUILD_IN_PROGRESS"}}}));
  CHECK(del["buildsDeleted"].size() == 1);
  f.advance(3);  // finalize delay
  auto del2 = f.batches->delete_build_batch(f.caller, {{"id", b["arn"]}});
  CHECK(del2["statusCode"] == "BATCH_DELETED");
  CHECK(del2["buildsDeleted"] ==
        json::array({"arn:aws:codebuild:us-east-1:123456789012:build/" + slow}));
  CHECK(del2["buildsNotDeleted"] == json::array());
  CHECK(f.batches->batch_get_build_batches(f.caller, {{"ids", {b["id"]}}})["buildBatchesNotFound"] ==
        json::array({b["id"]}));
  CHECK_FALSE(f.builds->get_build(f.caller.scope, slow).has_value());
}

// Why: stop-build-batch.rst (F-044): IN_PROGRESS(STOPPED), STOPPED, complete at once.
TEST_CASE("StopBuildBatch completes the batch at once and stops its builds") {
  Fixture f;
  f.create("p", kGraph);
  auto b = f.start_batch("p");
  f.advance(3);
  auto stopped = f.batches->stop_build_batch(f.caller, {{"id", b["id"]}})["buildBatch"];
  CHECK(stopped["buildBatchStatus"] == "STOPPED");
  CHECK(stopped["currentPhase"] == "STOPPED");
  CHECK(stopped["complete"] == true);
  CHECK(phase(stopped, "IN_PROGRESS")["phaseStatus"] == "STOPPED");
  CHECK(phase(stopped, "STOPPED").size() == 2);
  CHECK(group(stopped, "first")["currentBuildSummary"]["buildStatus"] == "STOPPED");
  CHECK(group(stopped, "third")["currentBuildSummary"]["buildStatus"] == "STOPPED");
  CHECK(f.build(group_build(stopped, "first"))["buildStatus"] == "STOPPED");
  // A second stop changes nothing; deleting a running batch is refused.
  f.advance(1);
  CHECK(f.batches->stop_build_batch(f.caller, {{"id", b["id"]}})["buildBatch"] == f.batch(b["id"]));
  auto other = f.start_batch("p");
  CHECK(f.error_of([&] { f.batches->delete_build_batch(f.caller, {{"id", other["id"]}}); })
            .rfind("InvalidInputException: Build batch", 0) == 0);
  CHECK(f.error_of([&] { f.batches->stop_build_batch(f.caller, {{"id", "p:nope"}}); }) ==
        "ResourceNotFoundException: Build batch not found: p:nope");
}

// Why: RetryBuildBatch keeps the id, accumulates phases (CLIENT_ERROR, RETRY), and with
// RETRY_FAILED_BUILDS re-runs only the failed builds, keeping the prior attempt's summary.
TEST_CASE("RetryBuildBatch re-runs failed builds of a failed batch") {
  Fixture f;
  f.create("p", R"(version: 0.2
batch:
  build-list:
    - identifier: good
    - identifier: flaky
      env:
        variables:
          SIMULATE_STATUS: FAILED
          SIMULATE_RETRY_STATUS: SUCCEEDED
)");
  auto b = f.start_batch("p");
  CHECK(f.error_of([&] { f.batches->retry_build_batch(f.caller, {{"id", b["id"]}}); })
            .rfind("InvalidInputException: Only batch builds that have failed can be retried", 0) == 0);
  f.advance(10);
  auto failed = f.batch(b["id"]);
  REQUIRE(failed["buildBatchStatus"] == "FAILED");
  const std::string good_build = group_build(failed, "good");
  const std::string flaky_build = group_build(failed, "flaky");

  auto r = f.batches->retry_build_batch(
      f.caller, {{"id", b["id"]}, {"retryType", "RETRY_FAILED_BUILDS"}})["buildBatch"];
  CHECK(r["id"] == b["id"]);
  CHECK(r["currentPhase"] == "SUBMITTED");
  CHECK(r["buildBatchStatus"] == "IN_PROGRESS");
  CHECK(r["complete"] == false);
  CHECK(phase_types(r) == std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS",
                                                   "FAILED", "SUBMITTED"});
  CHECK(r["phases"][2]["phaseStatus"] == "CLIENT_ERROR");
  CHECK(r["phases"][3]["phaseStatus"] == "RETRY");
  CHECK(r["phases"][3]["endTime"] == at(10));
  CHECK(r["phases"][4].size() == 2);  // open SUBMITTED

  f.advance(10);
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "SUCCEEDED");
  CHECK(phase_types(done) ==
        std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "FAILED",
                                 "SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS", "SUCCEEDED"});
  CHECK(group_build(done, "good") == good_build);  // not re-run
  CHECK_FALSE(group(done, "good").contains("priorBuildSummaryList"));
  const json flaky = group(done, "flaky");
  CHECK(group_build(done, "flaky") != flaky_build);
  CHECK(flaky["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
  REQUIRE(flaky["priorBuildSummaryList"].size() == 1);
  CHECK(flaky["priorBuildSummaryList"][0]["buildStatus"] == "FAILED");
  CHECK(flaky["priorBuildSummaryList"][0]["arn"] ==
        "arn:aws:codebuild:us-east-1:123456789012:build/" + flaky_build);
  // Deleting the batch deletes every attempt.
  CHECK(f.batches->delete_build_batch(f.caller, {{"id", b["id"]}})["buildsDeleted"].size() == 3);
}

// Why: buildBatchConfig limits fail the batch in DOWNLOAD_BATCHSPEC; a bad batch section too.
TEST_CASE("maximumBuildsAllowed and batchspec errors fail DOWNLOAD_BATCHSPEC") {
  Fixture f;
  f.create("p", kGraph,
           {{"buildBatchConfig", {{"restrictions", {{"maximumBuildsAllowed", 2}}}}}});
  auto b = f.start_batch("p");
  f.advance(1);
  auto done = f.batch(b["id"]);
  CHECK(done["buildBatchStatus"] == "FAILED");
  CHECK(done["complete"] == true);
  CHECK(phase_types(done) == std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "FAILED"});
  const json dl = phase(done, "DOWNLOAD_BATCHSPEC");
  CHECK(dl["phaseStatus"] == "FAILED");
  CHECK(dl["contexts"][0]["statusCode"] == "CLIENT_ERROR");
  CHECK(dl["contexts"][0]["message"] ==
        "The batch defines 3 builds, more than the maximum number of builds allowed (2)");

  f.create("nobatch", "version: 0.2\n");
  auto nb = f.start_batch("nobatch");
  f.create("file", "buildspec.yml");
  auto fb = f.start_batch("file");
  f.advance(1);
  CHECK(phase(f.batch(nb["id"]), "DOWNLOAD_BATCHSPEC")["contexts"][0] ==
        json{{"statusCode", "YAML_FILE_ERROR"}, {"message", "the buildspec has no batch section"}});
  CHECK(phase(f.batch(fb["id"]), "DOWNLOAD_BATCHSPEC")["contexts"][0]["message"]
            .get<std::string>()
            .find("cannot read the buildspec file 'buildspec.yml'") != std::string::npos);
}

// Why: timeoutInMins bounds the whole batch; combineArtifacts adds COMBINE_ARTIFACTS.
TEST_CASE("batch timeout and COMBINE_ARTIFACTS") {
  Fixture f;
  f.create("slow", "version: 0.2\nenv:\n  variables:\n    SIMULATE_PHASE_SECONDS: BUILD=7200\n"
                   "batch:\n  build-list:\n    - identifier: one\n",
           {{"buildBatchConfig", {{"timeoutInMins", 10}}}});
  auto b = f.start_batch("slow");
  f.advance(600);
  auto timed_out = f.batch(b["id"]);
  CHECK(timed_out["buildBatchStatus"] == "TIMED_OUT");
  CHECK(phase(timed_out, "IN_PROGRESS")["phaseStatus"] == "TIMED_OUT");
  CHECK(timed_out["currentPhase"] == "FAILED");
  CHECK(f.build(group_build(timed_out, "one"))["buildStatus"] == "STOPPED");

  f.create("combine", "version: 0.2\nbatch:\n  build-list:\n    - identifier: one\n",
           {{"buildBatchConfig", {{"combineArtifacts", true}}}});
  auto c = f.start_batch("combine", {{"environmentVariablesOverride",
                                       env({{"SIMULATE_BATCH_PHASE_SECONDS", "COMBINE_ARTIFACTS=4"}})}});
  f.advance(7);
  CHECK(f.batch(c["id"])["currentPhase"] == "COMBINE_ARTIFACTS");
  f.advance(4);
  auto combined = f.batch(c["id"]);
  CHECK(phase_types(combined) == std::vector<std::string>{"SUBMITTED", "DOWNLOAD_BATCHSPEC", "IN_PROGRESS",
                                                          "COMBINE_ARTIFACTS", "SUCCEEDED"});
  CHECK(phase(combined, "COMBINE_ARTIFACTS")["durationInSeconds"] == 4);
  CHECK(f.error_of([&] {
          f.start_batch("combine", {{"environmentVariablesOverride",
                                      env({{"SIMULATE_BATCH_PHASE_SECONDS", "FOO=1"}})}});
        }).rfind("InvalidInputException: Invalid SIMULATE_BATCH_PHASE_SECONDS", 0) == 0);
}

// Why: the Step Functions integration waits on batches with on_batch_complete, exactly once.
TEST_CASE("on_batch_complete fires once with the final batch") {
  Fixture f;
  f.create("p", kList);
  auto b = f.start_batch("p");
  int calls = 0;
  json seen;
  CHECK(f.batches->on_batch_complete(f.caller.scope, b["arn"], [&](const json& doc) {
    ++calls;
    seen = doc;
  }));
  f.advance(3);
  CHECK(calls == 0);
  f.advance(30);
  CHECK(calls == 1);
  CHECK(seen["buildBatchStatus"] == "SUCCEEDED");
  CHECK(seen == f.batch(b["id"]));
  int late = 0;
  CHECK(f.batches->on_batch_complete(f.caller.scope, b["id"], [&](const json&) { ++late; }));
  CHECK(late == 1);
  CHECK_FALSE(f.batches->on_batch_complete(f.caller.scope, "p:unknown", [](const json&) {}));
}

// Why: ListBuildBatches(ForProject) filter, sort and paginate (maxResults, nextToken).
TEST_CASE("ListBuildBatches and ListBuildBatchesForProject") {
  Fixture f;
  f.create("p", kList);
  f.create("q", kList);
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(f.start_batch("p")["id"]);
  const std::string stopped = f.start_batch("q")["id"];
  f.batches->stop_build_batch(f.caller, {{"id", stopped}});
  auto all = f.batches->list_build_batches(f.caller, json::object());
  CHECK(all["ids"] == json::array({stopped, ids[2], ids[1], ids[0]}));
  auto page1 = f.batches->list_build_batches(f.caller, {{"maxResults", 2}, {"sortOrder", "ASCENDING"}});
  CHECK(page1["ids"] == json::array({ids[0], ids[1]}));
  auto page2 = f.batches->list_build_batches(
      f.caller, {{"maxResults", 2}, {"sortOrder", "ASCENDING"}, {"nextToken", page1["nextToken"]}});
  CHECK(page2["ids"] == json::array({ids[2], stopped}));
  CHECK_FALSE(page2.contains("nextToken"));
  CHECK(f.batches->list_build_batches(f.caller, {{"filter", {{"status", "STOPPED"}}}})["ids"] ==
        json::array({stopped}));
  CHECK(f.batches->list_build_batches_for_project(f.caller, {{"projectName", "p"}})["ids"] ==
        json::array({ids[2], ids[1], ids[0]}));
  CHECK(f.error_of([&] { f.batches->list_build_batches_for_project(f.caller, {{"projectName", "zz"}}); })
            .rfind("ResourceNotFoundException", 0) == 0);
  CHECK(f.error_of([&] { f.batches->list_build_batches(f.caller, {{"nextToken", "bogus"}}); }) ==
        "InvalidInputException: Invalid nextToken: bogus");
}

// Why: batch state lives in SQLite; a restart resumes timers and build subscriptions.
TEST_CASE("a batch resumes after a restart") {
  const auto path = (std::filesystem::temp_directory_path() / "scl_batch_restart_test.db").string();
  std::filesystem::remove(path);
  std::string id;
  scl::core::TimeMs stopped_at = 0;
  {
    Fixture f(path);
    f.create("p", kGraph);
    id = f.start_batch("p")["id"];
    f.advance(4);  // "first" is running
    stopped_at = f.clock.now_ms();
  }
  {
    Fixture f(path, stopped_at);
    CHECK(f.builds->recover() == 1);
    CHECK(f.batches->recover() == 1);
    f.advance(60);
    auto done = f.batch(id);
    CHECK(done["buildBatchStatus"] == "SUCCEEDED");
    CHECK(group(done, "third")["currentBuildSummary"]["buildStatus"] == "SUCCEEDED");
    CHECK(f.build(group_build(done, "third"))["startTime"] == at(13));
  }
  {
    // Restarting before DOWNLOAD_BATCHSPEC ended re-arms that timer.
    Fixture f(path, kT0 + 100'000);
    f.create("r", kList);
    id = f.start_batch("r")["id"];
  }
  {
    Fixture f(path, kT0 + 100'000);
    f.builds->recover();
    f.batches->recover();
    f.advance(10);
    CHECK(f.batch(id)["buildBatchStatus"] == "SUCCEEDED");
  }
  std::filesystem::remove(path);
}
