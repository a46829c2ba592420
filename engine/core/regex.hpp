#pragma once
// Regular expressions with bounded cost: a thin owner of a compiled PCRE2 pattern (UTF-8).
//
// Why PCRE2 and not std::regex: libstdc++'s matcher recurses once per subject character (a
// back-reference over a 200,000-character subject overflowed the stack of a server thread) and
// backtracks without bound. PCRE2 (10.30 and later) keeps its backtracking on the heap, and every
// match here runs under a match limit, a depth limit and a heap limit, so a hostile pattern ends
// in Outcome::kLimit instead of a crash or a hang (issue 11, finding 1).
//
// Dialects: PCRE2's syntax is what Java's java.util.regex (JSONPath filters, the botocore
// `pattern` traits) and JavaScript (JSONata) patterns mostly share; `Options` switches on the
// JavaScript-compatible escapes (\uhhhh, \xhh, unset back-references match empty) where a caller
// needs them. Anything the dialect does not accept is a compile error with PCRE2's message.
//
// Threading: a compiled Regex is immutable and may be matched from any number of threads at once
// (each match allocates its own match data). Copying shares the compiled code.
// Exceptions: none; compile errors and limits are values.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scl::core {

struct RegexOptions {
  bool caseless = false;   // i
  bool multiline = false;  // m: ^ and $ at line breaks
  bool dotall = false;     // s: . matches line breaks
  bool extended = false;   // x
  bool javascript = false; // JavaScript escapes and back-reference rules (JSONata)
  bool anchored = false;   // match only at the start offset
};

/// Cost bounds for one match call. The defaults keep one call well under a second on any input.
struct RegexLimits {
  std::uint32_t match_limit = 5'000'000;    // PCRE2 match() calls (backtracking steps)
  std::uint32_t depth_limit = 100'000;      // nested backtracking frames
  std::uint32_t heap_limit_kib = 64 * 1024; // backtracking memory
};

/// Byte offsets of a match and its capture groups in the subject; a group that did not take part
/// has begin == npos.
struct RegexMatch {
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [0] = the whole match
};

class Regex {
 public:
  enum class Outcome { kMatch, kNoMatch, kLimit, kError };

  /// Compiles `pattern`. On failure returns nullopt and sets `error` (PCRE2's message and the
  /// byte offset where it stopped) when given.
  static std::optional<Regex> compile(std::string_view pattern, const RegexOptions& options = {},
                                      std::string* error = nullptr);

  /// Searches `subject` from byte offset `start`; fills `match` (when given) on kMatch.
  /// kLimit: a cost bound was hit (the caller decides what that means: a States.Runtime failure,
  /// an error value). kError: the subject is not valid UTF-8 or another PCRE2 failure.
  Outcome search(std::string_view subject, std::size_t start = 0, RegexMatch* match = nullptr,
                 const RegexLimits& limits = {}) const;
  /// True match of the whole subject (Java's Matcher.matches()).
  Outcome full_match(std::string_view subject, const RegexLimits& limits = {}) const;

  /// Number of capture groups (not counting group 0).
  [[nodiscard]] std::size_t capture_count() const;
  /// Names of named groups with their numbers.
  [[nodiscard]] std::vector<std::pair<std::string, std::size_t>> group_names() const;
  [[nodiscard]] const std::string& pattern() const { return pattern_; }

 private:
  struct Code;
  Regex(std::shared_ptr<const Code> code, std::string pattern);
  Outcome run(std::string_view subject, std::size_t start, RegexMatch* match,
              const RegexLimits& limits, std::uint32_t extra_options) const;

  std::shared_ptr<const Code> code_;
  std::string pattern_;
};

}  // namespace scl::core
