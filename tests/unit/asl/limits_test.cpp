#include "engine/asl/limits.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "engine/asl/choice.hpp"
#include "engine/asl/jsonpath.hpp"
#include "harness.hpp"

using scl::asl::EvalBudget;
using scl::asl::Json;
using scl::asl::JsonPath;
using scl::asl::testing::compile_or_die;
using scl::asl::testing::run;

namespace {

// A one-state machine: a Pass state with the given extra fields.
std::string pass_with(const std::string& fields) {
  return R"({"StartAt":"P","States":{"P":{"Type":"Pass",)" + fields + R"(,"End":true}}})";
}

std::string nested_arrays(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

// Why (issue 11 finding 1): a back-reference filter as InputPath over 200,000 characters crashed
// the server (libstdc++'s recursive matcher overflowed the stack). On PCRE2 it simply matches.
TEST_CASE("back-reference filter over a 200,000-character subject") {
  const auto m = compile_or_die(pass_with(R"("InputPath":"$.a[?(@.s =~ /(a)\\1*/)]")"));
  const Json input = {{"a", Json::array({Json{{"s", std::string(200000, 'a')}}, Json{{"s", "b"}}})}};
  const auto r = run(m, input);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kSucceeded);
  CHECK(Json::parse(*r.output).size() == 1);
}

// Why (issue 11 finding 1): /(a*)*\1b/ on 30 characters kept a server thread at 100% CPU for
// over a minute. PCRE2 sees that no 'b' is there and answers at once; a subject that defeats
// that shortcut hits the match limit, which fails the state with States.Runtime, naming it.
TEST_CASE("catastrophic filter regex fails the state with States.Runtime") {
  const auto m = compile_or_die(pass_with(R"("InputPath":"$.a[?(@.s =~ /(a*)*\\1b/)]")"));
  auto r = run(m, Json{{"a", Json::array({Json{{"s", std::string(30, 'a')}}})}});
  REQUIRE(r.status == scl::asl::ExecutionStatus::kSucceeded);
  CHECK(*r.output == "[]");

  const auto t0 = std::chrono::steady_clock::now();
  r = run(m, Json{{"a", Json::array({Json{{"s", std::string(30, 'a') + "cb"}}})}});
  CHECK(seconds_since(t0) < 5.0);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  REQUIRE(r.cause.has_value());
  CHECK(*r.cause ==
        "An error occurred while executing the state 'P' (entered at the event id #2). The "
        "regular expression of the JSONPath '$.a[?(@.s =~ /(a*)*\\1b/)]' (filter /(a*)*\\1b/) "
        "exceeded the regular expression match limit (500000 steps, depth 10000, 16384 KiB) on a "
        "subject of 32 bytes.");
  CHECK(Json(r.types()) == Json::array({"ExecutionStarted", "PassStateEntered", "ExecutionFailed"}));
}

// Why (issue 11 finding 2): StringMatches backtracked quadratically; "*" + 131,000 "a" + "b"
// against 262,000 characters took 6.9 s per evaluation. It is linear now.
TEST_CASE("StringMatches is linear") {
  const std::string pattern = "*" + std::string(131000, 'a') + "b";
  const std::string value = std::string(262000, 'a');
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(scl::asl::string_matches(value, pattern));
  CHECK(scl::asl::string_matches(value + "b", pattern));
  CHECK_FALSE(scl::asl::string_matches(value, "*" + std::string(131000, 'a') + "b*"));
  CHECK(scl::asl::string_matches(value + "b" + value, "*" + std::string(131000, 'a') + "b*"));
  CHECK(seconds_since(t0) < 1.0);
  // Pieces are found in order, leftmost, and the first and last are anchored.
  CHECK(scl::asl::string_matches("abcabc", "a*c*c"));
  CHECK_FALSE(scl::asl::string_matches("abc", "abc*c"));
  CHECK(scl::asl::string_matches("xaaab", "x*aab"));
  CHECK(scl::asl::string_matches("aab", "*ab"));
  CHECK_FALSE(scl::asl::string_matches("ab", "a*ab"));
  CHECK(scl::asl::string_matches("a*b", "a\\*b"));
  CHECK(scl::asl::string_matches("a\\b", "a\\b"));  // a lone backslash is literal
  CHECK(scl::asl::string_matches("", ""));
  CHECK_FALSE(scl::asl::string_matches("x", ""));
}

// Why (issue 11 finding 3): "$..*..*..*" on 280 bytes of nested arrays took 8.2 s and 2.9 GiB,
// growing as depth^4. Its result cannot fit the payload limit, which is known as soon as the last
// segment has more matches than 256 KiB can hold: States.DataLimitExceeded. A longer chain blows
// up in its middle segments and stops on the work budget: States.Runtime. Both in bounded steps.
TEST_CASE("chained recursive descent stops on the budget") {
  const Json input = Json::parse(nested_arrays(140));
  auto t0 = std::chrono::steady_clock::now();
  auto r = run(compile_or_die(pass_with(R"("InputPath":"$..*..*..*")")), input);
  CHECK(seconds_since(t0) < 5.0);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.DataLimitExceeded");
  CHECK(*r.cause ==
        "The value of the JSONPath '$..*..*..*' has a size exceeding the maximum number of bytes "
        "service limit (262144 bytes).");

  t0 = std::chrono::steady_clock::now();
  r = run(compile_or_die(pass_with(R"("InputPath":"$..*..*..*..*..*")")), input);
  CHECK(seconds_since(t0) < 5.0);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  CHECK(*r.cause ==
        "An error occurred while executing the state 'P' (entered at the event id #2). The "
        "evaluation of the JSONPath '$..*..*..*..*..*' exceeded the emulator's work limit for one "
        "state (1000000 units).");

  // The work is counted, not timed: the same input stops at the same unit, every time.
  EvalBudget b1, b2;
  const auto p = JsonPath::parse("$..*..*..*..*..*");
  CHECK_FALSE(p.evaluate(input, b1).ok());
  CHECK_FALSE(p.evaluate(input, b2).ok());
  CHECK(b1.used() == b2.used());
  CHECK(b1.used() <= scl::asl::default_eval_limits().work_units + 1);
  // Shallow input still works: [[[[]]]] has one match.
  CHECK(JsonPath::parse("$..*..*..*").find(Json::parse(nested_arrays(4)))->size() == 1);
}

// Why (issue 11 finding 3): a result that cannot fit the 256 KiB payload limit stops as soon as
// that is certain, with States.DataLimitExceeded (AWS's error for oversized payloads), before it
// is copied.
TEST_CASE("a path result larger than the payload limit is States.DataLimitExceeded") {
  Json input = Json::object();
  input["s"] = std::string(100000, 'x');
  input["t"] = std::string(100000, 'y');
  input["u"] = std::string(60000, 'z');
  const auto p = JsonPath::parse("$..*");  // the three strings
  EvalBudget budget;
  CHECK(p.evaluate(input, budget).ok());  // 260 KB of strings: fits
  const auto q = JsonPath::parse("$['s','t','u','s']");
  auto r = q.evaluate(input, budget);
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().error == "States.DataLimitExceeded");
  CHECK(*r.failure().cause ==
        "The value of the JSONPath '$['s','t','u','s']' has a size exceeding the maximum number of "
        "bytes service limit (262144 bytes).");
}

