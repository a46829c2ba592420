// Fuzzes JSONata evaluation: the input is an expression, evaluated over a fixed document with
// bindings, the Step Functions extension set and small limits.
//
// Checked: evaluate() never throws, crashes, overflows the stack or runs away (the limits end
// every evaluation: depth, work units, memory); an error carries a code and a message; a result
// serializes to JSON text; evaluating twice gives the same answer (no state leaks between
// evaluations of one compiled expression).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/jsonata/jsonata.hpp"
#include "engine/jsonata/step_functions.hpp"

namespace {
using scl::jsonata::Json;

const Json& document() {
  static const Json doc = Json::parse(R"({
    "Account": {"Name": "Firefly", "Order": [
      {"OrderID": "o1", "Product": [{"Name": "Hat", "Price": 34.45, "Quantity": 2, "Tags": ["a", "b"]},
                                     {"Name": "Cap", "Price": 21.67, "Quantity": 1}]},
      {"OrderID": "o2", "Product": [{"Name": "Cloak", "Price": 107.99, "Quantity": 1, "Tags": []}]}]},
    "nums": [1, -2, 3.5, 1e21, 0.1, -0], "strs": ["a", "", "héllo", "😀", "a,b"],
    "empty": [], "obj": {}, "nested": [[1, [2, [3]]], {"x": {"y": {"z": null}}}],
    "t": true, "f": false, "n": null, "s": "The quick brown fox", "big": 9007199254740993
  })");
  return doc;
}

std::string answer(const std::variant<std::optional<Json>, scl::jsonata::Error>& out) {
  if (const auto* err = std::get_if<scl::jsonata::Error>(&out)) {
    if (err->code.empty() || err->message.empty()) {
      std::fprintf(stderr, "fuzz_jsonata_eval: error without code or message\n");
      std::abort();
    }
    return "error " + err->code;
  }
  const auto& v = std::get<std::optional<Json>>(out);
  return v ? v->dump(-1, ' ', false, Json::error_handler_t::replace) : "undefined";
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = scl::jsonata::compile(text);
  if (std::holds_alternative<scl::jsonata::Error>(compiled)) return 0;
  const auto& expr = std::get<scl::jsonata::Expression>(compiled);
  static const Json states = Json::parse(R"({"input": {"x": 1, "list": [1, 2, 3]}, "context": {"Execution": {"Id": "e"}}})");
  scl::jsonata::Limits limits;
  limits.max_depth = 400;
  limits.max_stack_bytes = 1u << 20;
  limits.max_steps = 200'000;
  limits.max_memory = 16u << 20;
  scl::jsonata::Environment env;
  env.clock_ms = [] { return std::int64_t{1700000000000}; };
  env.random = [] { return 0.5; };
  env.uuid = [] { return std::string("00000000-0000-4000-8000-000000000000"); };
  const scl::jsonata::Bindings bindings{{"states", &states}};
  const auto& ext = scl::jsonata::step_functions_functions();
  const std::string first = answer(scl::jsonata::evaluate(expr, &document(), bindings, limits, env, &ext));
  const std::string second = answer(scl::jsonata::evaluate(expr, &document(), bindings, limits, env, &ext));
  if (first != second) {
    std::fprintf(stderr, "fuzz_jsonata_eval: two evaluations differ: %s / %s\n", first.c_str(), second.c_str());
    std::abort();
  }
  return 0;
}
