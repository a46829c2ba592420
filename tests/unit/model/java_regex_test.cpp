#include "engine/model/java_regex.hpp"

#include <regex>
#include <string>

#include <doctest/doctest.h>

namespace {

using scl::model::java_regex_to_ecmascript;

// Translates and matches like Java's Matcher.matches().
bool matches(std::string_view java, const std::string& value) {
  const auto ecma = java_regex_to_ecmascript(java);
  REQUIRE(ecma.has_value());
  const std::regex re(*ecma, std::regex::ECMAScript);
  return std::regex_match(value, re);
}

}  // namespace

TEST_CASE("plain patterns pass through unchanged") {
  // Most model patterns are already valid ECMAScript; translation must not alter them.
  CHECK(java_regex_to_ecmascript("[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}") ==
        "[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}");
  CHECK(java_regex_to_ecmascript("^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$") ==
        "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$");
  CHECK(java_regex_to_ecmascript("[!-~]+") == "[!-~]+");
}

TEST_CASE("SFN name pattern needs a non-digit") {
  // CharacterRestrictedName uses a lookahead; all-digit names are rejected by AWS.
  const char* p = "^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$";
  CHECK(matches(p, "my-name_1"));
  CHECK_FALSE(matches(p, "12345"));
  CHECK_FALSE(matches(p, "has space"));
}

TEST_CASE("Unicode property classes inside a class") {
  // CodeBuild tag pattern: letters, separators, numbers of any script plus _.:/=@+-.
  const char* p = "^([\\p{L}\\p{Z}\\p{N}_.:/=@+\\-]*)$";
  CHECK(matches(p, ""));
  CHECK(matches(p, "Team Name_1/x=y@z+w-v.q:r"));
  CHECK(matches(p, "\xC3\xA9quipe \xE6\x97\xA5\xE6\x9C\xAC"));  // équipe 日本
  CHECK_FALSE(matches(p, "a*b"));
  CHECK_FALSE(matches(p, "tab\there"));
}

TEST_CASE("\\p{ASCII} outside a class and \\P negation") {
  // SFN TraceHeader is \p{ASCII}*; negation is only translatable outside a class.
  CHECK(matches("\\p{ASCII}*", "Root=1-5759e988-bd862e3fe1be46a994272793"));
  CHECK_FALSE(matches("\\p{ASCII}*", "caf\xC3\xA9"));
  CHECK(matches("\\P{Digit}+", "abc"));
  CHECK_FALSE(matches("\\P{Digit}+", "a1"));
  CHECK(matches("\\p{Alpha}\\p{Alnum}*", "a1"));
  CHECK_FALSE(matches("\\p{Alpha}\\p{Alnum}*", "1a"));
}

TEST_CASE("Java-only syntax is translated or rejected") {
  // Anchors and possessive quantifiers have ECMAScript equivalents; the rest must be refused
  // so the caller skips the pattern instead of enforcing a wrong one.
  CHECK(java_regex_to_ecmascript("\\Aab++c*+\\z") == "^ab+c*$");
  CHECK(java_regex_to_ecmascript("a{1,3}+b") == "a{1,3}b");
  CHECK(java_regex_to_ecmascript("a+?") == "a+?");
  CHECK_FALSE(java_regex_to_ecmascript("(?i)abc").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("(?<name>a)").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("(?<=a)b").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("(?>a)").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("[a-z&&[^e]]").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("[\\P{L}]").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("\\Qa.b\\E").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("\\p{InGreek}").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("[abc").has_value());
  CHECK_FALSE(java_regex_to_ecmascript("abc\\").has_value());
}

TEST_CASE("repeated single-class patterns are recognised for the byte-table fast path") {
  // Tag keys/values, TraceHeader and ClientToken skip std::regex; the recogniser must not
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
  CHECK_FALSE(as_repeated_class("[a-z]{1,3}").has_value());
  CHECK_FALSE(as_repeated_class("[a-z]*[0-9]").has_value());
  CHECK_FALSE(as_repeated_class("(?=x)[a]*").has_value());
  CHECK_FALSE(as_repeated_class("[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}").has_value());
  CHECK_FALSE(as_repeated_class("a*").has_value());
  CHECK_FALSE(as_repeated_class("([a]*").has_value());
  CHECK_FALSE(as_repeated_class("[a]*\\$").has_value());
}
