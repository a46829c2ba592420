#include "batch_fixture.hpp"

using namespace batch_test;

namespace {
const char* kSpec = R"(version: 0.2
env:
  variables:
    SIMULATE_STATUS: FAILED
    SIMULATE_FAILED_PHASE: PRE_BUILD
phases:
  pre_build:
    commands:
      - ./configure --strict
      - make deps
  build:
    commands:
      - make
)";
}  // namespace

// Why: a malformed buildspec fails the build in DOWNLOAD_SOURCE like CodeBuild, not the request.
TEST_CASE("malformed buildspec: StartBuild succeeds, DOWNLOAD_SOURCE fails with YAML_FILE_ERROR") {
  Fixture f;
  f.create("p", "version: 0.2\nphases:\n  build:\n    commands: [\n");
  auto b = f.start_build("p");
  CHECK(b["buildStatus"] == "IN_PROGRESS");
  f.advance(60);
  auto done = f.build(b["id"]);
  CHECK(done["buildStatus"] == "FAILED");
  const json ds = phase(done, "DOWNLOAD_SOURCE");
  CHECK(ds["phaseStatus"] == "FAILED");
  CHECK(ds["contexts"][0]["statusCode"] == "YAML_FILE_ERROR");
  CHECK(ds["contexts"][0]["message"].get<std::string>().rfind("yaml: line", 0) == 0);
  // A DOWNLOAD_SOURCE failure jumps to FINALIZING.
  CHECK(phase_types(done) == std::vector<std::string>{"SUBMITTED", "QUEUED", "PROVISIONING",
                                                      "DOWNLOAD_SOURCE", "FINALIZING",
                                                      "COMPLETED"});
}

// Why: buildspec env variables feed SIMULATE_*, and the failed phase names its first command.
TEST_CASE("buildspec env variables drive SIMULATE_* and name the failed command") {
  Fixture f;
  f.create("p", kSpec);
  auto b = f.start_build("p");
  f.advance(60);
  auto done = f.build(b["id"]);
  CHECK(done["buildStatus"] == "FAILED");
  const json pre = phase(done, "PRE_BUILD");
  CHECK(pre["phaseStatus"] == "FAILED");
  CHECK(pre["contexts"][0]["message"] ==
        "Error while executing command: ./configure --strict. Reason: exit status 1");
}

// Why: precedence is rules file < buildspec < project environment < StartBuild overrides.
TEST_CASE("project and override variables beat buildspec variables; SIMULATE_FAILED_COMMAND wins") {
  Fixture f;
  f.create("p", kSpec,
           {{"environment",
             {{"type", "LINUX_CONTAINER"},
              {"image", "aws/codebuild/standard:7.0"},
              {"computeType", "BUILD_GENERAL1_SMALL"},
              {"environmentVariables", env({{"SIMULATE_FAILED_PHASE", "BUILD"}})}}}});
  auto b = f.start_build("p");
  f.advance(60);
  CHECK(phase(f.build(b["id"]), "BUILD")["contexts"][0]["message"] ==
        "Error while executing command: make. Reason: exit status 1");

  auto ok = f.start_build("p", {{"environmentVariablesOverride", env({{"SIMULATE_STATUS", "SUCCEEDED"}})}});
  auto named = f.start_build(
      "p", {{"environmentVariablesOverride", env({{"SIMULATE_FAILED_COMMAND", "custom step"}})}});
  f.advance(60);
  CHECK(f.build(ok["id"])["buildStatus"] == "SUCCEEDED");
  CHECK(phase(f.build(named["id"]), "BUILD")["contexts"][0]["message"] ==
        "Error while executing command: custom step. Reason: exit status 1");
}

// Why: a phase without buildspec commands keeps the default `exit 1`; a file name means none.
TEST_CASE("no commands for the failed phase, or a buildspec file name, keep exit 1") {
  Fixture f;
  f.create("p", "version: 0.2\nphases:\n  build:\n    commands: [make]\n");
  auto b = f.start_build("p", {{"environmentVariablesOverride",
                                env({{"SIMULATE_STATUS", "FAILED"}, {"SIMULATE_FAILED_PHASE", "POST_BUILD"}})}});
  auto file = f.start_build("p", {{"buildspecOverride", "buildspec.yml"},
                                  {"environmentVariablesOverride", env({{"SIMULATE_STATUS", "FAILED"}})}});
  f.advance(60);
  CHECK(phase(f.build(b["id"]), "POST_BUILD")["contexts"][0]["message"] ==
        "Error while executing command: exit 1. Reason: exit status 1");
  const json fb = f.build(file["id"]);
  CHECK(fb["source"]["buildspec"] == "buildspec.yml");
  CHECK(phase(fb, "BUILD")["contexts"][0]["message"] ==
        "Error while executing command: exit 1. Reason: exit status 1");
}

// Why: an invalid SIMULATE_* value in the buildspec is still a request error naming it.
TEST_CASE("invalid SIMULATE_* in buildspec env is rejected like other sources") {
  Fixture f;
  f.create("p", "version: 0.2\nenv:\n  variables:\n    SIMULATE_STATUS: MAYBE\n");
  CHECK(f.error_of([&] { f.start_build("p"); }).rfind("InvalidInputException: Invalid SIMULATE_STATUS 'MAYBE'", 0) == 0);
}
