#pragma once
// Java (java.util.regex) patterns, as found in the `pattern` trait of the AWS service models,
// translated for core::Regex (PCRE2 in UTF mode, no UCP: \w \d \s and POSIX classes stay ASCII,
// as in Java without UNICODE_CHARACTER_CLASS).
//
// The two dialects share most syntax (classes, \p{..} Unicode categories, lookaround, atomic and
// named groups, possessive and lazy quantifiers, \Q..\E, \A \z \Z \h \v \R \G, back-references).
// What differs and is translated:
//   \p{IsL} and the other "Is" spellings -> \p{L}; \p{IsAlphabetic} \p{IsLetter} -> \p{L},
//   \p{IsDigit} -> \p{Nd}, \p{IsWhite_Space} -> \p{Zs} plus \t-\r, \x85, \x{2028} \x{2029} —
//   written out, so the result does not depend on PCRE2's binary-property support;
//   POSIX-style names (\p{Alpha} \p{Digit} \p{Alnum} \p{Upper} \p{Lower} \p{Punct} \p{Graph}
//   \p{Print} \p{ASCII} \p{Space} \p{XDigit} \p{Cntrl} \p{Blank}), US-ASCII in Java -> PCRE2's
//   [:alpha:] ... classes (ASCII without UCP), negated forms included;
//   \uhhhh -> \x{hhhh}; \0ooo (octal) -> \o{ooo};
//   `.` outside a class -> [^\n\r\x{85}\x{2028}\x{2029}] (Java's line terminators; PCRE2's `.`
//   excludes only \n).
// Not translatable (std::nullopt; the caller skips the pattern rather than enforce a wrong
//   one): class union and intersection ([a[b]], &&), inline flags other than i m x (Java's d u U;
//   s, whose `.` the rewrite above would contradict), \N{...}, block names (\p{InGreek}),
//   unknown property names, a trailing backslash, an unclosed class.
//
// Java's Matcher.matches() semantics (the whole value must match) are the caller's job:
// use Regex::full_match.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace scl::model {

[[nodiscard]] std::optional<std::string> java_regex_to_pcre2(std::string_view java);

// A translated pattern that is one bracket expression repeated, e.g. `[!-~]+`, `[[:ascii:]]*`
// or `^([\p{L}_.]*)$`: for ASCII input, matching it needs no regex
// engine, only a table of the ASCII characters the class admits (scl_model builds the table by
// matching each one against `bracket` once at load; non-ASCII input goes to the regex).
struct RepeatedClass {
  std::string bracket;        // "[...]" including the brackets, PCRE2 syntax
  std::size_t min_count = 0;  // 0 for '*', 1 for '+'
};
// Recognises the shape above (optionally ^...$-anchored and/or wrapped in one group);
// std::nullopt for anything else.
[[nodiscard]] std::optional<RepeatedClass> as_repeated_class(std::string_view pattern);

}  // namespace scl::model
