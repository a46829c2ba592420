#include "engine/codebuild/service.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "engine/core/aws_error.hpp"
#include "store/migrations.hpp"

using namespace scl;
using codebuild::json;

namespace {
constexpr core::TimeMs kT0 = 1'700'000'000'000;

struct Fixture {
  explicit Fixture(const std::string& path = ":memory:", core::TimeMs start = kT0)
      : db(path), clock(start), scheduler(clock) {
    store::migrate(db);
    svc = std::make_unique<codebuild::CodeBuildService>(db, scheduler, ids, options);
  }
  store::Database db;
  core::ManualClock clock;
  core::ManualScheduler scheduler;
  core::SequentialIdSource ids;
  codebuild::ServiceOptions options;
  std::unique_ptr<codebuild::CodeBuildService> svc;
  codebuild::Caller caller{{"123456789012", "us-east-1"}, "AKIDTEST"};

  json create(const std::string& name, json extra = json::object()) {
    json in = {{"name", name},
               {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
               {"artifacts", {{"type", "NO_ARTIFACTS"}}},
               {"environment",
                {{"type", "LINUX_CONTAINER"},
                 {"image", "aws/codebuild/standard:7.0"},
                 {"computeType", "BUILD_GENERAL1_SMALL"}}},
               {"serviceRole", "arn:aws:iam::123456789012:role/cb"}};
    in.update(extra);
    return svc->create_project(caller, in)["project"];
  }
  json start(const std::string& project, json extra = json::object()) {
    json in = {{"projectName", project}};
    in.update(extra);
    return svc->start_build(caller, in)["build"];
  }
  json get(const std::string& id) {
    auto out = svc->batch_get_builds(caller, {{"ids", {id}}});
    REQUIRE(out["builds"].size() == 1);
    return out["builds"][0];
  }
  std::string error_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const core::AwsError& e) {
      return e.type() + ": " + e.what();
    }
    return "no error";
  }
};

json env(std::initializer_list<std::pair<const char*, const char*>> vars) {
  json out = json::array();
  for (auto [k, v] : vars) out.push_back({{"name", k}, {"value", v}});
  return out;
}
}  // namespace

// Why: AWS fills in defaults on new projects (reference 2.2 table); users assert on them.
TEST_CASE("CreateProject fills AWS defaults and rejects duplicates") {
  Fixture f;
  auto p = f.create("demo");
  CHECK(p["arn"] == "arn:aws:codebuild:us-east-1:123456789012:project/demo");
  CHECK(p["timeoutInMinutes"] == 60);
  CHECK(p["queuedTimeoutInMinutes"] == 480);
  CHECK(p["encryptionKey"] == "arn:aws:kms:us-east-1:123456789012:alias/aws/s3");
  CHECK(p["badge"] == json{{"badgeEnabled", false}});
  CHECK(p["cache"] == json{{"type", "NO_CACHE"}});
  CHECK(p["environment"]["environmentVariables"] == json::array());
  CHECK(p["environment"]["privilegedMode"] == false);
  CHECK(p["created"] == p["lastModified"]);
  CHECK(p["created"].is_number_float());
  CHECK(f.error_of([&] { f.create("demo"); }) ==
        "ResourceAlreadyExistsException: Project already exists: "
        "arn:aws:codebuild:us-east-1:123456789012:project/demo");
}

