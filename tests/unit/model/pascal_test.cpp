#include "engine/model/service_model.hpp"

#include <string>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;
using scl::model::ServiceModel;

const ServiceModel& cb() { return ServiceModel::codebuild(); }
const ServiceModel& sfn() { return ServiceModel::stepfunctions(); }

}  // namespace

TEST_CASE("StartBuild parameters: PascalCase to API names, nested lists of structures") {
  // Task Parameters are PascalCase at every structure level (aws-behaviour.md 3.2).
  const json params{{"ProjectName", "p"},
                    {"SourceVersion", "main"},
                    {"EnvironmentVariablesOverride",
                     json::array({{{"Name", "K"}, {"Type", "PLAINTEXT"}, {"Value", "v"}}})},
                    {"ArtifactsOverride", {{"Type", "NO_ARTIFACTS"}}}};
  const auto r = cb().input_from_pascal("StartBuild", params);
  CHECK(r.ok());
  CHECK(r.value == json{{"projectName", "p"},
                        {"sourceVersion", "main"},
                        {"environmentVariablesOverride",
                         json::array({{{"name", "K"}, {"type", "PLAINTEXT"}, {"value", "v"}}})},
                        {"artifactsOverride", {{"type", "NO_ARTIFACTS"}}}});
  // String values (including enum values and names inside values) are never touched.
  CHECK(r.value["environmentVariablesOverride"][0]["name"] == "K");
}

TEST_CASE("unknown parameters are reported with their location and left out") {
  // AWS rejects unsupported fields in Task states; camelCase keys are not PascalCase members.
  const json params{{"ProjectName", "p"},
                    {"projectName", "p"},
                    {"EnvironmentVariablesOverride",
                     json::array({{{"Name", "K"}, {"Value", "v"}},
                                  {{"Name", "L"}, {"Value", "w"}, {"Secret", true}}})}};
  const auto r = cb().input_from_pascal("StartBuild", params);
  REQUIRE(r.unknown.size() == 2);
  CHECK(r.unknown[0].field == "Secret");
  CHECK(r.unknown[0].path == "/EnvironmentVariablesOverride/1/Secret");
  CHECK(r.unknown[1].field == "projectName");
  CHECK(r.unknown[1].path == "/projectName");
  CHECK_FALSE(r.ok());
  CHECK_FALSE(r.value["environmentVariablesOverride"][1].contains("secret"));
  CHECK(r.value["projectName"] == "p");
}

TEST_CASE("JSON pointer escaping of unknown field paths") {
  // Field names may contain '/' or '~'; paths must stay unambiguous (RFC 6901).
  const auto r = cb().input_from_pascal("StartBuild", json{{"a/b~c", 1}});
  REQUIRE(r.unknown.size() == 1);
  CHECK(r.unknown[0].path == "/a~1b~0c");
}

TEST_CASE("SFN tags are a list of structures and convert like one") {
  // SFN TagList is [{key, value}] (not a map): Key/Value convert, the tag data does not.
  const json params{{"StateMachineArn", "arn"}, {"Name", "exec"}, {"Input", "{\"someKey\": 1}"}};
  const auto r = sfn().input_from_pascal("StartExecution", params);
  CHECK(r.ok());
  CHECK(r.value ==
        json{{"stateMachineArn", "arn"}, {"name", "exec"}, {"input", "{\"someKey\": 1}"}});
  const json tags{{"ResourceArn", "arn"},
                  {"Tags", json::array({{{"Key", "CostCenter"}, {"Value", "Team A"}}})}};
  const auto t = sfn().input_from_pascal("TagResource", tags);
  CHECK(t.ok());
  CHECK(t.value == json{{"resourceArn", "arn"},
                        {"tags", json::array({{{"key", "CostCenter"}, {"value", "Team A"}}})}});
  CHECK(sfn().to_pascal("TagResourceInput", t.value) == tags);
}

