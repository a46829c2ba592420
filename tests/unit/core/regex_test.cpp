#include "engine/core/regex.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using scl::core::Regex;
using scl::core::RegexMatch;

// Why: issue 11 finding 1: a back-reference over a long subject crashed the server through
// libstdc++'s recursive matcher; PCRE2 must answer it without growing the machine stack.
TEST_CASE("back-references over a 200,000-character subject do not recurse on the stack") {
  auto re = Regex::compile("(a)\\1*");
  REQUIRE(re);
  const std::string subject(200000, 'a');
  RegexMatch m;
  REQUIRE(re->search(subject, 0, &m) == Regex::Outcome::kMatch);
  CHECK(m.groups[0].second == 200000);
  const std::string longer(2000000, 'a');
  CHECK(re->search(longer, 0, &m) == Regex::Outcome::kMatch);
}

// Why: issue 11 finding 1: catastrophic backtracking must end at the match limit, quickly.
TEST_CASE("catastrophic backtracking ends in kLimit") {
  auto re = Regex::compile("(a*)*\\1b");
  REQUIRE(re);
  // PCRE2 rejects the 'b'-less subject at once; with a 'b' out of reach it must backtrack.
  CHECK(re->search(std::string(30, 'a')) == Regex::Outcome::kNoMatch);
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = re->search(std::string(30, 'a') + "cb");
  CHECK((outcome == Regex::Outcome::kLimit || outcome == Regex::Outcome::kNoMatch));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  auto nested = Regex::compile("^(a+)+$");
  REQUIRE(nested);
  CHECK(nested->full_match(std::string(40, 'a') + "b") == Regex::Outcome::kLimit);
}

// Why: JSONPath filters and botocore patterns use Java's matches(): the whole subject.
TEST_CASE("full_match anchors both ends, search does not") {
  auto re = Regex::compile("[a-z]+");
  REQUIRE(re);
  CHECK(re->full_match("abc") == Regex::Outcome::kMatch);
  CHECK(re->full_match("abc1") == Regex::Outcome::kNoMatch);
  CHECK(re->search("1abc") == Regex::Outcome::kMatch);
}

// Why: callers report PCRE2's compile error to the user.
TEST_CASE("compile errors are values with a message") {
  std::string err;
  CHECK_FALSE(Regex::compile("(unclosed", {}, &err));
  CHECK(err.find("offset") != std::string::npos);
}

// Why: JSONata needs group offsets, unset groups and names.
TEST_CASE("groups, unset groups and names") {
  auto re = Regex::compile("(?<word>[a-z]+)(\\d)?");
  REQUIRE(re);
  RegexMatch m;
  REQUIRE(re->search("xx abc!", 0, &m) == Regex::Outcome::kMatch);
  CHECK(m.groups[0] == std::pair<std::size_t, std::size_t>{0, 2});
  REQUIRE(re->search("xx abc!", 2, &m) == Regex::Outcome::kMatch);
  CHECK(m.groups[1] == std::pair<std::size_t, std::size_t>{3, 6});
  CHECK(m.groups[2].first == RegexMatch::npos);
  CHECK(re->capture_count() == 2);
  REQUIRE(re->group_names().size() == 1);
  CHECK(re->group_names()[0].first == "word");
}

// Why: JSONata's regexes are JavaScript's: \u escapes and case-insensitive flags.
TEST_CASE("javascript options") {
  scl::core::RegexOptions js;
  js.javascript = true;
  js.caseless = true;
  auto re = Regex::compile("\\u0041b", js);
  REQUIRE(re);
  CHECK(re->search("xaB") == Regex::Outcome::kMatch);
}

// Why: invalid UTF-8 in a subject is an error value, never undefined behaviour.
TEST_CASE("invalid UTF-8 subject is kError") {
  auto re = Regex::compile("a");
  REQUIRE(re);
  CHECK(re->search(std::string("\xff\xfe", 2)) == Regex::Outcome::kError);
}
