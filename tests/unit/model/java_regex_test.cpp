#include "engine/model/java_regex.hpp"

#include <string>

#include <doctest/doctest.h>

#include "engine/core/regex.hpp"

namespace {

using scl::core::Regex;
using scl::model::java_regex_to_pcre2;

// Translates and matches like Java's Matcher.matches().
bool matches(std::string_view java, const std::string& value) {
  const auto translated = java_regex_to_pcre2(java);
  REQUIRE(translated.has_value());
  std::string error;
  const auto re = Regex::compile(*translated, {}, &error);
  INFO(*translated << ": " << error);
  REQUIRE(re.has_value());
  return re->full_match(value) == Regex::Outcome::kMatch;
}

}  // namespace

TEST_CASE("plain patterns pass through unchanged") {
  // Most model patterns are already valid PCRE2; translation must not alter them.
  CHECK(java_regex_to_pcre2("[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}") ==
        "[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}");
  CHECK(java_regex_to_pcre2("^(?=[a-zA-Z_\\-])[a-zA-Z0-9_\\-]+$") ==
        "^(?=[a-zA-Z_\\-])[a-zA-Z0-9_\\-]+$");
  CHECK(java_regex_to_pcre2("[!-~]+") == "[!-~]+");
}

TEST_CASE("SFN name pattern needs a non-digit") {
  // CharacterRestrictedName uses a lookahead; all-digit names are rejected by AWS.
  const char* p = "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$";
  CHECK(matches(p, "my-name_1"));
  CHECK_FALSE(matches(p, "12345"));
  CHECK_FALSE(matches(p, "has space"));
}

TEST_CASE("Unicode property classes inside a class") {
  // CodeBuild tag pattern: letters, separators, numbers of any script plus _.:/=@+-; PCRE2
  // knows the real Unicode categories, so exotic symbols are now rejected too.
  const char* p = "^([\\p{L}\\p{Z}\\p{N}_.:/=@+\\-]*)$";
  CHECK(matches(p, ""));
  CHECK(matches(p, "Team Name_1/x=y@z+w-v.q:r"));
  CHECK(matches(p, "\xC3\xA9quipe \xE6\x97\xA5\xE6\x9C\xAC"));  // équipe 日本
  CHECK_FALSE(matches(p, "a*b"));
  CHECK_FALSE(matches(p, "tab\there"));
  CHECK_FALSE(matches(p, "\xE2\x98\x83"));  // U+2603 SNOWMAN is a symbol (So)
}

TEST_CASE("POSIX-style names are US-ASCII, as in Java") {
  // SFN TraceHeader is \p{ASCII}*; \p{Alpha} etc. never admit non-ASCII letters in Java.
  CHECK(matches("\\p{ASCII}*", "Root=1-5759e988-bd862e3fe1be46a994272793"));
  CHECK_FALSE(matches("\\p{ASCII}*", "caf\xC3\xA9"));
  CHECK(matches("\\P{Digit}+", "abc"));
  CHECK_FALSE(matches("\\P{Digit}+", "a1"));
  CHECK(matches("\\p{Alpha}\\p{Alnum}*", "a1"));
  CHECK_FALSE(matches("\\p{Alpha}\\p{Alnum}*", "1a"));
  CHECK_FALSE(matches("\\p{Alpha}", "\xC3\xA9"));
  CHECK(matches("[\\P{Digit}x]+", "ab"));  // negation inside a class is translatable now
  CHECK_FALSE(matches("[\\P{Digit}]+", "a1"));
  CHECK(matches("\\p{IsAlphabetic}+", "\xC3\xA9t\xC3\xA9"));
  CHECK(matches("\\p{IsL}\\p{IsDigit}", "x7"));
  CHECK(matches("\\p{IsWhite_Space}+", " \t\n"));
}

