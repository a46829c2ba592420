#include "engine/codebuild/simulation.hpp"

#include <doctest/doctest.h>

#include "engine/core/aws_error.hpp"

using namespace scl::codebuild;

// Why: SIMULATE_PHASE_SECONDS and --phase-seconds share this parser.
TEST_CASE("phase seconds parse") {
  std::array<TimeMs, kPhaseCount> d{};
  parse_phase_seconds("BUILD=30, INSTALL=0.5,QUEUED=0", d);
  CHECK(d[static_cast<std::size_t>(Phase::kBuild)] == 30'000);
  CHECK(d[static_cast<std::size_t>(Phase::kInstall)] == 500);
  CHECK_THROWS_AS(parse_phase_seconds("BUILD", d), std::invalid_argument);
  CHECK_THROWS_AS(parse_phase_seconds("COMPLETED=1", d), std::invalid_argument);
  CHECK_THROWS_AS(parse_phase_seconds("BUILD=-1", d), std::invalid_argument);
  CHECK_THROWS_AS(parse_phase_seconds("BUILD=abc", d), std::invalid_argument);
}

// Why: the environment decides outcome and timing; bad values are rejected clearly.
TEST_CASE("make_plan reads SIMULATE_* variables") {
  SimulationDefaults defaults;
  EnvMap env{{"SIMULATE_STATUS", "FAILED"},
             {"SIMULATE_FAILED_PHASE", "PRE_BUILD"},
             {"SIMULATE_PHASE_SECONDS", "BUILD=30"},
             {"SIMULATE_FINALIZE_SECONDS", "7"}};
  auto plan = make_plan(1000, defaults, env, 60, 480);
  CHECK(plan.outcome == Status::kFailed);
  CHECK(plan.failed_phase == Phase::kPreBuild);
  CHECK(plan.duration_ms[static_cast<std::size_t>(Phase::kBuild)] == 30'000);
  CHECK(plan.stop_finalize_ms == 7'000);
  CHECK(plan.timeout_ms == 3'600'000);

  auto err = [&](EnvMap e) {
    try {
      make_plan(0, defaults, e, 60, 480);
    } catch (const scl::core::AwsError& ex) {
      return ex.type() + ": " + ex.what();
    }
    return std::string("no error");
  };
  CHECK(err({{"SIMULATE_STATUS", "MAYBE"}}).rfind("InvalidInputException: Invalid SIMULATE_STATUS", 0) == 0);
  CHECK(err({{"SIMULATE_STATUS", "STOPPED"}}) != "no error");
  CHECK(err({{"SIMULATE_FAILED_PHASE", "COMPLETED"}}) != "no error");
  CHECK(err({{"SIMULATE_PHASE_SECONDS", "BUILD=x"}}) != "no error");
}

// Why: plans are stored as text and must round-trip exactly (restart resume).
TEST_CASE("plan json round trip") {
  SimulationDefaults defaults;
  auto plan = make_plan(123456, defaults, {{"SIMULATE_STATUS", "TIMED_OUT"}}, 5, 7);
  auto back = plan_from_json(plan_to_json(plan));
  CHECK(back.start_ms == plan.start_ms);
  CHECK(back.duration_ms == plan.duration_ms);
  CHECK(back.outcome == plan.outcome);
  CHECK(back.failed_phase == plan.failed_phase);
  CHECK(back.timeout_ms == plan.timeout_ms);
  CHECK(back.queued_timeout_ms == plan.queued_timeout_ms);
  CHECK(back.stop_finalize_ms == plan.stop_finalize_ms);
  CHECK_THROWS_AS(plan_from_json("{}"), std::runtime_error);
}

// Why: the rules file applies by project name glob, first match wins over defaults.
TEST_CASE("rules file globs") {
  auto rules = SimulationRules::parse(R"({
    "defaults": {"SIMULATE_PHASE_SECONDS": "BUILD=1"},
    "rules": [{"project": "nightly-*", "env": {"SIMULATE_STATUS": "FAILED"}},
              {"project": "*", "env": {"SIMULATE_STATUS": "SUCCEEDED"}}]})");
  CHECK(rules.env_for("nightly-x").at("SIMULATE_STATUS") == "FAILED");
  CHECK(rules.env_for("other").at("SIMULATE_STATUS") == "SUCCEEDED");
  CHECK(rules.env_for("other").at("SIMULATE_PHASE_SECONDS") == "BUILD=1");
  CHECK_THROWS(SimulationRules::parse(R"({"rule": []})"));
  CHECK_THROWS(SimulationRules::parse(R"({"rules": [{"env": {}}]})"));
  CHECK(glob_match("a*c", "abbbc"));
  CHECK_FALSE(glob_match("a*c", "abbbd"));
  CHECK(glob_match("*", ""));
}
