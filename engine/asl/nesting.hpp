#pragma once
// Nesting limit for everything the engine parses or walks recursively: definition JSON,
// States.StringToJson strings, nested intrinsic calls, JSONPath filter expressions. Deeper input
// is rejected up front (a diagnostic, an IntrinsicSyntaxError / JsonPathError, or
// States.IntrinsicFailure), so a hostile definition cannot exhaust a server thread's stack.
// NOTE(emulator): AWS's own limits are not evidenced here; 1000 is Jackson's default
// maxNestingDepth (StreamReadConstraints) and far above any real state machine.

#include <string_view>

namespace scl::asl {

inline constexpr int kMaxNesting = 1000;

/// Deepest nesting of arrays/objects in a JSON text (strings skipped; the text need not be
/// valid JSON); stops counting at `cap`.
inline int json_nesting_depth(std::string_view text, int cap) {
  int depth = 0;
  int max_depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) max_depth = depth;
      if (max_depth >= cap) return max_depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace scl::asl
