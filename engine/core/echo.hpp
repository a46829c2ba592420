#pragma once
// Request values quoted back in error messages, cut to a bounded length (issue 11, finding 14:
// a 5 MiB name made a 5.2 MB validation answer). Header-only, no dependencies.
//
// Every message that repeats what the caller sent (a name, id, ARN, token, a validation
// message's "Value '...'") passes the value through echo(): at most kEchoMaxChars characters,
// then "…" (U+2026). The cut falls between whole UTF-8 characters, so the answer stays valid
// UTF-8 whenever the value was. A byte that is not a UTF-8 continuation byte starts a character,
// so invalid input is cut on a byte and can never make the result longer.

#include <cstddef>
#include <string>
#include <string_view>

namespace scl::core {

inline constexpr std::size_t kEchoMaxChars = 256;
inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

/// Byte length of the first `max_chars` UTF-8 characters of `s`, or npos when `s` has no more
/// than `max_chars` characters.
[[nodiscard]] inline std::size_t echo_cut(std::string_view s,
                                          std::size_t max_chars = kEchoMaxChars) noexcept {
  if (s.size() <= max_chars) return std::string_view::npos;  // bytes >= characters
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0U) != 0x80U) {
      if (chars == max_chars) return i;
      ++chars;
    }
  }
  return std::string_view::npos;
}

/// `s` if it has at most `max_chars` characters, else its first `max_chars` characters + "…".
[[nodiscard]] inline std::string echo(std::string_view s, std::size_t max_chars = kEchoMaxChars) {
  const std::size_t cut = echo_cut(s, max_chars);
  if (cut == std::string_view::npos) return std::string(s);
  std::string out(s.substr(0, cut));
  out += kEllipsis;
  return out;
}

/// In place: cuts `s` after byte `from` + `max_chars` characters (the part before `from` is
/// kept whole), appending "…" when anything was cut. For values rendered into a message buffer.
inline void echo_tail(std::string& s, std::size_t from, std::size_t max_chars = kEchoMaxChars) {
  if (from >= s.size()) return;
  const std::size_t cut = echo_cut(std::string_view(s).substr(from), max_chars);
  if (cut == std::string_view::npos) return;
  s.resize(from + cut);
  s += kEllipsis;
}

}  // namespace scl::core
