#include "engine/codebuild/reports.hpp"

#include <filesystem>
#include <fstream>

#include "batch_fixture.hpp"

using namespace batch_test;

namespace {
const char* kSpec = R"(version: 0.2
phases:
  build:
    commands: [pytest --junitxml=out/junit.xml]
reports:
  unit:
    files: [junit.xml]
    base-directory: out
  cov:
    files: [coverage.xml]
    file-format: COBERTURAXML
)";

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = (std::filesystem::temp_directory_path() / name).string();
  std::ofstream(path) << text;
  return path;
}

const char* kJunit = R"(<testsuites>
  <testsuite name="math">
    <testcase classname="math" name="adds" time="0.5"/>
    <testcase classname="math" name="divides" time="0.25"><failure message="div"/></testcase>
    <testcase classname="math" name="mods"/>
  </testsuite>
  <testsuite name="io">
    <testcase classname="io" name="reads" time="1"><error message="eof"/></testcase>
    <testcase classname="io" name="writes"><skipped/></testcase>
  </testsuite>
</testsuites>)";

json report(Fixture& f, const std::string& arn) {
  auto out = f.reports->batch_get_reports(f.caller, {{"reportArns", {arn}}});
  REQUIRE(out["reports"].size() == 1);
  return out["reports"][0];
}
}  // namespace

