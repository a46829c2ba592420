// Issue 13 item 2: AWS answers InvalidInputException for a build id without ':' and for a
// service role outside the caller's account; issue 11 finding 14: messages quote input short.
#include "engine/codebuild/service.hpp"

#include <doctest/doctest.h>

#include "engine/core/aws_error.hpp"
#include "store/migrations.hpp"

using namespace scl;
using codebuild::json;

namespace {
struct Fixture {
  Fixture() : db(":memory:"), clock(1'700'000'000'000), scheduler(clock) {
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

  json input(const std::string& name, const std::string& role) {
    return {{"name", name},
            {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
            {"artifacts", {{"type", "NO_ARTIFACTS"}}},
            {"environment",
             {{"type", "LINUX_CONTAINER"},
              {"image", "aws/codebuild/standard:7.0"},
              {"computeType", "BUILD_GENERAL1_SMALL"}}},
            {"serviceRole", role}};
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
constexpr const char* kBadId = "InvalidInputException: Invalid build ID provided";
constexpr const char* kBadRole =
    "InvalidInputException: Invalid service role: Service role account ID does not match "
    "caller's account";
}  // namespace

TEST_CASE("a build id without ':' is invalid input in every build operation") {
  Fixture f;
  f.svc->create_project(f.caller, f.input("demo", "arn:aws:iam::123456789012:role/cb"));
  CHECK(f.error_of([&] { f.svc->batch_get_builds(f.caller, {{"ids", {"nocolon"}}}); }) == kBadId);
  CHECK(f.error_of([&] { f.svc->stop_build(f.caller, {{"id", "nocolon"}}); }) == kBadId);
  CHECK(f.error_of([&] { f.svc->retry_build(f.caller, {{"id", "nocolon"}}); }) == kBadId);
  CHECK(f.error_of([&] { f.svc->batch_delete_builds(f.caller, {{"ids", {"nocolon"}}}); }) ==
        kBadId);
  // Well-formed ids and ARNs keep their not-found answers.
  CHECK(f.svc->batch_get_builds(f.caller, {{"ids", {"demo:x"}}})["buildsNotFound"] ==
        json::array({"demo:x"}));
  CHECK(f.error_of([&] { f.svc->stop_build(f.caller, {{"id", "demo:x"}}); })
            .starts_with("ResourceNotFoundException: Build not found: demo:x"));
  CHECK(f.error_of([&] {
          f.svc->stop_build(f.caller, {{"id", "arn:aws:codebuild:us-east-1:123456789012:build/demo:x"}});
        }).starts_with("ResourceNotFoundException"));
}

TEST_CASE("service roles: the caller's role ARNs, or names expanded to them") {
  Fixture f;
  CHECK(f.svc->create_project(f.caller, f.input("a1", "arn:aws:iam::123456789012:role/p/cb"))
            ["project"]["serviceRole"] == "arn:aws:iam::123456789012:role/p/cb");
  CHECK(f.svc->create_project(f.caller, f.input("a2", "cb-role"))["project"]["serviceRole"] ==
        "arn:aws:iam::123456789012:role/cb-role");
  for (const char* bad : {"arn:aws:iam::999999999999:role/cb", "arn:aws:iam::123456789012:user/u",
                          "arn:aws:iam::123456789012:role/", "arn:aws:s3:::b", "arn:", "a b",
                          "role/with/slash", ""}) {
    CAPTURE(bad);
    CHECK(f.error_of([&] { f.svc->create_project(f.caller, f.input("a3", bad)); }) == kBadRole);
    CHECK(f.error_of([&] {
            f.svc->update_project(f.caller, {{"name", "a1"}, {"serviceRole", bad}});
          }) == kBadRole);
  }
  CHECK(f.svc->update_project(f.caller, {{"name", "a1"}, {"description", "d"}})["project"]
            ["serviceRole"] == "arn:aws:iam::123456789012:role/p/cb");
  CHECK(f.svc->update_project(f.caller, {{"name", "a1"}, {"serviceRole", "n2"}})["project"]
            ["serviceRole"] == "arn:aws:iam::123456789012:role/n2");
}

TEST_CASE("not-found messages quote a long id as 256 characters and an ellipsis") {
  Fixture f;
  const std::string id = "p:" + std::string(100000, 'z');
  const std::string m = f.error_of([&] { f.svc->stop_build(f.caller, {{"id", id}}); });
  CHECK(m == "ResourceNotFoundException: Build not found: p:" + std::string(254, 'z') +
                 "\xE2\x80\xA6");
}