TEST_CASE("Java syntax that PCRE2 spells differently is translated") {
  // \uhhhh, octal, and Java's `.` (which also excludes \r, U+0085, U+2028, U+2029).
  CHECK(matches("\\u0041\\u00e9", "A\xC3\xA9"));
  CHECK(matches("\\0101", "A"));
  CHECK(matches("a.c", "abc"));
  CHECK_FALSE(matches("a.c", "a\rc"));
  CHECK_FALSE(matches("a.c", "a\nc"));
  CHECK_FALSE(matches("a.c", "a\xE2\x80\xA8" "c"));
  CHECK(matches("[.]", "."));
  CHECK_FALSE(matches("[.]", "x"));
  CHECK(matches("\\Qa.b\\E+", "a.bbb"));
  CHECK_FALSE(matches("\\Qa.b\\E", "axb"));
  CHECK(matches("\\Aab++c*+\\z", "abbcc"));
  CHECK(matches("(?i)abc", "ABC"));
  CHECK(matches("(?<name>a)\\k<name>", "aa"));
  CHECK(matches("(?<=a)b|ab", "ab"));
  CHECK(matches("(?>a+)b", "aab"));
}

TEST_CASE("Java-only syntax is refused") {
  // Refused so that the caller skips the pattern instead of enforcing a wrong one.
  CHECK_FALSE(java_regex_to_pcre2("(?s)a.b").has_value());
  CHECK_FALSE(java_regex_to_pcre2("(?U)\\w").has_value());
  CHECK_FALSE(java_regex_to_pcre2("(?d)a").has_value());
  CHECK_FALSE(java_regex_to_pcre2("(?is:a)").has_value());
  CHECK_FALSE(java_regex_to_pcre2("[a-z&&[^e]]").has_value());
  CHECK_FALSE(java_regex_to_pcre2("[a[bc]]").has_value());
  CHECK_FALSE(java_regex_to_pcre2("\\p{InGreek}").has_value());
  CHECK_FALSE(java_regex_to_pcre2("\\N{LATIN SMALL LETTER A}").has_value());
  CHECK_FALSE(java_regex_to_pcre2("\\u12").has_value());
  CHECK_FALSE(java_regex_to_pcre2("[abc").has_value());
  CHECK_FALSE(java_regex_to_pcre2("abc\\").has_value());
}

TEST_CASE("a backtracking pattern on a long value ends at the limit, not in a crash") {
  // std::regex recursed once per subject character: a long value overflowed the stack.
  const auto translated = java_regex_to_pcre2("(a|aa)*(b|c)");
  REQUIRE(translated.has_value());
  const auto re = Regex::compile(*translated);
  REQUIRE(re.has_value());
  const std::string subject(200000, 'a');
  CHECK(re->full_match(subject) != Regex::Outcome::kMatch);
}

TEST_CASE("repeated single-class patterns are recognised for the byte-table fast path") {
  // Tag keys/values, TraceHeader and ClientToken skip the regex for ASCII values; the recogniser must not
  // accept anything that is more than one repeated class.
  using scl::model::as_repeated_class;
  const auto tag = as_repeated_class("^([a-z\\]]*)$");
  REQUIRE(tag.has_value());
  CHECK(tag->bracket == "[a-z\\]]");
  CHECK(tag->min_count == 0);
  const auto token = as_repeated_class("[!-~]+");
  REQUIRE(token.has_value());
  CHECK(token->bracket == "[!-~]");
  CHECK(token->min_count == 1);
  CHECK(as_repeated_class("(?:[\\x00-\\x7F]*)").has_value());
  const auto ascii = as_repeated_class("[[:ascii:]]*");
  REQUIRE(ascii.has_value());
  CHECK(ascii->bracket == "[[:ascii:]]");
  CHECK_FALSE(as_repeated_class("[[a]]*").has_value());
  CHECK_FALSE(as_repeated_class("[a-z]{1,3}").has_value());
  CHECK_FALSE(as_repeated_class("[a-z]*[0-9]").has_value());
  CHECK_FALSE(as_repeated_class("(?=x)[a]*").has_value());
  CHECK_FALSE(as_repeated_class("[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}").has_value());
  CHECK_FALSE(as_repeated_class("a*").has_value());
  CHECK_FALSE(as_repeated_class("([a]*").has_value());
  CHECK_FALSE(as_repeated_class("[a]*\\$").has_value());
}
