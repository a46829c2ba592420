#include "engine/asl/intrinsics.hpp"

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

using scl::asl::EvalScope;
using scl::asl::IntrinsicSyntaxError;
using scl::asl::Json;
using scl::asl::SeededRandomSource;

namespace {
struct Fixture {
  Json input = Json::parse(R"({"name":"Arnav","template":"Hello, my name is {}.","n":3,
    "arr":[1,2,2,"a",{"k":1},{"k":1}],"obj":{"a":1,"b":{"c":1}},"obj2":{"b":2,"d":4},
    "json":"{\"foo\":\"bar\"}","csv":"a,b;;c","big":2147483648})");
  Json context = Json::parse(R"({"Execution":{"Name":"exec-1"}})");
  SeededRandomSource random{42};

  Json eval(const std::string& text) {
    auto call = scl::asl::parse_intrinsic(text);
    auto r = scl::asl::evaluate_intrinsic(call, EvalScope{input, context, random}, "x.$");
    if (!r) FAIL("unexpected failure: " << r.failure().cause.value_or(""));
    return r.value();
  }
  scl::asl::Failure fails(const std::string& text) {
    auto call = scl::asl::parse_intrinsic(text);
    auto r = scl::asl::evaluate_intrinsic(call, EvalScope{input, context, random}, "x.$");
    REQUIRE_FALSE(r.ok());
    return r.failure();
  }
};
}  // namespace

// Why: States.Format is the most used intrinsic; placeholders, paths and escapes must all work.
TEST_CASE_FIXTURE(Fixture, "States.Format") {
  CHECK(eval("States.Format('Hello, my name is {}.', $.name)") == "Hello, my name is Arnav.");
  CHECK(eval("States.Format($.template, $.name)") == "Hello, my name is Arnav.");
  CHECK(eval(R"(States.Format('it\'s {} \{literal\} \\ {}', $.n, true))") ==
        R"(it's 3 {literal} \ true)");
  CHECK(eval("States.Format('{}-{}', $$.Execution.Name, null)") == "exec-1-null");
  CHECK(eval("States.Format('x')") == "x");
}

// Why (aws-fidelity-jsonpath.md I1): AWS formats any JSON argument the way Java's toString
// renders it; the emulator failed with States.IntrinsicFailure for objects and arrays.
TEST_CASE_FIXTURE(Fixture, "States.Format renders objects and arrays the Java way") {
  CHECK(eval("States.Format('{}', $.obj)") == "{a=1, b={c=1}}");
  input["rec"] = Json::parse(R"({"Arg1": 1, "Arg2": []})");
  CHECK(eval("States.Format('{}', $.rec)") == "{Arg1=1, Arg2=[]}");
  CHECK(eval("States.Format('{}', $.arr)") == "[1, 2, 2, a, {k=1}, {k=1}]");
  context["StateMachine"] = Json::parse(R"({"Id":"arn:aws:states:us-east-1:1:stateMachine:m","Name":"m"})");
  CHECK(eval("States.Format('{}', $$.StateMachine)") ==
        "{Id=arn:aws:states:us-east-1:1:stateMachine:m, Name=m}");
  input["mix"] = Json::parse(R"([true, null, "s", 1.5, 100.0, 1e20, 0.0001, [[]], {}])");
  CHECK(eval("States.Format('{}', $.mix)") == "[true, null, s, 1.5, 100.0, 1.0E20, 1.0E-4, [[]], {}]");
  // Top level: strings raw (JSON text in a string is not reparsed), null, numbers, "" as nothing.
  CHECK(eval("States.Format('<{}|{}|{}|{}|{}>', $.json, null, 1, 1.1, '')") ==
        R"(<{"foo":"bar"}|null|1|1.1|>)");
}

