#include "engine/integrations/codebuild_integration.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "engine/codebuild/service.hpp"
#include "engine/core/aws_error.hpp"
#include "engine/sfn/service.hpp"
#include "server/api/codebuild_api.hpp"
#include "store/migrations.hpp"

using namespace scl;
using json = nlohmann::json;

namespace {
constexpr core::TimeMs kT0 = 1'750'000'000'000;
const core::Scope kScope{"123456789012", "us-east-1"};

// The composition of main.cpp, in-process: CodeBuild + Step Functions + the integration, over
// one database and one manual clock.
struct World {
  explicit World(const std::string& path = ":memory:", core::TimeMs start = kT0)
      : db(path), clock(start), scheduler(clock) {
    store::migrate(db);
    codebuild = std::make_unique<codebuild::CodeBuildService>(db, scheduler, ids, codebuild::ServiceOptions{});
    ops = server::codebuild_api(*codebuild);
    integrations::CodeBuildBackend backend;
    backend.call = [this](const std::string& op, const core::Scope& scope, const std::string& initiator,
                          const json& input) {
      server::RequestContext ctx{server::Identity{scope, initiator}, "", op};
      return ops.operations.at(op)(ctx, input);
    };
    backend.has_operation = [this](const std::string& op) { return ops.operations.count(op) != 0; };
    backend.on_build_complete = [this](const core::Scope& scope, const std::string& id,
                                       std::function<void(const json&)> cb) {
      return codebuild->on_build_complete(scope, id, std::move(cb));
    };
    integration = std::make_shared<integrations::CodeBuildIntegration>(
        std::move(backend), scheduler, ids, integrations::CodeBuildIntegrationOptions{});
    integrations::CodeBuildIntegration::register_all(registry, integration);
    sfn = std::make_unique<sfn::StepFunctionsService>(db, scheduler, ids, registry);
  }
  ~World() { sfn.reset(); }

