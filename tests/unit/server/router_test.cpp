#include "server/protocol/router.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "engine/codebuild/service.hpp"
#include "server/api/admin_api.hpp"
#include "server/api/codebuild_api.hpp"
#include "store/migrations.hpp"

using namespace scl;
using json = nlohmann::json;

namespace {
// Component fixture: router + real CodeBuild service + in-memory database + manual clock.
struct Component {
  Component() : db(":memory:"), clock(1'700'000'000'000), scheduler(clock) {
    store::migrate(db);
    svc = std::make_unique<codebuild::CodeBuildService>(db, scheduler, ids, codebuild::ServiceOptions{});
    router.add_service(server::codebuild_api(*svc));
    admin = server::AdminContext{&clock, &scheduler, &scheduler, 1.0, [this] { svc->reset(); }, nullptr, nullptr};
    router.set_admin([this](const server::HttpRequest& r) { return server::handle_admin(admin, r); });
  }
  server::HttpResponse call(const std::string& target, const std::string& body,
                            const std::string& auth = "", const std::string& ct = "application/x-amz-json-1.1") {
    server::HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.amz_target = target;
    r.body = body;
    r.authorization = auth;
    r.content_type = ct;
    server::HttpResponse out;
    router.handle(std::move(r), [&](server::HttpResponse res) { out = std::move(res); });
    return out;
  }
  server::HttpResponse cb(const std::string& op, const json& body, const std::string& auth = "") {
    return call("CodeBuild_20161006." + op, body.dump(), auth);
  }
  store::Database db;
  core::ManualClock clock;
  core::ManualScheduler scheduler;
  core::SequentialIdSource ids;
  std::unique_ptr<codebuild::CodeBuildService> svc;
  server::Router router{server::IdentityDefaults{}};
  server::AdminContext admin;
};

std::string type_of(const server::HttpResponse& r) { return json::parse(r.body).value("__type", ""); }
std::string message_of(const server::HttpResponse& r) { return json::parse(r.body).value("message", ""); }
std::string header(const server::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}
const json kProject = {{"name", "demo"},
                       {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
                       {"artifacts", {{"type", "NO_ARTIFACTS"}}},
                       {"environment",
                        {{"type", "LINUX_CONTAINER"},
                         {"image", "img"},
                         {"computeType", "BUILD_GENERAL1_SMALL"}}},
                       {"serviceRole", "role"}};
}  // namespace

// Why: success responses carry the service content type and a request id (reference 1.1).
TEST_CASE("success response shape") {
  Component c;
  auto r = c.cb("CreateProject", kProject);
  CHECK(r.status == 200);
  CHECK(r.content_type == "application/x-amz-json-1.1");
  CHECK(header(r, "x-amzn-RequestId").size() == 36);
  CHECK(json::parse(r.body)["project"]["name"] == "demo");
}

// Why: every protocol-level mistake gets a clear 400 AWS error, never a crash (issue 2, item 3).
TEST_CASE("protocol errors") {
  Component c;
  CHECK(type_of(c.call("CodeBuild_20161006.Nope", "{}")) == "UnknownOperationException");
  CHECK(type_of(c.call("", "{}")) == "UnknownOperationException");
  CHECK(type_of(c.call("Other_2020.StartBuild", "{}")) == "UnknownOperationException");
  auto notimpl = c.call("CodeBuild_20161006.CreateWebhook", "{}");
  CHECK(type_of(notimpl) == "UnknownOperationException");
  CHECK(message_of(notimpl).find("not implemented") != std::string::npos);
  auto bad = c.call("CodeBuild_20161006.ListProjects", "{\"a\":");
  CHECK(bad.status == 400);
  CHECK(type_of(bad) == "SerializationException");
  CHECK(header(bad, "x-amzn-ErrorType") == "SerializationException");
  CHECK(type_of(c.call("CodeBuild_20161006.ListProjects", "[1]")) == "SerializationException");
  CHECK(type_of(c.call("CodeBuild_20161006.ListProjects", "\"\xff\xfe\"")) == "SerializationException");
  CHECK(type_of(c.call("CodeBuild_20161006.ListProjects", std::string(100000, '['))) ==
        "SerializationException");
  CHECK(type_of(c.call("CodeBuild_20161006.ListProjects", "{}", "", "text/plain")) ==
        "SerializationException");
  // An empty body is an empty input.
  CHECK(c.call("CodeBuild_20161006.ListProjects", "").status == 200);
}

// Why: model validation runs before the service with AWS's messages (reference 1.3).
TEST_CASE("model validation") {
  Component c;
  c.cb("CreateProject", kProject);
  auto r = c.cb("StartBuild", {{"projectName", "demo"}, {"timeoutInMinutesOverride", 3000}});
  CHECK(type_of(r) == "InvalidInputException");
  CHECK(message_of(r) ==
        "1 validation error detected: Value '3000' at 'timeoutInMinutesOverride' failed to "
        "satisfy constraint: Member must have value less than or equal to 2160");
  auto t = c.cb("StartBuild", {{"projectName", "demo"}, {"timeoutInMinutesOverride", "x"}});
  CHECK(type_of(t) == "SerializationException");
  auto missing = c.cb("StartBuild", json::object());
  CHECK(type_of(missing) == "InvalidInputException");
  CHECK(message_of(missing).find("Member must not be null") != std::string::npos);
}

// Why: the SigV4 credential scope selects the partition.
TEST_CASE("region and account from the credential scope") {
  Component c;
  const std::string west =
      "AWS4-HMAC-SHA256 Credential=AKIDX/20260101/us-west-2/codebuild/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  const std::string acct =
      "AWS4-HMAC-SHA256 Credential=111122223333/20260101/us-east-1/codebuild/aws4_request, "
      "SignedHeaders=host, Signature=abc";
  CHECK(json::parse(c.cb("CreateProject", kProject, west).body)["project"]["arn"] ==
        "arn:aws:codebuild:us-west-2:123456789012:project/demo");
  CHECK(json::parse(c.cb("CreateProject", kProject, acct).body)["project"]["arn"] ==
        "arn:aws:codebuild:us-east-1:111122223333:project/demo");
  auto r = c.cb("StartBuild", {{"projectName", "demo"}}, acct);
  CHECK(json::parse(r.body)["build"]["initiator"] == "111122223333");
}

// Why: the admin routes drive the manual clock for black-box tests.
TEST_CASE("admin routes") {
  Component c;
  auto get = [&](const std::string& method, const std::string& path, const std::string& body = "") {
    server::HttpRequest r;
    r.method = method;
    r.target = path;
    r.body = body;
    r.content_type = "application/json";  // admin POSTs need it (issue 11, finding 11)
    server::HttpResponse out;
    c.router.handle(std::move(r), [&](server::HttpResponse res) { out = std::move(res); });
    return out;
  };
  CHECK(json::parse(get("GET", "/_emulator/health").body)["status"] == "ok");
  c.cb("CreateProject", kProject);
  auto b = json::parse(c.cb("StartBuild", {{"projectName", "demo"}}).body)["build"];
  auto adv = get("POST", "/_emulator/clock/advance", R"({"seconds": 60})");
  CHECK(adv.status == 200);
  CHECK(json::parse(adv.body)["now"].get<double>() == doctest::Approx(1'700'000'060.0));
  auto got = json::parse(c.cb("BatchGetBuilds", {{"ids", {b["id"]}}}).body);
  CHECK(got["builds"][0]["buildStatus"] == "SUCCEEDED");
  CHECK(get("POST", "/_emulator/clock/advance", R"({"seconds": -1})").status == 400);
  CHECK(get("POST", "/_emulator/clock/set", R"({"now": 1})").status == 400);
  CHECK(get("POST", "/_emulator/reset").status == 200);
  CHECK(json::parse(c.cb("ListProjects", json::object()).body)["projects"] == json::array());
  CHECK(get("GET", "/_emulator/nope").status == 404);
}

// Why: the nesting pre-scan ignores brackets inside strings.
TEST_CASE("json nesting depth") {
  CHECK(server::json_nesting_depth(R"({"a":[1,{"b":"[[[["}]})", 100) == 3);
  CHECK(server::json_nesting_depth("[[[[", 3) == 3);
}