// Why (issue 11 finding 4): a payload template with many copies of a large input built hundreds
// of megabytes; it now stops at the payload limit.
TEST_CASE("payload templates and intrinsics stop at the payload limit") {
  std::string fields;
  for (int i = 0; i < 1000; ++i) fields += (i ? "," : "") + std::string("\"f") + std::to_string(i) + ".$\":\"$\"";
  const auto m = compile_or_die(pass_with("\"Parameters\":{" + fields + "}"));
  const Json input = {{"s", std::string(200000, 'x')}};
  auto r = run(m, input);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.DataLimitExceeded");
  CHECK(*r.cause ==
        "The value of the payload template field 'f1.$' has a size exceeding the maximum number "
        "of bytes service limit (262144 bytes).");

  std::string args;
  for (int i = 0; i < 1000; ++i) args += (i ? ", $" : "$");
  const auto m2 = compile_or_die(pass_with(R"("Parameters":{"x.$":"States.Array()" + args + ")\"}"));
  r = run(m2, input);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.DataLimitExceeded");
  CHECK(r.cause->find("The value of the intrinsic function States.Array in the field 'x.$'") == 0);
}

// Why (issue 11 finding 4): every evaluation of a state draws from one counted budget, Choice
// rules included; an expensive rule fails the state with States.Runtime and a clear cause.
TEST_CASE("Choice rules draw from the state's budget") {
  const std::string def = R"({"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[
      {"Variable":"$..*..*..*..*..*","IsPresent":true,"Next":"D"}],"Default":"D"},
      "D":{"Type":"Succeed"}}})";
  const auto r = run(compile_or_die(def), Json::parse(nested_arrays(140)));
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  CHECK(r.cause->find("exceeded the emulator's work limit for one state") != std::string::npos);
}

// Why (issue 11 finding 4): the Map item selection of one batch shares one budget, so a Map
// whose ItemSelector repeats an expensive path per item stops instead of multiplying the cost.
TEST_CASE("Map item selection draws from one budget") {
  const std::string def = R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
      "ItemSelector":{"n.$":"$.deep..*..*"},
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}})";
  Json input = Json::object();
  input["items"] = Json::array();
  for (int i = 0; i < 400; ++i) input["items"].push_back(i);
  input["deep"] = Json::parse(nested_arrays(60));
  // One item's selection costs ~60^3/6 + ... units: well within the budget on its own.
  EvalBudget one;
  REQUIRE(JsonPath::parse("$.deep..*..*").evaluate(input, one).ok());
  CHECK(one.used() * 400 > scl::asl::default_eval_limits().work_units);
  const auto r = run(compile_or_die(def), input);
  REQUIRE(r.status == scl::asl::ExecutionStatus::kFailed);
  CHECK(r.error == "States.Runtime");
  CHECK(r.cause->find("exceeded the emulator's work limit for one state") != std::string::npos);
}

// Why (issue 11 finding 4): the intrinsic limits are part of the one limits struct.
TEST_CASE("intrinsic limits come from EvalLimits") {
  scl::asl::EvalLimits limits;
  limits.max_range_items = 3;
  limits.max_intrinsic_string = 2;
  EvalBudget budget(limits);
  scl::asl::SeededRandomSource random(1);
  const Json input = Json::object();
  const scl::asl::LazyJson ctx(input);
  const scl::asl::EvalScope scope{input, ctx, random, &budget};
  auto r = scl::asl::evaluate_intrinsic(scl::asl::parse_intrinsic("States.ArrayRange(1, 5, 1)"),
                                        scope, "x.$");
  REQUIRE_FALSE(r.ok());
  CHECK(*r.failure().cause == "Invalid arguments in States.ArrayRange: the result has more than 3 items");
  r = scl::asl::evaluate_intrinsic(scl::asl::parse_intrinsic("States.Base64Encode('abc')"), scope,
                                   "x.$");
  REQUIRE_FALSE(r.ok());
  CHECK(*r.failure().cause ==
        "Invalid arguments in States.Base64Encode: the input is longer than 2 characters");
}