  void project(const std::string& name = "demo") {
    codebuild->create_project(
        codebuild::Caller{kScope, "test"},
        {{"name", name},
         {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
         {"artifacts", {{"type", "NO_ARTIFACTS"}}},
         {"environment",
          {{"type", "LINUX_CONTAINER"}, {"image", "img"}, {"computeType", "BUILD_GENERAL1_SMALL"}}},
         {"serviceRole", "arn:aws:iam::123456789012:role/cb"}});
  }
  std::string machine(const json& definition, const std::string& type = "STANDARD",
                      const std::string& name = "m") {
    return sfn->create_state_machine(kScope, {{"name", name},
                                              {"definition", definition.dump()},
                                              {"roleArn", "arn:aws:iam::123456789012:role/sfn"},
                                              {"type", type}})["stateMachineArn"];
  }
  std::string run(const std::string& sm, const json& input = json::object()) {
    return sfn->start_execution(kScope, {{"stateMachineArn", sm}, {"input", input.dump()}})["executionArn"];
  }
  json describe(const std::string& ex) { return sfn->describe_execution(kScope, {{"executionArn", ex}}); }
  json history(const std::string& ex) {
    return sfn->get_execution_history(kScope, {{"executionArn", ex}, {"maxResults", 1000}})["events"];
  }
  std::vector<std::string> types(const std::string& ex) {
    std::vector<std::string> out;
    for (const auto& e : history(ex)) out.push_back(e["type"]);
    return out;
  }
  json event(const std::string& ex, const std::string& type, int nth = 0) {
    for (const auto& e : history(ex))
      if (e["type"] == type && nth-- == 0) return e;
    FAIL("no event " << type);
    return {};
  }
  json builds() {
    auto ids_page = codebuild->list_builds(codebuild::Caller{kScope, "t"}, json::object())["ids"];
    if (ids_page.empty()) return json::array();
    return codebuild->batch_get_builds(codebuild::Caller{kScope, "t"}, {{"ids", ids_page}})["builds"];
  }

  store::Database db;
  core::ManualClock clock;
  core::ManualScheduler scheduler;
  core::SequentialIdSource ids;
  std::unique_ptr<codebuild::CodeBuildService> codebuild;
  server::ServiceApi ops;
  asl::IntegrationRegistry registry;
  std::shared_ptr<integrations::CodeBuildIntegration> integration;
  std::unique_ptr<sfn::StepFunctionsService> sfn;
};

json task(const std::string& resource, json params, json extra = json::object()) {
  json t = {{"Type", "Task"}, {"Resource", resource}, {"Parameters", std::move(params)}, {"End", true}};
  t.update(extra);
  return t;
}
json one_state(json state) { return {{"StartAt", "S"}, {"States", {{"S", std::move(state)}}}}; }
json env(const char* name, const char* value) {
  return json::array({{{"Name", name}, {"Type", "PLAINTEXT"}, {"Value", value}}});
}
const std::vector<std::string> kSyncOk = {"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                          "TaskSubmitted",    "TaskSucceeded",    "TaskStateExited",
                                          "ExecutionSucceeded"};
}  // namespace

// Why: the reason the product exists — startBuild.sync waits for the build and records the
// documented event sequence with PascalCase outputs (reference 3.3, 3.4, 3.7).
TEST_CASE("startBuild.sync success") {
  World w;
  w.project();
  auto sm = w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync", {{"ProjectName", "demo"}})));
  auto ex = w.run(sm);
  CHECK(w.describe(ex)["status"] == "RUNNING");
  w.scheduler.advance_by(60'000);
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  CHECK(w.types(ex) == kSyncOk);
  const json out = json::parse(d["output"].get<std::string>());
  CHECK(out["Build"]["BuildStatus"] == "SUCCEEDED");
  CHECK(out["Build"]["BuildComplete"] == true);
  CHECK(out["Build"]["Phases"].back()["PhaseType"] == "COMPLETED");
  CHECK(out["Build"]["StartTime"].is_number_integer());  // epoch milliseconds (3.3 [INF])
  CHECK(out["Build"]["StartTime"] == kT0);
  CHECK_FALSE(out.contains("SdkHttpMetadata"));  // not on the final .sync output
  auto scheduled = w.event(ex, "TaskScheduled")["taskScheduledEventDetails"];
  CHECK(scheduled["resourceType"] == "codebuild");
  CHECK(scheduled["resource"] == "startBuild.sync");
  CHECK(scheduled["region"] == "us-east-1");
  CHECK(scheduled["parameters"] == R"({"ProjectName":"demo"})");
  CHECK_FALSE(scheduled.contains("timeoutInSeconds"));
  auto submitted = json::parse(w.event(ex, "TaskSubmitted")["taskSubmittedEventDetails"]["output"].get<std::string>());
  CHECK(submitted["Build"]["CurrentPhase"] == "QUEUED");
  CHECK(submitted["SdkHttpMetadata"]["HttpStatusCode"] == 200);
  CHECK(submitted["SdkResponseMetadata"]["RequestId"].is_string());
  // The build was started by the execution's role.
  CHECK(w.builds()[0]["initiator"].get<std::string>().rfind("sfn/", 0) == 0);
}

// Why: a failing build fails the task with States.TaskFailed and the build as cause (3.4 step 6),
// and an uncaught TaskFailed goes straight to ExecutionFailed (F-106).
TEST_CASE("startBuild.sync failure statuses fail the task") {
  for (const char* status : {"FAILED", "FAULT", "TIMED_OUT"}) {
    CAPTURE(status);
    World w;
    w.project();
    auto sm = w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync",
                                       {{"ProjectName", "demo"},
                                        {"TimeoutInMinutesOverride", 5},
                                        {"EnvironmentVariablesOverride", env("SIMULATE_STATUS", status)}})));
    auto ex = w.run(sm);
    w.scheduler.advance_by(3'600'000);
    auto d = w.describe(ex);
    REQUIRE(d["status"] == "FAILED");
    CHECK(d["error"] == "States.TaskFailed");
    const json cause = json::parse(d["cause"].get<std::string>());
    CHECK(cause["Build"]["BuildStatus"] == status);
    CHECK(w.types(ex) == std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                                  "TaskStarted", "TaskSubmitted", "TaskFailed",
                                                  "ExecutionFailed"});
  }
}

