#pragma once
// The JSON value type of the ASL engine.
//
// Step Functions keeps object members in the order they were written (Jackson under the hood), and
// users see that order in every input/output string of the history. nlohmann::ordered_json keeps
// insertion order, so the whole engine uses it. The host only ever sees JSON *text* or this type.

#include <nlohmann/json.hpp>
#include <string>

namespace scl::asl {

using Json = nlohmann::ordered_json;

/// Compact JSON text as Step Functions prints payloads (no spaces, UTF-8 kept as is).
/// Never throws for a valid Json (invalid UTF-8 in strings is replaced, not thrown).
inline std::string to_text(const Json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace scl::asl
