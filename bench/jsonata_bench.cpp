// Why: JSONata is evaluated once per state of every execution, so its cost per evaluation is
// the number that matters. Prints ns per evaluation of
//   1. $sum(Account.Order.Product.(Price * Quantity)) over the suite's dataset5 (compiled once);
//   2. {"a": $states.input.x, "b": 1} over a small input bound as $states (the per-state
//      Arguments/Output shape), result converted to JSON;
//   3. the JSONPath engine's equivalent, the payload template {"a.$": "$.x", "b": 1}.
// Usage: jsonata_bench <dataset5.json> [iterations]

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/asl/payload_template.hpp"
#include "engine/asl/random_source.hpp"
#include "engine/jsonata/jsonata.hpp"

using Clock = std::chrono::steady_clock;
using scl::jsonata::Json;

namespace {
template <class F>
double ns_per_call(long iterations, F&& f) {
  for (long i = 0; i < iterations / 10 + 1; ++i) f();  // warm up
  const auto start = Clock::now();
  for (long i = 0; i < iterations; ++i) f();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
  return static_cast<double>(ns) / static_cast<double>(iterations);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: jsonata_bench <dataset5.json> [iterations]\n");
    return 2;
  }
  const long iterations = argc > 2 ? std::atol(argv[2]) : 200000;
  std::ifstream in(argv[1]);
  std::stringstream ss;
  ss << in.rdbuf();
  const Json dataset = Json::parse(ss.str());

  auto sum = std::get<scl::jsonata::Expression>(scl::jsonata::compile("$sum(Account.Order.Product.(Price * Quantity))"));
  std::size_t sink = 0;
  const double sum_ns = ns_per_call(iterations, [&] {
    auto out = scl::jsonata::evaluate(sum, &dataset);
    sink += std::get<std::optional<Json>>(out)->is_number() ? 1 : 0;
  });
  const auto check = std::get<std::optional<Json>>(scl::jsonata::evaluate(sum, &dataset));

  auto ctor = std::get<scl::jsonata::Expression>(scl::jsonata::compile(R"({"a": $states.input.x, "b": 1})"));
  const Json states = Json::parse(R"({"input": {"x": 42, "y": "some text", "z": [1, 2, 3]}, "context": {"Execution": {"Id": "arn"}}})");
  const scl::jsonata::Bindings bindings{{"states", &states}};
  const double ctor_ns = ns_per_call(iterations, [&] {
    auto out = scl::jsonata::evaluate(ctor, nullptr, bindings);
    sink += std::get<std::optional<Json>>(out)->size();
  });

  const auto tmpl = scl::asl::PayloadTemplate::compile(Json::parse(R"({"a.$": "$.x", "b": 1})"));
  const Json& input = states["input"];
  const Json context = states["context"];
  const scl::asl::LazyJson lazy(context);
  scl::asl::SeededRandomSource random(1);
  const scl::asl::EvalScope scope{input, lazy, random};
  const double path_ns = ns_per_call(iterations, [&] {
    auto out = tmpl.evaluate(scope);
    sink += out ? 1 : 0;
  });

  std::printf("jsonata  $sum(Account.Order.Product.(Price * Quantity)) over dataset5: %.0f ns/eval (= %s)\n", sum_ns,
              check ? check->dump().c_str() : "undefined");
  std::printf("jsonata  {\"a\": $states.input.x, \"b\": 1}: %.0f ns/eval\n", ctor_ns);
  std::printf("jsonpath {\"a.$\": \"$.x\", \"b\": 1}: %.0f ns/eval\n", path_ns);
  std::printf("jsonata constructor throughput = %.0f%% of JSONPath's\n", 100.0 * path_ns / ctor_ns);
  return sink == 0 ? 1 : 0;
}
