#include "engine/codebuild/test_results.hpp"

#include <doctest/doctest.h>

using namespace scl::codebuild;

// Why: JUnit XML is the common report format; statuses, durations, messages, suite names.
TEST_CASE("parse_junit_xml reads testsuites, testcases and their outcomes") {
  const auto cases = parse_junit_xml(R"(<?xml version="1.0" encoding="UTF-8"?>
<!-- produced by a test runner -->
<testsuites name="all" tests="5">
  <testsuite name="math" tests="3" time="0.5">
    <testcase classname="math.Add" name="adds" time="0.25"/>
    <testcase classname="math.Div" name="divides &amp; rounds" time="0.125">
      <failure message="expected 2" type="AssertionError"><![CDATA[at div.py:3 <here>]]></failure>
    </testcase>
    <testcase classname="math.Mod" name="mods"><error message="boom"/></testcase>
  </testsuite>
  <testsuite name="io">
    <testcase name="reads"><skipped/></testcase>
    <testcase name="&#x41;&#66;"><system-out>ok</system-out></testcase>
  </testsuite>
</testsuites>)");
  REQUIRE(cases.size() == 5);
  CHECK(cases[0].suite == "math");
  CHECK(cases[0].prefix == "math.Add");
  CHECK(cases[0].name == "adds");
  CHECK(cases[0].status == "SUCCEEDED");
  CHECK(cases[0].duration_ns == 250'000'000);
  CHECK(cases[1].name == "divides & rounds");
  CHECK(cases[1].status == "FAILED");
  CHECK(cases[1].message == "expected 2\nat div.py:3 <here>");
  CHECK(cases[2].status == "ERROR");
  CHECK(cases[2].message == "boom");
  CHECK(cases[3].status == "SKIPPED");
  CHECK(cases[3].prefix == "io");
  CHECK(cases[4].name == "AB");
  CHECK(cases[4].status == "SUCCEEDED");
  // A single <testsuite> root works too.
  CHECK(parse_junit_xml("<testsuite name='s'><testcase name='t'/></testsuite>").size() == 1);
}

// Why: broken report files must be reported, not crash or be silently accepted.
TEST_CASE("parse_junit_xml rejects malformed XML") {
  CHECK_THROWS_WITH_AS(parse_junit_xml("<testsuite><testcase></testsuite>"),
                       "XML error at line 1: </testsuite> closes <testcase>", ReportFileError);
  CHECK_THROWS_AS(parse_junit_xml("<testsuite name='x'>"), ReportFileError);
  CHECK_THROWS_AS(parse_junit_xml("<html></html>"), ReportFileError);
  CHECK_THROWS_AS(parse_junit_xml("not xml"), ReportFileError);
  CHECK_THROWS_AS(parse_junit_xml("<testsuite a=b/>"), ReportFileError);
  CHECK_THROWS_AS(parse_junit_xml("<testsuite>&bogus;</testsuite>"), ReportFileError);
}

// Why: Cucumber JSON scenarios become test cases; the worst step decides the status.
TEST_CASE("parse_cucumber_json maps scenarios to test cases") {
  const auto cases = parse_cucumber_json(R"([
    {"name": "Login", "uri": "features/login.feature", "elements": [
      {"type": "background", "name": "bg", "steps": [{"result": {"status": "passed"}}]},
      {"type": "scenario", "name": "good password", "steps": [
        {"result": {"status": "passed", "duration": 1000}},
        {"result": {"status": "passed", "duration": 2000}}]},
      {"type": "scenario", "name": "bad password", "steps": [
        {"result": {"status": "failed", "duration": 5, "error_message": "denied"}},
        {"result": {"status": "skipped"}}]},
      {"type": "scenario", "name": "later", "steps": [{"result": {"status": "pending"}}]},
      {"type": "scenario", "name": "odd", "steps": [{"result": {"status": "undefined"}}]}
    ]}])");
  REQUIRE(cases.size() == 4);
  CHECK(cases[0].status == "SUCCEEDED");
  CHECK(cases[0].duration_ns == 3000);
  CHECK(cases[0].suite == "Login");
  CHECK(cases[1].status == "FAILED");
  CHECK(cases[1].message == "denied");
  CHECK(cases[2].status == "SKIPPED");
  CHECK(cases[3].status == "UNKNOWN");
  CHECK_THROWS_AS(parse_cucumber_json("{}"), ReportFileError);
}

// Why: code coverage reports read Cobertura totals.
TEST_CASE("parse_cobertura_xml reads line and branch totals") {
  const auto c = parse_cobertura_xml(
      R"(<?xml version="1.0"?><!DOCTYPE coverage SYSTEM "x.dtd"><coverage line-rate="0.8" lines-covered="80" lines-valid="100" branches-covered="3" branches-valid="4"><packages/></coverage>)");
  CHECK(c.lines_covered == 80);
  CHECK(c.lines_missed == 20);
  CHECK(c.branches_covered == 3);
  CHECK(c.branches_missed == 1);
  CHECK_THROWS_AS(parse_cobertura_xml("<coverage/>"), ReportFileError);
}
