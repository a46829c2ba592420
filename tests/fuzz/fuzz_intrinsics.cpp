// Fuzzes intrinsic functions (States.Format, States.StringToJson, States.Hash, ...): the whole
// input is one call expression as it would appear in a "field.$" value. Parsed with
// parse_intrinsic, evaluated against a fixed input and context object with a seeded random
// source, and compiled as a payload template {"x.$": <input>} (what the ASL compiler does).
//
// Checked: parse_intrinsic throws nothing but IntrinsicSyntaxError; evaluation never throws;
// the template compiles exactly when the expression is a valid path or intrinsic call, and then
// evaluates to the same outcome as the call itself.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asl/intrinsics.hpp"
#include "engine/asl/payload_template.hpp"

namespace {
using namespace scl::asl;

[[noreturn]] void die(const char* what, std::string_view text) {
  std::fprintf(stderr, "fuzz_intrinsics: %s: '%.*s'\n", what, static_cast<int>(text.size()),
               text.data());
  std::abort();
}

const Json& input() {
  static const Json in = Json::parse(R"({
    "name": "World", "n": 3, "neg": -7, "f": 2.5, "big": 2147483647, "huge": 1e300,
    "t": true, "nil": null, "s": "a,b,,c", "sep": ",", "b64": "aGVsbG8=", "json": "{\"k\":[1,2]}",
    "arr": [1, 2, 2, "x", null, [1], {"a": 1}], "empty": [], "obj": {"a": {"b": 1}, "c": [1]},
    "other": {"a": {"d": 2}, "e": 3}, "uni": "h\u00e9llo \u2603 \ud83d\ude00", "text": "{}\\'"
  })");
  return in;
}

const Json& context() {
  static const Json ctx = Json::parse(R"({
    "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:run",
                  "Input": {"k": "v"}, "Name": "run", "StartTime": "2023-11-14T22:13:20.000Z"},
    "State": {"EnteredTime": "2023-11-14T22:13:20.000Z", "Name": "S", "RetryCount": 0},
    "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:sm", "Name": "sm"},
    "Task": {"Token": "tok"}, "Map": {"Item": {"Index": 1, "Value": [1, 2]}}
  })");
  return ctx;
}

bool same(const Outcome<Json>& a, const Outcome<Json>& b) {
  if (a.ok() != b.ok()) return false;
  if (a.ok()) return a.value() == b.value();
  return a.failure().error == b.failure().error;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<IntrinsicCall> call;
  try {
    call = parse_intrinsic(text);
  } catch (const IntrinsicSyntaxError&) {
  }
  (void)looks_like_intrinsic(text);

  std::optional<Outcome<Json>> direct;
  if (call) {
    SeededRandomSource random(42);
    const EvalScope scope{input(), context(), random};
    direct = evaluate_intrinsic(*call, scope, "x.$");
    if (!direct->ok() && direct->failure().error.empty()) die("failure without an error name", text);
  }

  // The same text as a payload template field.
  const Json tmpl = Json{{"x.$", text}, {"lit", {1, "two"}}};
  std::optional<PayloadTemplate> compiled;
  try {
    compiled = PayloadTemplate::compile(tmpl);
  } catch (const TemplateError&) {
  }
  const bool is_path = !text.empty() && text[0] == '$';
  if (!is_path && looks_like_intrinsic(text) && compiled.has_value() != call.has_value())
    die("template and parse_intrinsic disagree", text);
  if (compiled) {
    SeededRandomSource random(42);
    const EvalScope scope{input(), context(), random};
    const auto r = compiled->evaluate(scope);
    if (direct) {
      if (r.ok() && !direct->ok()) die("template evaluated, call failed", text);
      if (!r.ok() && direct->ok()) die("template failed, call evaluated", text);
      if (r.ok() && r.value()["x"] != direct->value()) die("template value != call value", text);
      if (!r.ok() && !same(r, *direct)) die("template and call fail differently", text);
    }
  }
  return 0;
}
