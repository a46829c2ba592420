#pragma once
// Depth of a JSON text's array/object nesting, counted on the raw text before any recursive
// parser or walker sees it: the HTTP layer, the definition compiler, States.StringToJson and
// execution inputs all refuse deep documents up front with it.

#include <cstddef>
#include <string_view>

namespace scl::core {

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

}  // namespace scl::core