// Why: nested calls and all literal kinds must parse.
TEST_CASE_FIXTURE(Fixture, "nested calls and literals") {
  CHECK(eval("States.Array(1, -2.5, 'x', true, false, null, $.n, States.Array())") ==
        Json::parse(R"([1,-2.5,"x",true,false,null,3,[]])"));
  CHECK(eval("States.ArrayLength(States.Array(States.UUID(), 'b'))") == 2);
  CHECK(eval("States.StringToJson(States.JsonToString($.obj))") == Json::parse(R"({"a":1,"b":{"c":1}})"));
  CHECK(eval("States.JsonToString($.obj)") == R"({"a":1,"b":{"c":1}})");
  CHECK(eval("States.StringToJson($.json)") == Json::parse(R"({"foo":"bar"})"));
  CHECK(eval("States.Array($.arr[?(@.k == 1)])") == Json::parse(R"([[{"k":1},{"k":1}]])"));
}

// Why: the array helpers have exact AWS semantics (inclusive ranges, partition remainder, ...).
TEST_CASE_FIXTURE(Fixture, "array functions") {
  CHECK(eval("States.ArrayPartition(States.Array(1,2,3,4,5), 2)") == Json::parse("[[1,2],[3,4],[5]]"));
  CHECK(eval("States.ArrayContains($.arr, 'a')") == true);
  CHECK(eval("States.ArrayContains($.arr, 9)") == false);
  CHECK(eval("States.ArrayRange(1, 9, 2)") == Json::parse("[1,3,5,7,9]"));
  CHECK(eval("States.ArrayRange(5, 1, -2)") == Json::parse("[5,3,1]"));
  CHECK(eval("States.ArrayGetItem($.arr, 3)") == "a");
  CHECK(eval("States.ArrayLength($.arr)") == 6);
  CHECK(eval("States.ArrayUnique($.arr)") == Json::parse(R"([1,2,"a",{"k":1}])"));
  CHECK(fails("States.ArrayGetItem($.arr, 6)").error == "States.IntrinsicFailure");
  CHECK(fails("States.ArrayRange(1, 2000, 1)").error == "States.IntrinsicFailure");
  CHECK(fails("States.ArrayRange(1, 2, 0)").error == "States.IntrinsicFailure");
  CHECK(fails("States.ArrayPartition($.arr, 0)").error == "States.IntrinsicFailure");
  CHECK(fails("States.ArrayLength($.name)").error == "States.IntrinsicFailure");
}