// Why: Catch on States.TaskFailed receives {"Error","Cause"} and the flow continues (3.4 step 7).
TEST_CASE("Catch States.TaskFailed") {
  World w;
  w.project();
  json def = {{"StartAt", "Build"},
              {"States",
               {{"Build", task("arn:aws:states:::codebuild:startBuild.sync",
                               {{"ProjectName", "demo"}, {"EnvironmentVariablesOverride", env("SIMULATE_STATUS", "FAILED")}},
                               {{"Catch", json::array({{{"ErrorEquals", {"States.TaskFailed"}},
                                                        {"ResultPath", "$.error"},
                                                        {"Next", "Notify"}}})}})},
                {"Notify", {{"Type", "Pass"}, {"End", true}}}}}};
  def["States"]["Build"].erase("End");
  def["States"]["Build"]["Next"] = "Notify";
  auto ex = w.run(w.machine(def));
  w.scheduler.advance_by(60'000);
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  const json out = json::parse(d["output"].get<std::string>());
  CHECK(out["error"]["Error"] == "States.TaskFailed");
  CHECK(json::parse(out["error"]["Cause"].get<std::string>())["Build"]["BuildStatus"] == "FAILED");
}

// Why: Retry with a build that fails then succeeds — the attempt number picks the outcome.
TEST_CASE("Retry a failing build until it succeeds") {
  World w;
  w.project();
  json params = {{"ProjectName", "demo"},
                 {"EnvironmentVariablesOverride",
                  json::array({{{"Name", "SIMULATE_STATUS"},
                                {"Value.$", "States.ArrayGetItem(States.Array('FAILED', 'SUCCEEDED'), $$.State.RetryCount)"}}})}};
  auto sm = w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync", params,
                                     {{"Retry", json::array({{{"ErrorEquals", {"States.TaskFailed"}},
                                                               {"IntervalSeconds", 5},
                                                               {"MaxAttempts", 2}}})}})));
  auto ex = w.run(sm);
  w.scheduler.advance_by(600'000);
  REQUIRE(w.describe(ex)["status"] == "SUCCEEDED");
  auto t = w.types(ex);
  CHECK(std::count(t.begin(), t.end(), "TaskScheduled") == 2);
  CHECK(std::count(t.begin(), t.end(), "TaskStateEntered") == 1);
  CHECK(w.builds().size() == 2);
}

// Why: Task TimeoutSeconds → TaskTimedOut (States.Timeout, no cause) and the build is stopped
// (3.4 step 8).
TEST_CASE("task timeout stops the build") {
  World w;
  w.project();
  auto sm = w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync",
                                     {{"ProjectName", "demo"}, {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=600")}},
                                     {{"TimeoutSeconds", 30}})));
  auto ex = w.run(sm);
  w.scheduler.advance_by(31'000);
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "FAILED");
  CHECK(d["error"] == "States.Timeout");
  CHECK_FALSE(d.contains("cause"));
  auto timed_out = w.event(ex, "TaskTimedOut")["taskTimedOutEventDetails"];
  CHECK(timed_out["error"] == "States.Timeout");
  CHECK_FALSE(timed_out.contains("cause"));
  CHECK(w.event(ex, "TaskScheduled")["taskScheduledEventDetails"]["timeoutInSeconds"] == 30);
  CHECK(w.builds()[0]["buildStatus"] == "STOPPED");
}

