// Fuzzes bounded JSONPath evaluation (issue 11): regular-expression filters against long
// subjects, and arbitrary paths against deep, wide or fuzzer-given documents, under the default
// budget and under a tiny one.
//
// Input: byte 0 picks the mode, the rest is its text.
//   mode 0  "<regex>\n<subject seed>": $[?(@.s =~ /<regex>/)] against objects whose "s" is the
//           seed repeated to 60,000 bytes, the seed itself and ""
//   mode 1  "<depth byte><path>": the path against nested arrays and objects <depth> deep with
//           long strings at every level
//   mode 2  "<path>\n<JSON document>"
// Checked: evaluate() never throws; it succeeds or fails with States.Runtime /
// States.DataLimitExceeded and a cause; the budget is never overdrawn by more than one charge;
// a successful indefinite result is an array. Run with -timeout (scripts/fuzz.sh gives these
// targets 3 s): no input may take longer, whatever the path.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asl/jsonpath.hpp"
#include "engine/asl/limits.hpp"
#include "engine/asl/nesting.hpp"

namespace {
using scl::asl::EvalBudget;
using scl::asl::EvalLimits;
using scl::asl::Json;
using scl::asl::JsonPath;

[[noreturn]] void die(const char* what, std::string_view path) {
  std::fprintf(stderr, "fuzz_jsonpath_eval: %s: path '%.*s'\n", what,
               static_cast<int>(path.size()), path.data());
  std::abort();
}

void check(const JsonPath& path, const Json& doc, const EvalLimits& limits) {
  EvalBudget budget(limits);
  const auto r = path.evaluate(doc, budget);
  // One charge may overshoot: a regex attempt (match_limit) or a string's bytes.
  const std::uint64_t slack = limits.regex.match_limit + 2 + (1U << 20) / limits.bytes_per_unit;
  if (budget.used() > limits.work_units + slack) die("the evaluation overdrew its budget", path.text());
  if (!r) {
    const auto& f = r.failure();
    if ((f.error != "States.Runtime" && f.error != "States.DataLimitExceeded") || !f.cause ||
        f.cause->empty()) {
      die("evaluation failed with an unexpected error", path.text());
    }
    return;
  }
  if (!path.is_definite() && (!r.value() || !r.value()->is_array())) {
    die("indefinite path did not give an array", path.text());
  }
}

Json deep_document(unsigned depth) {
  Json leaf = Json{{"s", std::string(2000, 'a')}, {"n", 1}, {"arr", Json::array({1, "x", nullptr})}};
  for (unsigned i = 0; i < depth; ++i) {
    if (i % 2 == 0) {
      leaf = Json::array({leaf, std::string(100, 'b'), i});
    } else {
      leaf = Json{{"k", leaf}, {"s", std::string(100, 'c')}, {"i", i}};
    }
  }
  return leaf;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  const unsigned mode = data[0] % 3;
  EvalLimits tiny;
  tiny.work_units = 2000;
  tiny.max_value_bytes = 4096;
  if (mode == 0) {
    const auto nl = in.find('\n');
    const std::string_view pattern = in.substr(0, nl);
    const std::string_view seed = nl == std::string_view::npos ? "a" : in.substr(nl + 1);
    std::string text = "$[?(@.s =~ /";
    for (char c : pattern) {
      if (c == '/') text += '\\';
      text += c;
    }
    text += "/)]";
    const auto path = JsonPath::try_parse(text);
    if (!path) return 0;
    std::string subject;
    while (!seed.empty() && subject.size() < 60000) subject += seed;
    const Json doc = Json::array(
        {Json{{"s", Json(subject)}}, Json{{"s", std::string(seed)}}, Json{{"s", ""}}});
    if (doc.dump(-1, ' ', false, Json::error_handler_t::ignore).empty()) return 0;
    check(*path, doc, scl::asl::default_eval_limits());
    check(*path, doc, tiny);
    return 0;
  }
  if (mode == 1) {
    const auto path = JsonPath::try_parse(in.substr(1));
    if (!path) return 0;
    const Json doc = deep_document(static_cast<unsigned char>(in[0]) % 200);
    check(*path, doc, scl::asl::default_eval_limits());
    check(*path, doc, tiny);
    return 0;
  }
  const auto nl = in.find('\n');
  if (nl == std::string_view::npos) return 0;
  const auto path = JsonPath::try_parse(in.substr(0, nl));
  if (!path) return 0;
  const std::string_view body = in.substr(nl + 1);
  if (scl::asl::json_nesting_depth(body, scl::asl::kMaxNesting + 1) > scl::asl::kMaxNesting) {
    return 0;
  }
  const Json doc = Json::parse(body, nullptr, false);
  if (doc.is_discarded()) return 0;
  check(*path, doc, scl::asl::default_eval_limits());
  check(*path, doc, tiny);
  return 0;
}
