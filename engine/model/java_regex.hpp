#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scl::model {

// Translates a Java (java.util.regex) pattern, as found in the `pattern` trait of the AWS
// service models, into an ECMAScript pattern for std::regex over UTF-8 bytes (std::regex
// works on `char`, so every code point >= U+0080 is a sequence of bytes 0x80..0xFF).
//
// Translated:
//   \p{L} \p{IsL} \p{IsAlphabetic} \p{Alpha} (letters), \p{Lu} \p{Upper}, \p{Ll} \p{Lower},
//   \p{N} \p{Nd} \p{Digit} \p{IsDigit}, \p{Alnum}, \p{Z} \p{Zs} (separators),
//   \p{Space} \p{IsWhite_Space}, \p{P} \p{Punct}, \p{S}, \p{ASCII}, \p{Graph}, \p{Print},
//   \p{XDigit}, \p{Cntrl} — inside and outside a character class; \P{...} (negation) outside a
//   class; \A -> ^, \z and \Z -> $, \h -> [ \t], possessive quantifiers (*+ ++ ?+ }+) -> greedy.
//   NOTE(emulator): the Unicode categories letter/number/separator/punctuation/symbol are
//   approximated by their ASCII members plus every non-ASCII byte, so a non-ASCII code point
//   satisfies \p{L}, \p{N}, \p{Z}, \p{P} and \p{S} alike. The patterns in the CodeBuild and
//   Step Functions models only use these classes in tag keys/values, where the approximation
//   accepts every valid input and only misses rejecting exotic non-ASCII symbols.
// Not translatable (returns std::nullopt; the caller then skips the pattern): \P{...} inside
//   a class, class intersection (&&), \Q...\E, atomic groups (?>...), inline flags (?i),
//   named groups (?<name>...), lookbehind (?<=...) (?<!...), unknown \p{...} names.
//
// Java's Matcher.matches() semantics (the whole value must match) are the caller's job:
// use std::regex_match, not std::regex_search.
[[nodiscard]] std::optional<std::string> java_regex_to_ecmascript(std::string_view java);

// A translated pattern that is one bracket expression repeated, e.g. `[!-~]+`,
// `[\x00-\x7F]*` or `^([...]*)$`: matching it needs no regex engine, only a byte table
// (scl_model builds the table by testing each byte against `bracket` once at load).
struct RepeatedClass {
  std::string bracket;        // "[...]" including the brackets, ECMAScript syntax
  std::size_t min_count = 0;  // 0 for '*', 1 for '+'
};
// Recognises the shape above in an ECMAScript pattern (optionally ^...$-anchored and/or
// wrapped in one group); std::nullopt for anything else.
[[nodiscard]] std::optional<RepeatedClass> as_repeated_class(std::string_view ecma);

}  // namespace scl::model
