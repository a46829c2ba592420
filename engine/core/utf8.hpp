#pragma once
// UTF-8 helpers for the few places that cut text to a size limit.

#include <cstddef>
#include <string>
#include <string_view>

namespace scl::core {

/// The longest prefix of `s` that is at most `max_bytes` long and does not split a UTF-8
/// character (continuation bytes 10xxxxxx are never left dangling).
inline std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0U) == 0x80U) --n;
  return s.substr(0, n);
}

/// `s` cut to at most `max_bytes` bytes of whole characters.
inline std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  return std::string(utf8_prefix(s, max_bytes));
}

}  // namespace scl::core
