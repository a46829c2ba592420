// Fuzzes JSONPath: JsonPath::parse / try_parse on the whole input, then find, select and (for
// reference paths) assign against a fixed document that has objects, arrays, every scalar type,
// odd member names and some depth.
//
// Checked: parse and try_parse agree; find/select never throw; evaluation under the default
// budget either succeeds or fails with States.Runtime / States.DataLimitExceeded and a cause,
// without overdrawing the budget by more than one charge; when it succeeds, an indefinite path
// finds an array whose size is select()'s, a definite path selects at most one node and finds
// exactly it; after a successful assign of a marker the path finds the marker.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/asl/jsonpath.hpp"

namespace {
using scl::asl::Json;
using scl::asl::JsonPath;

[[noreturn]] void die(const char* what, std::string_view path) {
  std::fprintf(stderr, "fuzz_jsonpath: %s: path '%.*s'\n", what, static_cast<int>(path.size()),
               path.data());
  std::abort();
}

const Json& document() {
  static const Json doc = Json::parse(R"({
    "store": {
      "book": [
        {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
        {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99,
         "isbn": "0-553-21311-3", "tags": ["war", "classic"]},
        {"category": "fiction", "author": "J. R. R. Tolkien", "price": 22.99, "isbn": null,
         "available": true, "ratings": [5, 4.5, -1, 1e300]}
      ],
      "bicycle": {"color": "red", "price": 19.95, "gears": 21, "sold": false}
    },
    "items": [1, -2, 3.5, "4", null, true, [], {}, [[0, 1], [2, [3]]], {"id": 7, "v": "x"}],
    "a": {"b": {"c": {"d": {"e": {"f": [0, {"g": "deep"}]}}}}},
    "empty": {}, "nil": null, "zero": 0, "big": 9223372036854775807, "neg": -9223372036854775808,
    "str": "hello world", "uni": "h\u00e9llo \u2603 \ud83d\ude00",
    "odd keys": {"": 1, "$": 2, "@": 3, "a.b": 4, "x'y": 5, "[0]": 6, "*": 7, "..": 8, "\\": 9}
  })");
  return doc;
}

const Json& marker() {
  static const Json m = Json{{"fuzz-marker", 12345}};
  return m;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto tried = JsonPath::try_parse(text, &error);
  bool threw = false;
  try {
    (void)JsonPath::parse(text);
  } catch (const scl::asl::JsonPathError&) {
    threw = true;
  }
  if (threw == tried.has_value()) die("parse and try_parse disagree", text);
  if (!tried) {
    if (error.empty()) die("try_parse failed without a reason", text);
    return 0;
  }
  const JsonPath& path = *tried;
  const Json& doc = document();

  scl::asl::EvalBudget budget;
  const auto evaluated = path.evaluate(doc, budget);
  const auto& limits = budget.limits();
  if (budget.used() > limits.work_units + limits.regex.match_limit + 4096) {
    die("the evaluation overdrew its budget", text);
  }
  if (!evaluated) {
    const auto& f = evaluated.failure();
    if ((f.error != "States.Runtime" && f.error != "States.DataLimitExceeded") || !f.cause ||
        f.cause->empty()) {
      die("evaluation failed with an unexpected error", text);
    }
    return 0;
  }
  const auto& found = evaluated.value();
  const auto selected = path.select(doc);
  if (path.is_definite()) {
    if (selected.size() > 1) die("definite path selected several nodes", text);
    if (found.has_value() != (selected.size() == 1)) die("definite find/select disagree", text);
    if (found && *found != *selected.front()) die("definite find != select", text);
  } else {
    if (!found || !found->is_array()) die("indefinite path did not find an array", text);
    if (found->size() != selected.size()) die("indefinite find/select sizes differ", text);
  }

  // Evaluate against other roots too: scalars, arrays and empty values.
  for (const Json& root : {Json(), Json(1), Json("s"), Json::array(), Json::object(),
                           doc["items"], doc["odd keys"]}) {
    (void)path.find(root);
    (void)path.select(root);
  }

  if (path.is_reference()) {
    Json copy = doc;
    if (path.assign(copy, marker())) {
      const auto after = path.find(copy);
      if (!after || *after != marker()) die("assign succeeded but find does not see the value", text);
    }
    Json scalar_root = 5;
    (void)path.assign(scalar_root, marker());
  }
  return 0;
}