TEST_CASE("build output to PascalCase keeps map keys and values") {
  // Task results expose $.Build.Environment.EnvironmentVariables[0].Name etc.; maps such as
  // TestSummary.StatusCounts are data (aws-behaviour.md 3.3).
  const json out{{"build",
                  {{"id", "p:1"},
                   {"buildStatus", "IN_PROGRESS"},
                   {"reportArns", json::array({"arn:r"})},
                   {"environment",
                    {{"type", "LINUX_CONTAINER"},
                     {"environmentVariables", json::array({{{"name", "K"}, {"value", "v"}}})}}},
                   {"logs", {{"s3Logs", {{"status", "DISABLED"}}}, {"deepLink", "x"}}}}}};
  const json pascal = cb().output_to_pascal("StartBuild", out);
  CHECK(pascal ==
        json{{"Build",
              {{"Id", "p:1"},
               {"BuildStatus", "IN_PROGRESS"},
               {"ReportArns", json::array({"arn:r"})},
               {"Environment",
                {{"Type", "LINUX_CONTAINER"},
                 {"EnvironmentVariables", json::array({{{"Name", "K"}, {"Value", "v"}}})}}},
               {"Logs", {{"S3Logs", {{"Status", "DISABLED"}}}, {"DeepLink", "x"}}}}}});

  const json reports{
      {"reports", json::array({{{"arn", "a"},
                                {"testSummary",
                                 {{"total", 2},
                                  {"statusCounts", {{"SUCCEEDED", 1}, {"failed", 1}}},
                                  {"durationInNanoSeconds", 5}}}}})}};
  const json converted = cb().output_to_pascal("BatchGetReports", reports);
  CHECK(converted["Reports"][0]["TestSummary"]["StatusCounts"] ==
        json{{"SUCCEEDED", 1}, {"failed", 1}});
  CHECK(converted["Reports"][0]["TestSummary"]["Total"] == 2);
  CHECK(converted["Reports"][0]["TestSummary"]["DurationInNanoSeconds"] == 5);
}

TEST_CASE("PascalCase round trip over a map shape leaves map keys alone") {
  // from_pascal(to_pascal(x)) == x for modeled data, including a lower-case map key.
  const json summary{{"total", 3},
                     {"statusCounts", {{"SUCCEEDED", 2}, {"failed", 1}}},
                     {"durationInNanoSeconds", 7}};
  const json pascal = cb().to_pascal("TestReportSummary", summary);
  CHECK(pascal == json{{"Total", 3},
                       {"StatusCounts", {{"SUCCEEDED", 2}, {"failed", 1}}},
                       {"DurationInNanoSeconds", 7}});
  const auto back = cb().from_pascal("TestReportSummary", pascal);
  CHECK(back.ok());
  CHECK(back.value == summary);
}

TEST_CASE("round trip of a full CreateProject input") {
  // Every structure level converts and converts back exactly.
  const json input{{"name", "p"},
                   {"source", {{"type", "S3"}, {"location", "b/k"}, {"auth", {{"type", "OAUTH"}}}}},
                   {"artifacts", {{"type", "NO_ARTIFACTS"}}},
                   {"environment",
                    {{"type", "LINUX_CONTAINER"},
                     {"image", "i"},
                     {"computeType", "BUILD_GENERAL1_SMALL"},
                     {"environmentVariables", json::array({{{"name", "n"}, {"value", "v"}}})}}},
                   {"serviceRole", "r"},
                   {"tags", json::array({{{"key", "k"}, {"value", "v"}}})},
                   {"vpcConfig", {{"vpcId", "v"}, {"subnets", json::array({"s1"})}}}};
  const json pascal = cb().to_pascal("CreateProjectInput", input);
  CHECK(pascal["Environment"]["EnvironmentVariables"][0]["Name"] == "n");
  CHECK(pascal["VpcConfig"]["Subnets"] == json::array({"s1"}));
  const auto back = cb().input_from_pascal("CreateProject", pascal);
  CHECK(back.ok());
  CHECK(back.value == input);
}

