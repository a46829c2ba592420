#pragma once
// Builds, batches and reports on a manual clock with an in-memory database, for the batch,
// report and buildspec-in-a-build tests.

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <string>

#include "engine/codebuild/batch_service.hpp"
#include "engine/codebuild/reports.hpp"
#include "engine/codebuild/service.hpp"
#include "engine/core/aws_error.hpp"
#include "store/migrations.hpp"

namespace batch_test {

using scl::codebuild::json;
inline constexpr scl::core::TimeMs kT0 = 1'700'000'000'000;

struct Fixture {
  explicit Fixture(const std::string& path = ":memory:", scl::core::TimeMs start = kT0)
      : db(path), clock(start), scheduler(clock) {
    scl::store::migrate(db);
    builds = std::make_unique<scl::codebuild::CodeBuildService>(db, scheduler, ids, options);
    reports = std::make_unique<scl::codebuild::ReportService>(db, scheduler, ids, *builds);
    batches = std::make_unique<scl::codebuild::BatchService>(
        db, scheduler, ids, *builds, scl::codebuild::BatchOptions{options.defaults, options.rules});
  }
  ~Fixture() {
    batches.reset();
    reports.reset();
    builds.reset();
  }
  scl::store::Database db;
  scl::core::ManualClock clock;
  scl::core::ManualScheduler scheduler;
  scl::core::SequentialIdSource ids;
  scl::codebuild::ServiceOptions options;
  std::unique_ptr<scl::codebuild::CodeBuildService> builds;
  std::unique_ptr<scl::codebuild::ReportService> reports;
  std::unique_ptr<scl::codebuild::BatchService> batches;
  scl::codebuild::Caller caller{{"123456789012", "us-east-1"}, "AKIDTEST"};

  json create(const std::string& name, const std::string& buildspec, json extra = json::object()) {
    json in = {{"name", name},
               {"source", {{"type", "NO_SOURCE"}, {"buildspec", buildspec}}},
               {"artifacts", {{"type", "NO_ARTIFACTS"}}},
               {"environment",
                {{"type", "LINUX_CONTAINER"},
                 {"image", "aws/codebuild/standard:7.0"},
                 {"computeType", "BUILD_GENERAL1_SMALL"}}},
               {"serviceRole", "arn:aws:iam::123456789012:role/cb"},
               {"buildBatchConfig", {{"serviceRole", "arn:aws:iam::123456789012:role/batch"}}}};
    in.update(extra);
    if (in["buildBatchConfig"].is_null()) in.erase("buildBatchConfig");
    return builds->create_project(caller, in)["project"];
  }
  json start_build(const std::string& project, json extra = json::object()) {
    json in = {{"projectName", project}};
    in.update(extra);
    return builds->start_build(caller, in)["build"];
  }
  json build(const std::string& id) {
    auto b = builds->get_build(caller.scope, id);
    REQUIRE(b.has_value());
    return *b;
  }
  json start_batch(const std::string& project, json extra = json::object()) {
    json in = {{"projectName", project}};
    in.update(extra);
    return batches->start_build_batch(caller, in)["buildBatch"];
  }
  json batch(const std::string& id) {
    auto b = batches->get_batch(caller.scope, id);
    REQUIRE(b.has_value());
    return *b;
  }
  void advance(double seconds) {
    scheduler.advance_by(static_cast<scl::core::TimeMs>(seconds * 1000.0));
  }
  std::string error_of(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const scl::core::AwsError& e) {
      return e.type() + ": " + e.what();
    }
    return "no error";
  }
};

/// The wire timestamp `seconds` after kT0.
inline json at(double seconds) {
  return static_cast<double>(kT0 + static_cast<scl::core::TimeMs>(seconds * 1000.0)) / 1000.0;
}

inline json env(std::initializer_list<std::pair<const char*, const char*>> vars) {
  json out = json::array();
  for (auto [k, v] : vars) out.push_back({{"name", k}, {"value", v}});
  return out;
}

inline json phase(const json& doc, const std::string& type) {
  json found;
  for (const auto& p : doc["phases"])
    if (p["phaseType"] == type) found = p;
  REQUIRE_MESSAGE(!found.is_null(), "no phase " << type << " in " << doc["phases"].dump());
  return found;
}

inline std::vector<std::string> phase_types(const json& doc) {
  std::vector<std::string> out;
  for (const auto& p : doc["phases"]) out.push_back(p["phaseType"]);
  return out;
}

/// The build group with this identifier.
inline json group(const json& batch, const std::string& identifier) {
  for (const auto& g : batch["buildGroups"])
    if (g["identifier"] == identifier) return g;
  FAIL("no build group " << identifier);
  return {};
}

/// "<project>:<uuid>" of a group's current build.
inline std::string group_build(const json& batch, const std::string& identifier) {
  const std::string arn = group(batch, identifier)["currentBuildSummary"]["arn"];
  return arn.substr(arn.find(":build/") + 7);
}

}  // namespace batch_test