// Why: encoding, hashing, merge, math and split helpers.
TEST_CASE_FIXTURE(Fixture, "string, hash, merge and math functions") {
  CHECK(eval("States.Base64Encode('Data to encode')") == "RGF0YSB0byBlbmNvZGU=");
  CHECK(eval("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')") == "Data to encode");
  CHECK(eval("States.Hash('input data', 'SHA-1')") == "aaff4a450a104cd177d28d18d74485e8cae074b7");
  CHECK(eval("States.Hash('abc', 'MD5')") == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(fails("States.Hash('abc', 'SHA-3')").error == "States.IntrinsicFailure");
  CHECK(eval("States.JsonMerge($.obj, $.obj2, false)") == Json::parse(R"({"a":1,"b":2,"d":4})"));
  CHECK(fails("States.JsonMerge($.obj, $.obj2, true)").error == "States.IntrinsicFailure");
  CHECK(eval("States.MathAdd(111, -1)") == 110);
  CHECK(fails("States.MathAdd($.big, 1)").error == "States.IntrinsicFailure");
  CHECK(fails("States.MathAdd('1', 1)").error == "States.IntrinsicFailure");
  CHECK(eval("States.StringSplit($.csv, ',;')") == Json::parse(R"(["a","b","c"])"));
  for (int i = 0; i < 50; ++i) {
    auto r = eval("States.MathRandom(1, 5)").get<int>();
    CHECK(r >= 1);
    CHECK(r < 5);
  }
  CHECK(eval("States.MathRandom(1, 1000000, 7)") == eval("States.MathRandom(1, 1000000, 7)"));
  const auto u = eval("States.UUID()").get<std::string>();
  CHECK(u.size() == 36);
  CHECK(u[14] == '4');
}

// Why (aws-fidelity-jsonpath.md I2-I4): StringToJson of a blank string is null; MathAdd rounds
// each argument with Java's Math.round (halves toward +infinity) before adding; MathRandom takes
// non-integer bounds. The emulator failed all of these.
TEST_CASE_FIXTURE(Fixture, "StringToJson blanks, MathAdd rounding, MathRandom fractional bounds") {
  CHECK(eval("States.StringToJson('')").is_null());
  CHECK(eval("States.StringToJson(' ')").is_null());
  CHECK(eval("States.StringToJson('-0')") == 0);
  CHECK(eval("States.StringToJson('null')").is_null());
  CHECK(eval(R"(States.StringToJson('"HelloWorld"'))") == "HelloWorld");
  const std::vector<std::tuple<const char*, const char*, int>> pairs = {
      {"-9", "3", -6},      {"1.49", "1.50", 3},  {"1.50", "1.51", 4}, {"-1.49", "-1.50", -2},
      {"-1.50", "-1.51", -3}, {"1.49", "0", 1},   {"1.49", "-1.49", 0}, {"1.50", "0", 2},
      {"1.51", "0", 2},     {"-1.49", "0", -1},   {"-1.50", "0", -1}, {"-1.51", "0", -2},
      {"0.5", "0", 1},      {"1.5", "0", 2},      {"2.5", "0", 3},    {"3.5", "0", 4},
      {"-0.5", "0.5", 1},   {"-0.5", "0", 0},     {"-1.5", "0", -1},  {"-2.5", "0", -2},
      {"-3.5", "0", -3},
  };
  for (const auto& [a, b, sum] : pairs) {
    CAPTURE(a);
    CAPTURE(b);
    const Json r = eval(std::string("States.MathAdd(") + a + ", " + b + ")");
    CHECK(r.is_number_integer());
    CHECK(r == sum);
  }
  CHECK(eval("States.MathAdd(0.49999999999999994, 0)") == 0);  // exact, not floor(x + 0.5)
  for (int i = 0; i < 50; ++i) {
    const auto r = eval("States.MathRandom(12.5, 44.51)");
    CHECK(r.is_number_integer());
    CHECK(r.get<int>() >= 13);
    CHECK(r.get<int>() < 45);
    const auto n = eval("States.MathRandom(-99999, -9999)").get<int>();
    CHECK(n >= -99999);
    CHECK(n < -9999);
  }
  CHECK(eval("States.MathRandom(9999, 99999)").get<int>() >= 9999);
}

// Why: a missing path argument is a runtime error naming the field, as for Parameters.
TEST_CASE_FIXTURE(Fixture, "missing path argument") {
  auto f = fails("States.Format('{}', $.missing)");
  CHECK(f.error == "States.Runtime");
  CHECK(f.cause.value().find("The JSONPath '$.missing' specified for the field 'x.$'") == 0);
}

// Why: syntax problems must surface at definition time, not at run time.
TEST_CASE("intrinsic syntax errors") {
  for (const char* bad :
       {"States.Nope()", "States.Format('{}')", "States.Format('{}', 1, 2)", "States.UUID(1)",
        "States.Array(1,", "States.Array('x)", R"(States.Format('\n'))", "States.Array(1) x",
        "States.Array(foo)", "States.Array($.a[)", "States.MathAdd(1)"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(scl::asl::parse_intrinsic(bad), IntrinsicSyntaxError);
  }
}

// Why (found by tests/fuzz): nested calls are parsed and evaluated recursively; 20000 levels
// overflowed the stack. They are a syntax error, and States.StringToJson refuses strings nested
// deeper than the engine handles (its result is copied and printed recursively).
TEST_CASE_FIXTURE(Fixture, "nesting limits") {
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "States.Array(";
  deep += std::string(20000, ')');
  CHECK_THROWS_WITH_AS(scl::asl::parse_intrinsic(deep),
                       doctest::Contains("calls nest deeper than 1000 levels"), IntrinsicSyntaxError);
  std::string ok;
  for (int i = 0; i < 100; ++i) ok += "States.Array(";
  ok += "1" + std::string(100, ')');
  CHECK(eval(ok).is_array());

  input["deep"] = std::string(100000, '[') + std::string(100000, ']');
  const auto f = fails("States.StringToJson($.deep)");
  CHECK(f.error == "States.IntrinsicFailure");
  CHECK(f.cause.value_or("").find("nests deeper than 1000 levels") != std::string::npos);
  input["deep"] = std::string(500, '[') + std::string(500, ']');
  CHECK(eval("States.StringToJson($.deep)").is_array());
}