TEST_CASE("to_pascal keeps members outside the model and mismatched types") {
  // Output conversion must not lose data a newer service version added.
  const json in{{"build", {{"id", "x"}, {"futureField", {{"innerKey", 1}}}}}, {"extra", "e"}};
  const json out = cb().output_to_pascal("StartBuild", in);
  CHECK(out == json{{"Build", {{"Id", "x"}, {"FutureField", {{"innerKey", 1}}}}}, {"Extra", "e"}});
  // A structure member holding a string is copied as is.
  CHECK(cb().to_pascal("StartBuildOutput", json{{"build", "oops"}}) == json{{"Build", "oops"}});
}

TEST_CASE("operation-level helpers reject unknown operations") {
  // Contract: unknown operation is a programming error.
  CHECK_THROWS_AS((void)cb().input_from_pascal("Nope", json::object()), std::invalid_argument);
  CHECK_THROWS_AS((void)cb().output_to_pascal("Nope", json::object()), std::invalid_argument);
  CHECK_THROWS_AS((void)cb().to_pascal("Nope", json::object()), std::invalid_argument);
}

TEST_CASE("output_to_pascal_ordered equals output_to_pascal, text and member order included") {
  // The integrations hand the ordered flavour to the interpreter; its text (history events,
  // States.TaskFailed causes) must be what the std::map flavour printed: members sorted by
  // PascalCase name, including unmodeled members that start upper-case and a later duplicate.
  const json build{{"id", "p:1"},
                   {"arn", "arn:aws:codebuild:us-east-1:1:build/p:1"},
                   {"startTime", 1700000000.123},
                   {"endTime", 1700000012.5},
                   {"buildStatus", "SUCCEEDED"},
                   {"phases", json::array({{{"phaseType", "SUBMITTED"},
                                            {"startTime", 1700000000.123},
                                            {"durationInSeconds", 0}}})},
                   {"environment",
                    {{"type", "LINUX_CONTAINER"},
                     {"environmentVariables",
                      json::array({{{"name", "K"}, {"value", "v\u00e9\"q"}}})}}},
                   {"Zeta", 1},
                   {"alpha", json::array({1.5, nullptr, true, -3})},
                   {"FutureField", {{"b", 1}, {"A", 2}}},
                   {"futureField", "lower wins over upper (sorted later)"}};
  const json outputs[] = {
      json{{"build", build}},
      json{{"build", build}, {"Aaa", 0}, {"zzz", "x"}},
      json{{"reports", json::array({{{"arn", "a"},
                                     {"testSummary",
                                      {{"total", 2},
                                       {"statusCounts", {{"SUCCEEDED", 1}, {"failed", 1}}}}}}})},
           {"reportsNotFound", json::array({"b"})}},
  };
  const char* ops[] = {"StartBuild", "StartBuild", "BatchGetReports"};
  for (std::size_t i = 0; i < 3; ++i) {
    for (auto ts : {scl::model::TimestampFormat::kAsIs, scl::model::TimestampFormat::kEpochMillis}) {
      const json expected = cb().output_to_pascal(ops[i], outputs[i], ts);
      const nlohmann::ordered_json got = cb().output_to_pascal_ordered(ops[i], outputs[i], ts);
      CHECK(got.dump() == expected.dump());
    }
  }
  // An operation without an output shape, and the member form used for `.sync` results.
  CHECK(cb().output_to_pascal_ordered("StopBuild", json{{"build", build}}).dump() ==
        cb().output_to_pascal("StopBuild", json{{"build", build}}).dump());
  CHECK(cb().output_member_to_pascal_ordered("StartBuild", "build", build,
                                             scl::model::TimestampFormat::kEpochMillis)
            .dump() ==
        cb().output_to_pascal("StartBuild", json{{"build", build}},
                              scl::model::TimestampFormat::kEpochMillis)
            .dump());
  CHECK(cb().output_member_to_pascal_ordered("StartBuild", "notModeled", json{{"x", 1}}).dump() ==
        R"({"NotModeled":{"x":1}})");
}
