// Validation messages quote the offending value; these tests pin the bound on that quote
// (issue 11, finding 14: a 5 MiB name made a 5.2 MB error answer) and that patterns are checked
// at any length now that they run on PCRE2 (finding 6: std::regex needed a 4 KiB cut-off).
#include "engine/model/service_model.hpp"

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "engine/core/echo.hpp"

namespace {

using nlohmann::json;
using scl::model::ServiceModel;

json create_project(const std::string& name) {
  return json{{"name", name},
              {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
              {"artifacts", {{"type", "NO_ARTIFACTS"}}},
              {"environment",
               {{"type", "LINUX_CONTAINER"},
                {"image", "aws/codebuild/standard:7.0"},
                {"computeType", "BUILD_GENERAL1_SMALL"}}},
              {"serviceRole", "arn:aws:iam::123456789012:role/cb"}};
}

std::string message(const std::optional<scl::model::InputProblem>& p) {
  REQUIRE(p.has_value());
  return p->message;
}

}  // namespace

TEST_CASE("a 5 MiB name is quoted as its first 256 characters and an ellipsis") {
  // The answer used to repeat the whole value once per violated constraint.
  const std::string name(5 * 1024 * 1024, 'a');
  const std::string m = message(ServiceModel::codebuild().check_input("CreateProject",
                                                                      create_project(name)));
  const std::string quoted = "Value '" + std::string(256, 'a') + "\xE2\x80\xA6' at 'name'";
  // Length and pattern (the pattern is now checked at any length): quoted twice, short.
  CHECK(m.starts_with("2 validation errors detected: "));
  const auto first = m.find(quoted);
  REQUIRE(first != std::string::npos);
  CHECK(m.find(quoted, first + 1) != std::string::npos);
  CHECK(m.size() < 1024);
}

TEST_CASE("the cut falls between whole UTF-8 characters") {
  // 300 two-byte characters: 256 of them survive, never half of one.
  std::string name;
  for (int i = 0; i < 300; ++i) name += "\xC3\xA9";
  const std::string m = message(ServiceModel::codebuild().check_input("CreateProject",
                                                                      create_project(name)));
  std::string expected;
  for (int i = 0; i < 256; ++i) expected += "\xC3\xA9";
  CHECK(m.find("Value '" + expected + "\xE2\x80\xA6' at 'name'") != std::string::npos);
  CHECK(nlohmann::json(m).dump().size() > 0);  // valid UTF-8 (dump throws otherwise)
}

TEST_CASE("a list value is quoted with the same bound") {
  // BatchGetBuilds ids: 1..100 elements; 101 long ids render the list once, cut.
  json ids = json::array();
  for (int i = 0; i < 101; ++i) ids.push_back(std::string(10000, 'x'));
  const std::string m =
      message(ServiceModel::codebuild().check_input("BatchGetBuilds", json{{"ids", ids}}));
  CHECK(m.find("Value '[" + std::string(255, 'x') + "\xE2\x80\xA6' at 'ids'") != std::string::npos);
  CHECK(m.size() < 2048);
}

TEST_CASE("short values are quoted whole") {
  const std::string name(200, '-');
  const std::string m = message(ServiceModel::codebuild().check_input("CreateProject",
                                                                      create_project(name)));
  CHECK(m.find("Value '" + name + "' at 'name'") != std::string::npos);
}

TEST_CASE("patterns are checked on values of any length") {
  // ProjectName's pattern needs the regex (not the ASCII table); the std::regex matcher skipped
  // values over 4 KiB, so a 5000-character name reported only its length.
  const std::string name = "-" + std::string(4999, 'a');
  const std::string m = message(ServiceModel::codebuild().check_input("CreateProject",
                                                                      create_project(name)));
  CHECK(m.starts_with("2 validation errors detected: "));
  CHECK(m.find("Member must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}") !=
        std::string::npos);
}

TEST_CASE("non-ASCII tag values go through the regex, ASCII ones through the table") {
  // The tag pattern admits letters of every script but not symbols such as U+2603.
  auto body = create_project("tagged");
  body["tags"] = json::array({{{"key", "k"}, {"value", "\xC3\xA9quipe"}}});
  CHECK_FALSE(ServiceModel::codebuild().check_input("CreateProject", body));
  body["tags"] = json::array({{{"key", "k"}, {"value", "snow\xE2\x98\x83"}}});
  CHECK(ServiceModel::codebuild().check_input("CreateProject", body).has_value());
  body["tags"] = json::array({{{"key", "k"}, {"value", "a*b"}}});
  CHECK(ServiceModel::codebuild().check_input("CreateProject", body).has_value());
}

TEST_CASE("core::echo counts characters, not bytes") {
  CHECK(scl::core::echo("abc", 3) == "abc");
  CHECK(scl::core::echo("abcd", 3) == "abc\xE2\x80\xA6");
  CHECK(scl::core::echo("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 2) ==
        "\xE6\x97\xA5\xE6\x9C\xAC\xE2\x80\xA6");
  CHECK(scl::core::echo("\xE6\x97\xA5\xE6\x9C\xAC", 2) == "\xE6\x97\xA5\xE6\x9C\xAC");
  std::string s = "prefix:" + std::string(10, 'z');
  scl::core::echo_tail(s, 7, 4);
  CHECK(s == "prefix:zzzz\xE2\x80\xA6");
}
