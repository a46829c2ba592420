// Why: the differential test (tests/jsonata/differential.js) needs our engine's answers for the
// same generated cases the reference answers under node. Reads JSON lines
//   {"expr": "...", "input": <json, absent = undefined>, "bindings": {...}}
// and writes one line per case: {"result": <json>}, {"undefined": true} or {"error": "CODE"}.

#include <iostream>
#include <string>

#include "engine/jsonata/jsonata.hpp"

using scl::jsonata::Json;

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  while (std::getline(std::cin, line)) {
    Json out;
    Json c = Json::parse(line, nullptr, false);
    if (c.is_discarded() || !c.is_object()) {
      out["error"] = "bad-case";
      std::cout << out.dump() << '\n';
      continue;
    }
    const Json* input = c.contains("input") ? &c["input"] : nullptr;
    scl::jsonata::Bindings bindings;
    if (c.contains("bindings") && c["bindings"].is_object()) {
      for (auto it = c["bindings"].begin(); it != c["bindings"].end(); ++it) {
        bindings.emplace_back(it.key(), &it.value());
      }
    }
    auto r = scl::jsonata::evaluate(c.value("expr", ""), input, bindings);
    if (auto* err = std::get_if<scl::jsonata::Error>(&r)) {
      out["error"] = err->code;
      if (!err->concurrent_codes.empty()) out["concurrent"] = err->concurrent_codes;
    } else if (const auto& v = std::get<std::optional<Json>>(r)) {
      out["result"] = *v;
    } else {
      out["undefined"] = true;
    }
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n';
  }
  return 0;
}