// Why: the full life of a build on a manual clock, with the completion callback firing once.
TEST_CASE("StartBuild then time passes to COMPLETED and waiters are told") {
  Fixture f;
  f.create("demo");
  auto b = f.start("demo");
  CHECK(b["id"] == "demo:00000000-0000-4000-8000-000000000001");
  CHECK(b["buildNumber"] == 1);
  CHECK(b["currentPhase"] == "QUEUED");
  CHECK(b["buildStatus"] == "IN_PROGRESS");
  CHECK(b["buildComplete"] == false);
  CHECK(b["phases"].size() == 2);
  CHECK(b["artifacts"] == json{{"location", ""}});
  CHECK(b["initiator"] == "AKIDTEST");
  CHECK(b["logs"]["deepLink"].get<std::string>().find("group=null;stream=null") != std::string::npos);
  CHECK_FALSE(b.contains("endTime"));
  CHECK(f.svc->builds_in_flight() == 1);

  int called = 0;
  json final_build;
  CHECK(f.svc->on_build_complete(f.caller.scope, b["arn"], [&](const json& fb) {
    ++called;
    final_build = fb;
  }));
  f.scheduler.advance_by(2'500);
  auto mid = f.get(b["id"]);
  CHECK(mid["currentPhase"] == "DOWNLOAD_SOURCE");
  CHECK(mid["logs"]["groupName"] == "/aws/codebuild/demo");
  CHECK(called == 0);
  f.scheduler.advance_by(60'000);
  CHECK(called == 1);
  CHECK(final_build["buildStatus"] == "SUCCEEDED");
  CHECK(final_build["buildComplete"] == true);
  CHECK(final_build["currentPhase"] == "COMPLETED");
  CHECK(final_build["endTime"].get<double>() == doctest::Approx((kT0 + 6'000) / 1000.0));
  CHECK(f.svc->builds_in_flight() == 0);
  // Already complete: the callback runs at once.
  CHECK(f.svc->on_build_complete(f.caller.scope, b["id"], [&](const json&) { ++called; }));
  CHECK(called == 2);
  CHECK_FALSE(f.svc->on_build_complete(f.caller.scope, "demo:nope", [](const json&) {}));
}

// Why: overrides apply to the build only and are reflected in it (reference 2.5).
TEST_CASE("StartBuild overrides are reflected; project unchanged") {
  Fixture f;
  f.create("demo", {{"environment",
                     {{"type", "LINUX_CONTAINER"},
                      {"image", "img:1"},
                      {"computeType", "BUILD_GENERAL1_SMALL"},
                      {"environmentVariables", env({{"A", "1"}, {"B", "2"}})}}}});
  auto b = f.start("demo", {{"imageOverride", "img:2"},
                            {"computeTypeOverride", "BUILD_GENERAL1_LARGE"},
                            {"environmentVariablesOverride", env({{"B", "3"}, {"C", "4"}})},
                            {"timeoutInMinutesOverride", 10},
                            {"queuedTimeoutInMinutesOverride", 20},
                            {"sourceVersion", "main"},
                            {"buildspecOverride", "version: 0.2\nphases: {}"},
                            {"privilegedModeOverride", true},
                            {"artifactsOverride",
                             {{"type", "S3"}, {"location", "bucket"}, {"name", "out.zip"},
                              {"namespaceType", "BUILD_ID"}}}});
  CHECK(b["environment"]["image"] == "img:2");
  CHECK(b["environment"]["computeType"] == "BUILD_GENERAL1_LARGE");
  CHECK(b["environment"]["privilegedMode"] == true);
  CHECK(b["environment"]["environmentVariables"] ==
        json::array({{{"name", "A"}, {"value", "1"}, {"type", "PLAINTEXT"}},
                     {{"name", "B"}, {"value", "3"}, {"type", "PLAINTEXT"}},
                     {{"name", "C"}, {"value", "4"}, {"type", "PLAINTEXT"}}}));
  CHECK(b["timeoutInMinutes"] == 10);
  CHECK(b["queuedTimeoutInMinutes"] == 20);
  CHECK(b["sourceVersion"] == "main");
  CHECK(b["source"]["buildspec"] == "version: 0.2\nphases: {}");
  CHECK(b["artifacts"]["location"] ==
        "arn:aws:s3:::bucket/00000000-0000-4000-8000-000000000001/out.zip");
  auto p = f.svc->batch_get_projects(f.caller, {{"names", {"demo"}}})["projects"][0];
  CHECK(p["environment"]["image"] == "img:1");
}

// Why: SIMULATE_* from overrides beat the project's, which beat the rules file.
TEST_CASE("simulation precedence: rules < project env < overrides") {
  Fixture f;
  f.options.rules = codebuild::SimulationRules::parse(
      R"({"rules": [{"project": "demo", "env": {"SIMULATE_STATUS": "FAULT"}}]})");
  f.svc = std::make_unique<codebuild::CodeBuildService>(f.db, f.scheduler, f.ids, f.options);
  f.create("demo");
  auto b1 = f.start("demo");
  auto b2 = f.start("demo", {{"environmentVariablesOverride", env({{"SIMULATE_STATUS", "FAILED"}})}});
  f.scheduler.advance_by(3'600'000);
  CHECK(f.get(b1["id"])["buildStatus"] == "FAULT");
  CHECK(f.get(b2["id"])["buildStatus"] == "FAILED");
  CHECK(f.error_of([&] {
          f.start("demo", {{"environmentVariablesOverride", env({{"SIMULATE_STATUS", "NOPE"}})}});
        }).rfind("InvalidInputException: Invalid SIMULATE_STATUS 'NOPE'", 0) == 0);
}

// Why: AWS's sharp edge — a stopped build is not deletable until it finalizes (2.6, 2.9).
TEST_CASE("stop, delete during finalization, delete after") {
  Fixture f;
  f.create("demo");
  auto b = f.start("demo", {{"environmentVariablesOverride",
                             env({{"SIMULATE_PHASE_SECONDS", "BUILD=600"},
                                  {"SIMULATE_FINALIZE_SECONDS", "5"}})}});
  const std::string arn = b["arn"];
  f.scheduler.advance_by(10'000);
  auto running = f.svc->batch_delete_builds(f.caller, {{"ids", {b["id"]}}});
  CHECK(running["buildsDeleted"] == json::array());
  CHECK(running["buildsNotDeleted"] ==
        json::array({{{"id", arn}, {"statusCode", "BUILD_IN_PROGRESS"}}}));
  auto stopped = f.svc->stop_build(f.caller, {{"id", b["id"]}})["build"];
  CHECK(stopped["buildStatus"] == "STOPPED");
  CHECK(stopped["buildComplete"] == false);
  f.scheduler.advance_by(2'000);
  CHECK(f.svc->batch_delete_builds(f.caller, {{"ids", {arn}}})["buildsNotDeleted"].size() == 1);
  // A second stop during finalization changes nothing.
  CHECK(f.svc->stop_build(f.caller, {{"id", arn}})["build"]["buildStatus"] == "STOPPED");
  f.scheduler.advance_by(3'000);
  auto done = f.get(b["id"]);
  CHECK(done["buildComplete"] == true);
  CHECK(done["buildStatus"] == "STOPPED");
  auto del = f.svc->batch_delete_builds(f.caller, {{"ids", {b["id"], "demo:missing"}}});
  CHECK(del["buildsDeleted"] == json::array({arn}));
  CHECK(del["buildsNotDeleted"] ==
        json::array({{{"id", "demo:missing"}, {"statusCode", "BUILD_NOT_FOUND"}}}));
  auto got = f.svc->batch_get_builds(f.caller, {{"ids", {b["id"]}}});
  CHECK(got["builds"] == json::array());
  CHECK(got["buildsNotFound"] == json::array({b["id"]}));
}

// Why: StopBuild of a finished build returns it unchanged (F-039).
TEST_CASE("stop a finished build returns its final status") {
  Fixture f;
  f.create("demo");
  auto b = f.start("demo");
  f.scheduler.advance_by(60'000);
  auto s = f.svc->stop_build(f.caller, {{"id", b["id"]}})["build"];
  CHECK(s["buildStatus"] == "SUCCEEDED");
  CHECK(f.error_of([&] { f.svc->stop_build(f.caller, {{"id", "demo:x"}}); })
            .rfind("ResourceNotFoundException", 0) == 0);
}

// Why: RetryBuild makes a new build with the next number and the same settings (F-040).
TEST_CASE("RetryBuild numbering and settings") {
  Fixture f;
  f.create("demo");
  auto b1 = f.start("demo", {{"imageOverride", "img:retry"},
                             {"environmentVariablesOverride", env({{"SIMULATE_STATUS", "FAILED"}})}});
  f.start("demo");
  auto r = f.svc->retry_build(f.caller, {{"id", b1["arn"]}})["build"];
  CHECK(r["buildNumber"] == 3);
  CHECK(r["id"] != b1["id"]);
  CHECK(r["environment"]["image"] == "img:retry");
  CHECK(r["currentPhase"] == "QUEUED");
  f.scheduler.advance_by(60'000);
  CHECK(f.get(r["id"])["buildStatus"] == "FAILED");
  CHECK(f.error_of([&] { f.svc->retry_build(f.caller, json::object()); })
            .rfind("InvalidInputException", 0) == 0);
}

// Why: ListBuildsForProject sorts by build number, descending by default, 100 per page.
TEST_CASE("list builds ordering and pagination") {
  Fixture f;
  f.create("demo");
  f.create("other");
  std::vector<std::string> ids;
  for (int i = 0; i < 105; ++i) ids.push_back(f.start("demo")["id"]);
  f.start("other");
  auto page1 = f.svc->list_builds_for_project(f.caller, {{"projectName", "demo"}});
  CHECK(page1["ids"].size() == 100);
  CHECK(page1["ids"][0] == ids.back());
  REQUIRE(page1.contains("nextToken"));
  auto page2 = f.svc->list_builds_for_project(
      f.caller, {{"projectName", "demo"}, {"nextToken", page1["nextToken"]}});
  CHECK(page2["ids"].size() == 5);
  CHECK(page2["ids"][4] == ids.front());
  CHECK_FALSE(page2.contains("nextToken"));
  CHECK(f.error_of([&] {
          f.svc->list_builds_for_project(f.caller, {{"projectName", "demo"}, {"sortOrder", "ASCENDING"}});
        }).rfind("InvalidInputException", 0) == 0);
  auto asc = f.svc->list_builds_for_project(f.caller, {{"projectName", "other"}, {"sortOrder", "ASCENDING"}});
  CHECK(asc["ids"].size() == 1);
  auto all = f.svc->list_builds(f.caller, json::object());
  CHECK(all["ids"].size() == 100);
  CHECK(all["ids"][0].get<std::string>().rfind("other:", 0) == 0);
  CHECK(f.error_of([&] {
          f.svc->list_builds(f.caller, {{"nextToken", "garbage"}});
        }).rfind("InvalidInputException", 0) == 0);
  CHECK(f.error_of([&] { f.svc->list_builds_for_project(f.caller, {{"projectName", "nope"}}); })
            .rfind("ResourceNotFoundException", 0) == 0);
}

// Why: resources are partitioned by account and region (issue 2, item 3).
TEST_CASE("accounts and regions are separate") {
  Fixture f;
  f.create("demo");
  codebuild::Caller other{{"111122223333", "us-east-1"}, "111122223333"};
  codebuild::Caller west{{"123456789012", "us-west-2"}, "AKID"};
  CHECK(f.svc->batch_get_projects(other, {{"names", {"demo"}}})["projectsNotFound"].size() == 1);
  CHECK(f.svc->batch_get_projects(west, {{"names", {"demo"}}})["projectsNotFound"].size() == 1);
  CHECK(f.error_of([&] { f.svc->start_build(other, {{"projectName", "demo"}}); })
            .find("arn:aws:codebuild:us-east-1:111122223333:project/demo") != std::string::npos);
}

// Why: idempotencyToken returns the same build within 5 minutes; changed params → error.
TEST_CASE("idempotency token") {
  Fixture f;
  f.create("demo");
  auto a = f.start("demo", {{"idempotencyToken", "tok"}});
  auto b = f.start("demo", {{"idempotencyToken", "tok"}});
  CHECK(a["id"] == b["id"]);
  CHECK(f.error_of([&] { f.start("demo", {{"idempotencyToken", "tok"}, {"imageOverride", "x"}}); })
            .rfind("InvalidInputException", 0) == 0);
  f.scheduler.advance_by(6 * 60'000);
  CHECK(f.start("demo", {{"idempotencyToken", "tok"}})["id"] != a["id"]);
}

// Why: concurrentBuildLimit rejects new builds while the limit is met (reference 2.5, [INF]).
TEST_CASE("concurrent build limit") {
  Fixture f;
  f.create("demo", {{"concurrentBuildLimit", 1}});
  f.start("demo");
  CHECK(f.error_of([&] { f.start("demo"); }).rfind("AccountLimitExceededException", 0) == 0);
  f.scheduler.advance_by(60'000);
  CHECK(f.start("demo")["buildNumber"] == 2);
}

// Why: nothing acknowledged is lost — a build in flight at shutdown finishes after a restart
// with the phase times it would have had.
TEST_CASE("restart resumes builds in flight from stored times") {
  const auto path = (std::filesystem::temp_directory_path() / "scl_service_restart_test.db").string();
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  std::string id;
  {
    Fixture f(path);
    f.create("demo");
    id = f.start("demo", {{"environmentVariablesOverride", env({{"SIMULATE_PHASE_SECONDS", "BUILD=100"}})}})["id"];
    f.scheduler.advance_by(10'000);
  }
  Fixture g(path, kT0 + 20'000);
  CHECK(g.svc->recover() == 1);
  int called = 0;
  g.svc->on_build_complete(g.caller.scope, id, [&](const json&) { ++called; });
  g.scheduler.advance_by(200'000);
  CHECK(called == 1);
  auto b = g.get(id);
  CHECK(b["buildStatus"] == "SUCCEEDED");
  CHECK(b["endTime"].get<double>() == doctest::Approx((kT0 + 104'000) / 1000.0));
  std::filesystem::remove(path);
}

// Why: UpdateProject replaces given members and bumps lastModified; unknown → not found.
TEST_CASE("UpdateProject and DeleteProject") {
  Fixture f;
  auto p = f.create("demo");
  f.clock.advance(5'000);
  auto u = f.svc->update_project(f.caller, {{"name", "demo"}, {"description", "d"}, {"timeoutInMinutes", 30}})["project"];
  CHECK(u["description"] == "d");
  CHECK(u["timeoutInMinutes"] == 30);
  CHECK(u["created"] == p["created"]);
  CHECK(u["lastModified"].get<double>() > p["lastModified"].get<double>());
  CHECK(f.error_of([&] { f.svc->update_project(f.caller, {{"name", "nope"}}); })
            .rfind("ResourceNotFoundException", 0) == 0);
  auto b = f.start("demo");
  CHECK(f.svc->delete_project(f.caller, {{"name", "demo"}}) == json::object());
  CHECK(f.svc->delete_project(f.caller, {{"name", "demo"}}) == json::object());
  // Builds of a deleted project remain (model doc of DeleteProject).
  CHECK(f.get(b["id"])["projectName"] == "demo");
  CHECK(f.svc->list_projects(f.caller, json::object())["projects"] == json::array());
}