// Why: StopExecution makes a best-effort StopBuild of the running build (3.4 step 9).
TEST_CASE("StopExecution stops the build") {
  World w;
  w.project();
  auto sm = w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync",
                                     {{"ProjectName", "demo"}, {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=600")}})));
  auto ex = w.run(sm);
  w.scheduler.advance_by(10'000);
  w.sfn->stop_execution(kScope, {{"executionArn", ex}});
  CHECK(w.describe(ex)["status"] == "ABORTED");
  CHECK(w.builds()[0]["buildStatus"] == "STOPPED");
}

// Why: a failing Parallel sibling aborts the branch running a build, which is stopped.
TEST_CASE("failing Parallel sibling stops the build") {
  World w;
  w.project();
  json def = {{"StartAt", "P"},
              {"States",
               {{"P",
                 {{"Type", "Parallel"},
                  {"End", true},
                  {"Branches",
                   json::array({one_state(task("arn:aws:states:::codebuild:startBuild.sync",
                                               {{"ProjectName", "demo"},
                                                {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=600")}})),
                                {{"StartAt", "W"},
                                 {"States",
                                  {{"W", {{"Type", "Wait"}, {"Seconds", 20}, {"Next", "F"}}},
                                   {"F", {{"Type", "Fail"}, {"Error", "Boom"}}}}}}})}}}}}};
  auto ex = w.run(w.machine(def));
  w.scheduler.advance_by(25'000);
  REQUIRE(w.describe(ex)["status"] == "FAILED");
  CHECK(w.builds()[0]["buildStatus"] == "STOPPED");
}

// Why: AWS's sharp edge, smoothed by the integration — deleting right after stopping succeeds
// through the internal retry, with one TaskSucceeded (3.5).
TEST_CASE("stopBuild then batchDeleteBuilds in one machine") {
  World w;
  w.project();
  json def = {{"StartAt", "Start"},
              {"States",
               {{"Start", {{"Type", "Task"}, {"Resource", "arn:aws:states:::codebuild:startBuild"},
                           {"Parameters", {{"ProjectName", "demo"}, {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=600")}}},
                           {"Next", "Stop"}}},
                {"Stop", {{"Type", "Task"}, {"Resource", "arn:aws:states:::codebuild:stopBuild"},
                          {"Parameters", {{"Id.$", "$.Build.Id"}}}, {"ResultPath", nullptr}, {"Next", "Delete"}}},
                {"Delete", {{"Type", "Task"}, {"Resource", "arn:aws:states:::codebuild:batchDeleteBuilds"},
                            {"Parameters", {{"Ids.$", "$.Build..Arn"}}}, {"End", true}}}}}};
  auto ex = w.run(w.machine(def));
  // Stopped builds finalize for 3 s by default: the delete keeps retrying meanwhile.
  CHECK(w.describe(ex)["status"] == "RUNNING");
  w.scheduler.advance_by(10'000);
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  const json out = json::parse(d["output"].get<std::string>());
  CHECK(out["BuildsDeleted"].size() == 1);
  CHECK(out["BuildsNotDeleted"] == json::array());
  CHECK(out["SdkHttpMetadata"]["HttpStatusCode"] == 200);
  auto t = w.types(ex);
  CHECK(std::count(t.begin(), t.end(), "TaskSucceeded") == 3);
  CHECK(std::count(t.begin(), t.end(), "TaskScheduled") == 3);
  CHECK(w.builds() == json::array());
}

// Why: a build that is genuinely running is not deletable; that is a successful task (3.5).
TEST_CASE("batchDeleteBuilds of a running build succeeds with BuildsNotDeleted") {
  World w;
  w.project();
  json def = {{"StartAt", "Start"},
              {"States",
               {{"Start", {{"Type", "Task"}, {"Resource", "arn:aws:states:::codebuild:startBuild"},
                           {"Parameters", {{"ProjectName", "demo"}, {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=600")}}},
                           {"Next", "Delete"}}},
                {"Delete", {{"Type", "Task"}, {"Resource", "arn:aws:states:::codebuild:batchDeleteBuilds"},
                            {"Parameters", {{"Ids.$", "$.Build..Arn"}}}, {"End", true}}}}}};
  auto ex = w.run(w.machine(def));
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  const json out = json::parse(d["output"].get<std::string>());
  CHECK(out["BuildsDeleted"] == json::array());
  CHECK(out["BuildsNotDeleted"][0]["StatusCode"] == "BUILD_IN_PROGRESS");
  CHECK(out["BuildsNotDeleted"][0]["Id"].get<std::string>().rfind("arn:aws:codebuild:", 0) == 0);
}

// Why: CodeBuild API errors surface as CodeBuild.<Exception> with the Java SDK cause (3.6).
TEST_CASE("API errors inside tasks") {
  World w;
  auto ex = w.run(w.machine(one_state(task("arn:aws:states:::codebuild:startBuild", {{"ProjectName", "nope"}}))));
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "FAILED");
  CHECK(d["error"] == "CodeBuild.ResourceNotFoundException");
  const std::string cause = d["cause"];
  CHECK(cause.rfind("Project cannot be found: arn:aws:codebuild:us-east-1:123456789012:project/nope "
                    "(Service: AWSCodeBuild; Status Code: 400; Error Code: ResourceNotFoundException; "
                    "Request ID: ", 0) == 0);
  CHECK(cause.find("; Proxy: null)") != std::string::npos);
  CHECK(w.types(ex) == std::vector<std::string>{"ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                                                "TaskStarted", "TaskFailed", "ExecutionFailed"});
  // Model validation of the converted request.
  auto ex2 = w.run(w.machine(one_state(task("arn:aws:states:::codebuild:startBuild",
                                            {{"ProjectName", "demo"}, {"TimeoutInMinutesOverride", 9999}})),
                             "STANDARD", "m2"));
  CHECK(w.describe(ex2)["error"] == "CodeBuild.InvalidInputException");
  // Unknown parameter names.
  auto ex3 = w.run(w.machine(one_state(task("arn:aws:states:::codebuild:startBuild",
                                            {{"ProjectName", "demo"}, {"Bogus", 1}})),
                             "STANDARD", "m3"));
  CHECK(w.describe(ex3)["cause"] == "The field \"Bogus\" is not supported by Step Functions");
}

// Why: only the documented resource/pattern combinations exist (3.1, 3.9).
TEST_CASE("unsupported resources and EXPRESS .sync are rejected at creation") {
  World w;
  for (const char* r : {"arn:aws:states:::codebuild:stopBuild.sync", "arn:aws:states:::codebuild:startBuild.waitForTaskToken",
                        "arn:aws:states:::codebuild:listProjects", "arn:aws:states:::aws-sdk:codebuild:startBuild.sync"}) {
    CAPTURE(r);
    try {
      w.machine(one_state(task(r, json::object())), "STANDARD", "bad");
      FAIL("accepted " << r);
    } catch (const core::AwsError& e) {
      CHECK(e.type() == "InvalidDefinition");
      CHECK(std::string(e.what()).find("is not recognized") != std::string::npos);
    }
  }
  try {
    w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync", {{"ProjectName", "p"}})), "EXPRESS", "x");
    FAIL("accepted .sync in EXPRESS");
  } catch (const core::AwsError& e) {
    CHECK(std::string(e.what()).find("Express state machine does not support '.sync' service integration") !=
          std::string::npos);
  }
  // Request-response CodeBuild resources are fine in EXPRESS machines.
  CHECK_NOTHROW(w.machine(one_state(task("arn:aws:states:::codebuild:startBuild", {{"ProjectName", "p"}})), "EXPRESS", "ok"));
}

// Why: aws-sdk:codebuild covers every implemented operation, PascalCase, no SdkHttpMetadata, and
// Java SDK v2 style errors (3.8).
TEST_CASE("aws-sdk:codebuild") {
  World w;
  w.project();
  auto ex = w.run(w.machine(one_state(task("arn:aws:states:::aws-sdk:codebuild:batchGetProjects", {{"Names", {"demo", "x"}}}))));
  auto d = w.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  const json out = json::parse(d["output"].get<std::string>());
  CHECK(out["Projects"][0]["Name"] == "demo");
  CHECK(out["ProjectsNotFound"] == json::array({"x"}));
  CHECK_FALSE(out.contains("SdkHttpMetadata"));
  CHECK(w.event(ex, "TaskScheduled")["taskScheduledEventDetails"]["resourceType"] == "aws-sdk:codebuild");
  auto ex2 = w.run(w.machine(one_state(task("arn:aws:states:::aws-sdk:codebuild:startBuild", {{"ProjectName", "nope"}})),
                             "STANDARD", "m2"));
  auto d2 = w.describe(ex2);
  CHECK(d2["error"] == "CodeBuild.ResourceNotFoundException");
  CHECK(d2["cause"].get<std::string>().find("(Service: CodeBuild, Status Code: 400, Request ID: ") != std::string::npos);
}

// Why: nothing acknowledged is lost — a restart while startBuild.sync waits resumes waiting on the
// same build (no second build) and finishes with a contiguous history.
TEST_CASE("restart during startBuild.sync") {
  const auto path = (std::filesystem::temp_directory_path() / "scl_integration_restart.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  std::string ex;
  {
    World w(path);
    w.project();
    ex = w.run(w.machine(one_state(task("arn:aws:states:::codebuild:startBuild.sync",
                                        {{"ProjectName", "demo"},
                                         {"EnvironmentVariablesOverride", env("SIMULATE_PHASE_SECONDS", "BUILD=100")}}))));
    w.scheduler.advance_by(10'000);
    REQUIRE(w.describe(ex)["status"] == "RUNNING");
  }
  World w2(path, kT0 + 20'000);
  w2.codebuild->recover();
  CHECK(w2.sfn->recover() == 1);
  w2.scheduler.advance_by(200'000);
  auto d = w2.describe(ex);
  REQUIRE(d["status"] == "SUCCEEDED");
  CHECK(w2.types(ex) == kSyncOk);
  auto h = w2.history(ex);
  for (std::size_t i = 0; i < h.size(); ++i) CHECK(h[i]["id"] == static_cast<int>(i + 1));
  CHECK(w2.builds().size() == 1);
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}
