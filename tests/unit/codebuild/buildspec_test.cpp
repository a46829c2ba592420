#include "engine/codebuild/buildspec.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace scl::codebuild;

namespace {
std::string error_of(const std::string& text, bool batch = false) {
  try {
    if (batch) parse_batch(text); else parse_buildspec(text);
  } catch (const BuildspecError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

// Why: a file name must mean "buildspec in the source" (no buildspec), inline YAML must parse.
TEST_CASE("is_inline_buildspec tells inline YAML from a file name") {
  CHECK(is_inline_buildspec("version: 0.2"));
  CHECK(is_inline_buildspec("version: 0.2\nphases: {}\n"));
  CHECK(is_inline_buildspec("{\"version\": \"0.2\"}"));
  CHECK_FALSE(is_inline_buildspec("buildspec.yml"));
  CHECK_FALSE(is_inline_buildspec("ci/build-spec.yaml"));
  CHECK_FALSE(is_inline_buildspec(""));
  CHECK_FALSE(is_inline_buildspec("arn:aws:s3:::bucket/buildspec.yml"));
}

// Why: version, env.variables, phase commands and reports drive the simulation.
TEST_CASE("parse_buildspec reads version, env variables, commands and reports") {
  const auto spec = parse_buildspec(R"(version: 0.2
env:
  variables:
    SIMULATE_STATUS: FAILED
    NODE: 18
    EMPTY:
phases:
  install:
    runtime-versions:
      nodejs: 18
    commands:
      - npm ci
  build:
    commands:
      - npm test
      - npm run lint
    finally:
      - echo done
reports:
  unit:
    files: ['junit.xml']
    base-directory: out
  coverage:
    files:
      - cobertura.xml
    file-format: CoberturaXml
artifacts:
  files: ['**/*']
)");
  CHECK(spec.version == "0.2");
  CHECK(spec.variables.at("SIMULATE_STATUS") == "FAILED");
  CHECK(spec.variables.at("NODE") == "18");
  CHECK(spec.variables.at("EMPTY").empty());
  CHECK(spec.commands[static_cast<std::size_t>(scl::codebuild::Phase::kInstall)] ==
        std::vector<std::string>{"npm ci"});
  CHECK(spec.commands[static_cast<std::size_t>(scl::codebuild::Phase::kBuild)] ==
        std::vector<std::string>{"npm test", "npm run lint"});
  CHECK(spec.commands[static_cast<std::size_t>(scl::codebuild::Phase::kPreBuild)].empty());
  REQUIRE(spec.reports.size() == 2);
  CHECK(spec.reports[0].key == "unit");
  CHECK(spec.reports[0].file_format == "JUNITXML");
  CHECK(spec.reports[0].base_directory == "out");
  CHECK_FALSE(spec.reports[0].is_coverage());
  CHECK(spec.reports[1].file_format == "COBERTURAXML");
  CHECK(spec.reports[1].is_coverage());
  CHECK_FALSE(spec.has_batch);
}

// Why: malformed buildspecs must name the YAML problem (the YAML_FILE_ERROR message).
TEST_CASE("parse_buildspec errors name the problem") {
  CHECK(error_of("version: 0.2\nphases:\n  build:\n    commands: [\n") .rfind("yaml: line", 0) == 0);
  CHECK(error_of("phases: {}\n") == "missing version in buildspec");
  CHECK(error_of("version: 0.3\n") == "invalid buildspec version '0.3': expected 0.1 or 0.2");
  CHECK(error_of("- a\n- b\n") == "buildspec must be a YAML mapping");
  CHECK(error_of("version: 0.2\nphases:\n  compile:\n    commands: [make]\n")
            .rfind("unknown phase 'compile' in phases", 0) == 0);
  CHECK(error_of("version: 0.2\nphases:\n  build:\n    commands:\n      - echo: hi\n") ==
        "Expected Commands[0] to be of string type: found subkeys instead at line 5, check "
        "indentation and use of \":\" in commands");
  CHECK(error_of("version: 0.2\nenv:\n  variables:\n    A: [1, 2]\n") ==
        "env.variables.A must be a single value at line 4");
  CHECK(error_of("version: 0.2\nreports:\n  r:\n    file-format: JUNITXML\n") ==
        "reports.r.files is required");
  CHECK(error_of("version: 0.2\nreports:\n  r:\n    files: [a]\n    file-format: PDF\n") ==
        "unknown file-format 'PDF' for report group r");
}

// Why: build-list and build-graph tasks carry identifier, env, buildspec, ignore-failure.
TEST_CASE("parse_batch reads build-list and build-graph") {
  const auto list = parse_batch(R"(version: 0.2
batch:
  fast-fail: true
  build-list:
    - identifier: linux
      env:
        compute-type: BUILD_GENERAL1_MEDIUM
        variables:
          TARGET: linux
    - identifier: windows
      buildspec: windows.yml
      ignore-failure: true
      env:
        type: WINDOWS_SERVER_2019_CONTAINER
        image: aws/codebuild/windows-base:2019-2.0
        privileged-mode: false
)");
  CHECK(list.kind == BatchKind::kList);
  CHECK(list.fast_fail);
  REQUIRE(list.tasks.size() == 2);
  CHECK(list.tasks[0].identifier == "linux");
  CHECK(list.tasks[0].compute_type == "BUILD_GENERAL1_MEDIUM");
  CHECK(list.tasks[0].variables.at("TARGET") == "linux");
  CHECK_FALSE(list.tasks[0].ignore_failure);
  CHECK(list.tasks[1].buildspec == "windows.yml");
  CHECK(list.tasks[1].ignore_failure);
  CHECK(list.tasks[1].type == "WINDOWS_SERVER_2019_CONTAINER");
  CHECK(list.tasks[1].privileged_mode == false);

  const auto graph = parse_batch(R"(version: 0.2
batch:
  build-graph:
    - identifier: a
    - identifier: b
      depend-on: [a]
    - identifier: c
      depend-on:
        - a
        - b
)");
  CHECK(graph.kind == BatchKind::kGraph);
  CHECK_FALSE(graph.fast_fail);
  REQUIRE(graph.tasks.size() == 3);
  CHECK(graph.tasks[2].depend_on == std::vector<std::string>{"a", "b"});
}

// Why: the matrix is the cartesian product of the dynamic lists, static settings on every cell.
TEST_CASE("parse_batch expands build-matrix in the documented order") {
  const auto m = parse_batch(R"(version: 0.2
batch:
  build-matrix:
    static:
      ignore-failure: true
      env:
        privileged-mode: true
    dynamic:
      env:
        image:
          - img1
          - img2
        variables:
          SIMULATE_STATUS: [SUCCEEDED, FAILED]
          FLAVOUR: [x, y, z]
)");
  CHECK(m.kind == BatchKind::kMatrix);
  REQUIRE(m.tasks.size() == 12);
  CHECK(m.tasks[0].identifier == "matrix_1");
  CHECK(m.tasks[11].identifier == "matrix_12");
  // The last dimension varies fastest.
  CHECK(m.tasks[0].image == "img1");
  CHECK(m.tasks[0].variables.at("SIMULATE_STATUS") == "SUCCEEDED");
  CHECK(m.tasks[0].variables.at("FLAVOUR") == "x");
  CHECK(m.tasks[1].variables.at("FLAVOUR") == "y");
  CHECK(m.tasks[3].variables.at("SIMULATE_STATUS") == "FAILED");
  CHECK(m.tasks[6].image == "img2");
  for (const auto& t : m.tasks) {
    CHECK(t.ignore_failure);
    CHECK(t.privileged_mode == true);
  }
}

// Why: batch definition errors fail DOWNLOAD_BATCHSPEC with a readable reason.
TEST_CASE("parse_batch rejects unusable batch sections") {
  CHECK(error_of("version: 0.2\n", true) == "the buildspec has no batch section");
  CHECK(error_of("version: 0.2\nbatch:\n  fast-fail: true\n", true) ==
        "batch needs one of build-list, build-graph or build-matrix");
  CHECK(error_of("version: 0.2\nbatch:\n  build-graph:\n    - identifier: a\n      depend-on: [b]\n",
                 true) == "build 'a' depends on unknown identifier 'b'");
  CHECK(error_of("version: 0.2\nbatch:\n  build-graph:\n    - identifier: a\n      depend-on: [b]\n"
                 "    - identifier: b\n      depend-on: [a]\n",
                 true)
            .find("dependency cycle") != std::string::npos);
  CHECK(error_of("version: 0.2\nbatch:\n  build-list:\n    - identifier: a\n    - identifier: a\n",
                 true) == "duplicate identifier 'a'");
  CHECK(error_of("version: 0.2\nbatch:\n  build-list:\n    - env: {}\n", true) ==
        "batch.build-list[0].identifier is required");
  CHECK(error_of("version: 0.2\nbatch:\n  build-list:\n    - identifier: has-dash\n", true)
            .rfind("identifier 'has-dash' may only contain", 0) == 0);
  CHECK(error_of("version: 0.2\nbatch:\n  build-list:\n    - identifier: a\n      depend-on: [a]\n",
                 true)
            .rfind("unknown key 'depend-on' in batch.build-list[0]", 0) == 0);
  CHECK(error_of("version: 0.2\nbatch:\n  build-fanout:\n    parallelism: 2\n", true) ==
        "batch.build-fanout is not supported by sfn-codebuild-local");
  CHECK(error_of("version: 0.2\nbatch:\n  build-matrix:\n    dynamic:\n      env:\n        variables:\n"
                 "          A: [1,2,3,4,5,6,7,8,9,10]\n          B: [1,2,3,4,5,6,7,8,9,10]\n"
                 "          C: [1,2,3,4,5,6,7,8,9,10,11]\n",
                 true) == "batch.build-matrix expands to more than 1000 builds");
  // A single build ignores the batch section's contents.
  CHECK(parse_buildspec("version: 0.2\nbatch:\n  build-fanout: {}\n").has_batch);
}

// Why (found by tests/fuzz/fuzz_buildspec): the build-graph cycle check was recursive, so a
// long depend-on chain overflowed the stack; it must parse, and still find a cycle at its end.
TEST_CASE("parse_batch handles long build-graph dependency chains") {
  std::string text = "version: 0.2\nbatch:\n  build-graph:\n";
  constexpr int kChain = 10000;
  for (int i = 0; i < kChain; ++i)
    text += "    - identifier: b" + std::to_string(i) + "\n      depend-on: [b" + std::to_string(i + 1) + "]\n";
  CHECK(parse_batch(text + "    - identifier: b" + std::to_string(kChain) + "\n").tasks.size() ==
        kChain + 1);
  CHECK(error_of(text + "    - identifier: b" + std::to_string(kChain) + "\n      depend-on: [b0]\n",
                 true) == "build-graph has a dependency cycle through 'b0'");
}