// Why: a buildspec `reports` section creates <project>-<key> groups and one report per group,
// GENERATING while the build runs, with reportArns on the build (reference 2.11, F-052, F-053).
TEST_CASE("a build with reports creates groups and GENERATING reports, then synthetic results") {
  Fixture f;
  f.create("app", kSpec);
  auto b = f.start_build("app");
  REQUIRE(b["reportArns"].size() == 2);
  const std::string unit_arn = b["reportArns"][0];
  CHECK(unit_arn.rfind("arn:aws:codebuild:us-east-1:123456789012:report/app-unit:", 0) == 0);
  auto gen = report(f, unit_arn);
  CHECK(gen["status"] == "GENERATING");
  CHECK(gen["name"] == "app-unit");
  CHECK(gen["type"] == "TEST");
  CHECK(gen["reportGroupArn"] == "arn:aws:codebuild:us-east-1:123456789012:report-group/app-unit");
  CHECK(gen["executionId"] == b["arn"]);
  CHECK(gen["created"] == at(0));
  CHECK(gen["expired"] == at(30 * 24 * 3600));
  CHECK(gen["exportConfig"] == json{{"exportConfigType", "NO_EXPORT"}});
  CHECK(gen["truncated"] == false);
  auto groups = f.reports->batch_get_report_groups(
      f.caller, {{"reportGroupArns",
                  {"arn:aws:codebuild:us-east-1:123456789012:report-group/app-cov", "nope"}}});
  CHECK(groups["reportGroups"][0]["type"] == "CODE_COVERAGE");
  CHECK(groups["reportGroups"][0]["status"] == "ACTIVE");
  CHECK(groups["reportGroupsNotFound"] == json::array({"nope"}));

  f.advance(60);
  auto done = report(f, unit_arn);
  CHECK(done["status"] == "SUCCEEDED");
  CHECK(done["testSummary"]["total"] == 1);
  CHECK(done["testSummary"]["statusCounts"] ==
        json{{"ERROR", 0}, {"FAILED", 0}, {"SKIPPED", 0}, {"SUCCEEDED", 1}, {"UNKNOWN", 0}});
  CHECK(done["testSummary"]["durationInNanoSeconds"] == 2'000'000'000);
  auto cov = report(f, b["reportArns"][1]);
  CHECK(cov["status"] == "SUCCEEDED");
  CHECK(cov["codeCoverageSummary"]["linesCovered"] == 0);
  CHECK_FALSE(cov.contains("testSummary"));
  CHECK(f.build(b["id"])["reportArns"] == b["reportArns"]);
}

// Why: synthetic reports follow the build outcome: FAILED -> a failed case, STOPPED -> INCOMPLETE.
TEST_CASE("synthetic reports of failed and stopped builds") {
  Fixture f;
  f.create("app", kSpec);
  auto failed = f.start_build("app", {{"environmentVariablesOverride", env({{"SIMULATE_STATUS", "FAILED"}})}});
  auto stopped = f.start_build("app");
  f.advance(2);
  f.builds->stop_build(f.caller, {{"id", stopped["id"]}});
  f.advance(60);
  auto fr = report(f, failed["reportArns"][0]);
  CHECK(fr["status"] == "FAILED");
  CHECK(fr["testSummary"]["statusCounts"]["FAILED"] == 1);
  auto cases = f.reports->describe_test_cases(f.caller, {{"reportArn", failed["reportArns"][0]}});
  REQUIRE(cases["testCases"].size() == 1);
  CHECK(cases["testCases"][0]["message"] ==
        "Simulated failure: build " + failed["id"].get<std::string>() + " ended FAILED");
  auto sr = report(f, stopped["reportArns"][0]);
  CHECK(sr["status"] == "INCOMPLETE");
  CHECK(sr["testSummary"]["total"] == 0);
  CHECK(report(f, stopped["reportArns"][1])["status"] == "INCOMPLETE");
}

// Why: SIMULATE_REPORT_FILE gives real test cases; DescribeTestCases filters and paginates.
TEST_CASE("SIMULATE_REPORT_FILE: JUnit results, DescribeTestCases filters and pages") {
  Fixture f;
  const auto junit = write_temp("scl_reports_junit.xml", kJunit);
  const auto cobertura = write_temp(
      "scl_reports_cov.xml",
      R"(<coverage lines-covered="3" lines-valid="4" branches-covered="1" branches-valid="3"/>)");
  f.create("app", kSpec);
  auto b = f.start_build("app", {{"environmentVariablesOverride",
                                  env({{"SIMULATE_REPORT_FILE", junit.c_str()},
                                       {"SIMULATE_REPORT_FILE_cov", cobertura.c_str()}})}});
  f.advance(60);
  const std::string arn = b["reportArns"][0];
  auto r = report(f, arn);
  CHECK(r["status"] == "FAILED");
  CHECK(r["testSummary"]["total"] == 5);
  CHECK(r["testSummary"]["statusCounts"] ==
        json{{"ERROR", 1}, {"FAILED", 1}, {"SKIPPED", 1}, {"SUCCEEDED", 2}, {"UNKNOWN", 0}});
  CHECK(r["testSummary"]["durationInNanoSeconds"] == 1'750'000'000);
  auto cov = report(f, b["reportArns"][1]);
  CHECK(cov["codeCoverageSummary"] == json{{"lineCoveragePercentage", 75.0},
                                           {"linesCovered", 3},
                                           {"linesMissed", 1},
                                           {"branchCoveragePercentage", 33.33},
                                           {"branchesCovered", 1},
                                           {"branchesMissed", 2}});

  auto all = f.reports->describe_test_cases(f.caller, {{"reportArn", arn}});
  REQUIRE(all["testCases"].size() == 5);
  const json first = all["testCases"][0];
  CHECK(first["reportArn"] == arn);
  CHECK(first["prefix"] == "math");
  CHECK(first["name"] == "adds");
  CHECK(first["testSuiteName"] == "math");
  CHECK(first["testRawDataPath"] == junit);
  CHECK(first["durationInNanoSeconds"] == 500'000'000);
  CHECK(first["expired"] == r["expired"]);
  CHECK(f.reports->describe_test_cases(f.caller, {{"reportArn", arn}, {"filter", {{"status", "ERROR"}}}})
            ["testCases"][0]["name"] == "reads");
  auto io = f.reports->describe_test_cases(f.caller, {{"reportArn", arn}, {"filter", {{"keyword", "io"}}}});
  CHECK(io["testCases"].size() == 2);
  auto p1 = f.reports->describe_test_cases(f.caller, {{"reportArn", arn}, {"maxResults", 2}});
  CHECK(p1["testCases"].size() == 2);
  auto p2 = f.reports->describe_test_cases(
      f.caller, {{"reportArn", arn}, {"maxResults", 2}, {"nextToken", p1["nextToken"]}});
  CHECK(p2["testCases"][0]["name"] == "mods");
  auto p3 = f.reports->describe_test_cases(
      f.caller, {{"reportArn", arn}, {"maxResults", 2}, {"nextToken", p2["nextToken"]}});
  CHECK(p3["testCases"].size() == 1);
  CHECK_FALSE(p3.contains("nextToken"));
  CHECK(f.error_of([&] { f.reports->describe_test_cases(f.caller, {{"reportArn", arn + "x"}}); })
            .rfind("ResourceNotFoundException", 0) == 0);

  // An unreadable file gives a FAILED, empty report.
  auto bad = f.start_build("app", {{"environmentVariablesOverride",
                                    env({{"SIMULATE_REPORT_FILE", "/nonexistent/junit.xml"}})}});
  f.advance(60);
  CHECK(report(f, bad["reportArns"][0])["status"] == "FAILED");
  CHECK(report(f, bad["reportArns"][0])["testSummary"]["total"] == 0);
  std::filesystem::remove(junit);
  std::filesystem::remove(cobertura);
}

// Why: report group CRUD and the report listing operations.
TEST_CASE("report group and report operations") {
  Fixture f;
  auto g = f.reports->create_report_group(
      f.caller, {{"name", "manual"}, {"type", "TEST"}, {"exportConfig", {{"exportConfigType", "NO_EXPORT"}}}})
               ["reportGroup"];
  CHECK(g["arn"] == "arn:aws:codebuild:us-east-1:123456789012:report-group/manual");
  CHECK(g["tags"] == json::array());
  CHECK(f.error_of([&] {
          f.reports->create_report_group(f.caller, {{"name", "manual"}, {"type", "TEST"},
                                                    {"exportConfig", {{"exportConfigType", "NO_EXPORT"}}}});
        }).rfind("ResourceAlreadyExistsException", 0) == 0);
  CHECK(f.error_of([&] {
          f.reports->create_report_group(f.caller, {{"name", "s3"}, {"type", "TEST"},
                                                    {"exportConfig", {{"exportConfigType", "S3"}}}});
        }).rfind("InvalidInputException", 0) == 0);
  f.advance(5);
  auto u = f.reports->update_report_group(
      f.caller, {{"arn", g["arn"]}, {"tags", {{{"key", "team"}, {"value", "qa"}}}}})["reportGroup"];
  CHECK(u["tags"][0]["key"] == "team");
  CHECK(u["lastModified"] == at(5));
  CHECK(u["created"] == at(0));

  // A buildspec report key may be the ARN of an existing group.
  f.create("app", std::string("version: 0.2\nreports:\n  ") + g["arn"].get<std::string>() +
                      ":\n    files: [a.xml]\n  unit:\n    files: [b.xml]\n");
  auto b1 = f.start_build("app");
  REQUIRE(b1["reportArns"].size() == 2);
  CHECK(b1["reportArns"][0].get<std::string>().find(":report/manual:") != std::string::npos);
  f.advance(10);
  auto b2 = f.start_build("app", {{"environmentVariablesOverride", env({{"SIMULATE_STATUS", "FAILED"}})}});
  f.advance(10);

  auto names = f.reports->list_report_groups(f.caller, json::object())["reportGroups"];
  CHECK(names == json::array({"arn:aws:codebuild:us-east-1:123456789012:report-group/app-unit",
                              "arn:aws:codebuild:us-east-1:123456789012:report-group/manual"}));
  auto by_created = f.reports->list_report_groups(
      f.caller, {{"sortBy", "CREATED_TIME"}, {"sortOrder", "DESCENDING"}, {"maxResults", 1}});
  CHECK(by_created["reportGroups"] == json::array({"arn:aws:codebuild:us-east-1:123456789012:report-group/app-unit"}));
  CHECK(f.reports->list_report_groups(f.caller, {{"sortBy", "CREATED_TIME"}, {"sortOrder", "DESCENDING"},
                                                 {"nextToken", by_created["nextToken"]}})["reportGroups"]
            .size() == 1);

  auto all = f.reports->list_reports(f.caller, json::object())["reports"];
  CHECK(all == json::array({b2["reportArns"][1], b2["reportArns"][0], b1["reportArns"][1], b1["reportArns"][0]}));
  CHECK(f.reports->list_reports(f.caller, {{"filter", {{"status", "FAILED"}}}})["reports"].size() == 2);
  CHECK(f.reports->list_reports_for_report_group(f.caller, {{"reportGroupArn", g["arn"]}, {"sortOrder", "ASCENDING"}})
            ["reports"] == json::array({b1["reportArns"][0], b2["reportArns"][0]}));
  CHECK(f.error_of([&] {
          f.reports->list_reports_for_report_group(
              f.caller, {{"reportGroupArn", "arn:aws:codebuild:us-east-1:123456789012:report-group/zz"}});
        }).rfind("ResourceNotFoundException", 0) == 0);

  auto trend = f.reports->get_report_group_trend(f.caller, {{"reportGroupArn", g["arn"]}, {"trendField", "PASS_RATE"}});
  CHECK(trend["stats"] == json{{"average", "50"}, {"max", "100"}, {"min", "0"}});
  CHECK(trend["rawData"] == json::array({{{"reportArn", b2["reportArns"][0]}, {"data", "0"}},
                                         {{"reportArn", b1["reportArns"][0]}, {"data", "100"}}}));
  auto one = f.reports->get_report_group_trend(
      f.caller, {{"reportGroupArn", g["arn"]}, {"trendField", "TOTAL"}, {"numOfReports", 1}});
  CHECK(one["rawData"].size() == 1);

  // Deleting a group with reports needs deleteReports (model doc); DeleteReport removes one.
  CHECK(f.error_of([&] { f.reports->delete_report_group(f.caller, {{"arn", g["arn"]}}); })
            .rfind("InvalidInputException", 0) == 0);
  f.reports->delete_report(f.caller, {{"arn", b1["reportArns"][0]}});
  CHECK(f.reports->batch_get_reports(f.caller, {{"reportArns", {b1["reportArns"][0]}}})["reportsNotFound"] ==
        json::array({b1["reportArns"][0]}));
  f.reports->delete_report_group(f.caller, {{"arn", g["arn"]}, {"deleteReports", true}});
  CHECK(f.reports->batch_get_reports(f.caller, {{"reportArns", {b2["reportArns"][0]}}})["reportsNotFound"].size() == 1);
  CHECK(f.reports->batch_get_report_groups(f.caller, {{"reportGroupArns", {g["arn"]}}})["reportGroupsNotFound"].size() == 1);
}

// Why: a report still GENERATING when the emulator stops is finished after a restart.
TEST_CASE("reports resume after a restart") {
  const auto path = (std::filesystem::temp_directory_path() / "scl_reports_restart_test.db").string();
  std::filesystem::remove(path);
  std::string arn;
  scl::core::TimeMs at_stop = 0;
  {
    Fixture f(path);
    f.create("app", kSpec);
    arn = f.start_build("app")["reportArns"][0];
    f.advance(2);
    at_stop = f.clock.now_ms();
  }
  {
    Fixture f(path, at_stop);
    f.builds->recover();
    CHECK(f.reports->recover() == 2);
    f.advance(60);
    CHECK(report(f, arn)["status"] == "SUCCEEDED");
  }
  std::filesystem::remove(path);
}
