#include "engine/asl/choice.hpp"

#include <doctest/doctest.h>

#include "engine/asl/compiler.hpp"
#include "engine/asl/resource.hpp"
#include "engine/asl/timestamp.hpp"

using scl::asl::Json;

namespace {
// Compiles a one-rule Choice state and evaluates the rule on `input`.
scl::asl::Outcome<bool> eval(const std::string& rule, const std::string& input) {
  const std::string def = R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[)" + rule +
                          R"(],"Default":"S"},"X":{"Type":"Succeed"},"S":{"Type":"Succeed"}}})";
  auto r = scl::asl::compile(def);
  if (!r.ok()) FAIL(r.invalid_definition_message());
  const auto& c = std::get<scl::asl::ChoiceState>(r.machine->top->find("C")->body);
  return scl::asl::evaluate_choice_rule(c.choices.at(0), Json::parse(input), Json::object());
}
bool yes(const std::string& rule, const std::string& input) {
  auto r = eval(rule, input);
  REQUIRE(r.ok());
  return r.value();
}
}  // namespace

// Why: every comparison operator family, including the *Path variants and type mismatches.
TEST_CASE("choice comparisons") {
  CHECK(yes(R"({"Variable":"$.s","StringEquals":"a","Next":"X"})", R"({"s":"a"})"));
  CHECK_FALSE(yes(R"({"Variable":"$.s","StringEquals":"a","Next":"X"})", R"({"s":1})"));
  CHECK(yes(R"({"Variable":"$.s","StringLessThan":"b","Next":"X"})", R"({"s":"a"})"));
  CHECK(yes(R"({"Variable":"$.s","StringGreaterThanEquals":"a","Next":"X"})", R"({"s":"a"})"));
  CHECK(yes(R"({"Variable":"$.n","NumericEquals":1,"Next":"X"})", R"({"n":1.0})"));
  CHECK(yes(R"({"Variable":"$.n","NumericLessThanEquals":1.5,"Next":"X"})", R"({"n":1})"));
  CHECK_FALSE(yes(R"({"Variable":"$.n","NumericGreaterThan":1,"Next":"X"})", R"({"n":"5"})"));
  CHECK(yes(R"({"Variable":"$.n","NumericGreaterThanPath":"$.m","Next":"X"})", R"({"n":5,"m":4})"));
  CHECK(yes(R"({"Variable":"$.b","BooleanEquals":false,"Next":"X"})", R"({"b":false})"));
  CHECK(yes(R"({"Variable":"$.b","BooleanEqualsPath":"$.c","Next":"X"})", R"({"b":true,"c":true})"));
  CHECK(yes(R"({"Variable":"$.t","TimestampEquals":"2024-01-01T01:00:00+01:00","Next":"X"})",
            R"({"t":"2024-01-01T00:00:00Z"})"));
  CHECK(yes(R"({"Variable":"$.t","TimestampLessThan":"2024-01-01T00:00:00.001Z","Next":"X"})",
            R"({"t":"2024-01-01T00:00:00Z"})"));
  CHECK(yes(R"({"Variable":"$.t","TimestampGreaterThanPath":"$.u","Next":"X"})",
            R"({"t":"2024-01-02T00:00:00Z","u":"2024-01-01T00:00:00Z"})"));
  CHECK(yes(R"({"Variable":"$.x","IsNull":true,"Next":"X"})", R"({"x":null})"));
  CHECK(yes(R"({"Variable":"$.x","IsPresent":false,"Next":"X"})", R"({})"));
  CHECK(yes(R"({"Variable":"$.x","IsNumeric":true,"Next":"X"})", R"({"x":2})"));
  CHECK(yes(R"({"Variable":"$.x","IsString":false,"Next":"X"})", R"({"x":2})"));
  CHECK(yes(R"({"Variable":"$.x","IsBoolean":true,"Next":"X"})", R"({"x":true})"));
  CHECK(yes(R"({"Variable":"$.x","IsTimestamp":true,"Next":"X"})", R"({"x":"2016-03-14T01:59:00Z"})"));
  CHECK_FALSE(yes(R"({"Variable":"$.x","IsTimestamp":true,"Next":"X"})", R"({"x":"2016-03-14 01:59"})"));
}

// Why: boolean combinators and StringMatches escapes.
TEST_CASE("choice combinators and StringMatches") {
  CHECK(yes(R"({"And":[{"Variable":"$.a","NumericEquals":1},{"Not":{"Variable":"$.b","StringEquals":"x"}}],"Next":"X"})",
            R"({"a":1,"b":"y"})"));
  CHECK(yes(R"({"Or":[{"Variable":"$.a","NumericEquals":2},{"Variable":"$.a","NumericEquals":1}],"Next":"X"})", R"({"a":1})"));
  CHECK(scl::asl::string_matches("log-2024.txt", "log-*.txt"));
  CHECK(scl::asl::string_matches("abc", "*"));
  CHECK(scl::asl::string_matches("", "*"));
  CHECK(scl::asl::string_matches("a*b", R"(a\*b)"));
  CHECK_FALSE(scl::asl::string_matches("axb", R"(a\*b)"));
  CHECK(scl::asl::string_matches(R"(a\b)", R"(a\\b)"));
  CHECK(scl::asl::string_matches("aXbXc", "a*b*c"));
  CHECK_FALSE(scl::asl::string_matches("abcd", "a*c"));
}

// Why: a missing Variable is a States.Runtime error (AWS fails the execution), not "false".
TEST_CASE("choice missing variable") {
  auto r = eval(R"({"Variable":"$.nope","StringEquals":"a","Next":"X"})", "{}");
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().error == "States.Runtime");
  CHECK(r.failure().cause.value().find("Invalid path '$.nope'") == 0);
}

// Why: timestamps and ARNs are parsed by hand; check their edge cases.
TEST_CASE("timestamp and resource parsing") {
  using scl::asl::parse_rfc3339;
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z")->seconds == 0);
  CHECK(parse_rfc3339("2000-02-29T12:00:00.5Z")->nanos == 500000000);
  CHECK_FALSE(parse_rfc3339("2001-02-29T12:00:00Z").has_value());
  CHECK_FALSE(parse_rfc3339("2001-01-01t12:00:00Z").has_value());
  CHECK_FALSE(parse_rfc3339("2001-01-01T12:00:00").has_value());
  CHECK(scl::asl::format_iso8601_ms(1700000000123) == "2023-11-14T22:13:20.123Z");
  CHECK(scl::asl::format_iso8601_ms(0) == "1970-01-01T00:00:00.000Z");

  auto r = scl::asl::parse_resource_arn("arn:aws:states:::aws-sdk:codebuild:batchGetBuilds");
  REQUIRE(r);
  CHECK(r->history_resource_type() == "aws-sdk:codebuild");
  CHECK(r->history_resource() == "batchGetBuilds");
  r = scl::asl::parse_resource_arn("arn:aws:states:::states:startExecution.sync:2");
  REQUIRE(r);
  CHECK(r->pattern == scl::asl::IntegrationPattern::kSync);
  CHECK(r->history_resource() == "startExecution.sync:2");
  r = scl::asl::parse_resource_arn("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
  REQUIRE(r);
  CHECK(r->pattern == scl::asl::IntegrationPattern::kWaitForTaskToken);
  r = scl::asl::parse_resource_arn("arn:aws:states:us-east-1:123456789012:activity:act");
  REQUIRE(r);
  CHECK(r->kind == scl::asl::ResourceRef::Kind::kActivity);
  r = scl::asl::parse_resource_arn("arn:aws:lambda:us-east-1:123456789012:function:fn");
  REQUIRE(r);
  CHECK(r->kind == scl::asl::ResourceRef::Kind::kLambda);
  CHECK_FALSE(scl::asl::parse_resource_arn("arn:aws:states:::codebuild:startBuild.bogus"));
  CHECK_FALSE(scl::asl::parse_resource_arn("arn:aws:states:::codebuild"));
  CHECK_FALSE(scl::asl::parse_resource_arn("nope"));
}
