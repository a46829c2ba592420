#include "engine/model/service_model.hpp"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace {

using nlohmann::json;
using scl::model::InputProblem;
using scl::model::ServiceModel;

const ServiceModel& cb() { return ServiceModel::codebuild(); }
const ServiceModel& sfn() { return ServiceModel::stepfunctions(); }

// Minimal valid CreateProject body; tests patch one member at a time.
json create_project() {
  return json{{"name", "my-project"},
              {"source", {{"type", "NO_SOURCE"}, {"buildspec", "version: 0.2"}}},
              {"artifacts", {{"type", "NO_ARTIFACTS"}}},
              {"environment",
               {{"type", "LINUX_CONTAINER"},
                {"image", "aws/codebuild/standard:7.0"},
                {"computeType", "BUILD_GENERAL1_SMALL"}}},
              {"serviceRole", "arn:aws:iam::123456789012:role/cb"}};
}

std::string validation(const std::optional<InputProblem>& p) {
  REQUIRE(p.has_value());
  CHECK(p->kind == InputProblem::Kind::kValidation);
  return p->message;
}

std::string serialization(const std::optional<InputProblem>& p) {
  REQUIRE(p.has_value());
  CHECK(p->kind == InputProblem::Kind::kSerialization);
  return p->message;
}

}  // namespace

TEST_CASE("embedded models carry the metadata the router needs") {
  // Routing and Content-Type come from these; a bad embed/generation step shows up here first.
  CHECK(cb().target_prefix() == "CodeBuild_20161006");
  CHECK(cb().json_version() == "1.1");
  CHECK(cb().service_id() == "CodeBuild");
  CHECK(sfn().target_prefix() == "AWSStepFunctions");
  CHECK(sfn().json_version() == "1.0");
  CHECK(sfn().service_id() == "SFN");
}

TEST_CASE("operation lists and metadata match the models") {
  // aws-behaviour.md 1.5 counts 59 CodeBuild and 37 SFN operations; routing relies on
  // has_operation.
  CHECK(cb().operation_names().size() == 59);
  CHECK(sfn().operation_names().size() == 37);
  const auto names = cb().operation_names();
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(cb().has_operation("StartBuild"));
  CHECK_FALSE(cb().has_operation("startBuild"));
  CHECK_FALSE(cb().has_operation("StartExecution"));
  CHECK(sfn().has_operation("StartExecution"));
  const auto* op = cb().operation("StartBuild");
  REQUIRE(op != nullptr);
  CHECK(op->input_shape == "StartBuildInput");
  CHECK(op->output_shape == "StartBuildOutput");
  CHECK(op->errors == std::vector<std::string>{"InvalidInputException", "ResourceNotFoundException",
                                               "AccountLimitExceededException"});
  CHECK(cb().operation("Nope") == nullptr);
}

TEST_CASE("enum values come in model order") {
  // Handlers and the validator list enums as the model does; order is part of the message.
  const auto values = sfn().enum_values("ExecutionStatus");
  REQUIRE(values.size() == 6);
  CHECK(values[0] == "RUNNING");
  CHECK(values[5] == "PENDING_REDRIVE");
  CHECK(cb().enum_values("ComputeType").front() == "BUILD_GENERAL1_SMALL");
  CHECK(cb().enum_values("ProjectName").empty());
  CHECK(cb().enum_values("NoSuchShape").empty());
}

TEST_CASE("valid CodeBuild requests pass") {
  // The validator runs on every request: false positives would break real SDK calls.
  CHECK_FALSE(cb().check_input("CreateProject", create_project()));
  CHECK_FALSE(cb().check_input("StartBuild", json{{"projectName", "p"}}));
  CHECK_FALSE(cb().check_input(
      "StartBuild", json{{"projectName", "p"},
                         {"timeoutInMinutesOverride", 2160},
                         {"environmentVariablesOverride",
                          json::array({{{"name", "A"}, {"value", ""}, {"type", "PLAINTEXT"}}})},
                         {"privilegedModeOverride", true},
                         {"gitCloneDepthOverride", 0}}));
  CHECK_FALSE(cb().check_input("ListProjects", json::object()));
  CHECK_FALSE(cb().check_input("ListProjects", json(nullptr)));  // empty body
}

TEST_CASE("unknown members are ignored") {
  // AWS ignores members it does not model; SDKs newer than our model may send them.
  auto body = create_project();
  body["someFutureMember"] = {{"x", 1}};
  body["environment"]["alsoUnknown"] = "x";
  CHECK_FALSE(cb().check_input("CreateProject", body));
}

TEST_CASE("StartBuild timeout above the model maximum") {
  // botocore does not check max (aws-behaviour.md 1.3), so the emulator must.
  CHECK(validation(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", 3000}})) ==
        "1 validation error detected: Value '3000' at 'timeoutInMinutesOverride' failed to "
        "satisfy constraint: Member must have value less than or equal to 2160");
  CHECK(validation(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"queuedTimeoutInMinutesOverride", 4}})) ==
        "1 validation error detected: Value '4' at 'queuedTimeoutInMinutesOverride' failed to "
        "satisfy constraint: Member must have value greater than or equal to 5");
}

TEST_CASE("missing required members render as null") {
  // coral reports absent required members as `Value null at '<path>'`.
  CHECK(validation(cb().check_input("StartBuild", json::object())) ==
        "1 validation error detected: Value null at 'projectName' failed to satisfy constraint: "
        "Member must not be null");
  // A null (empty) body has no members either.
  CHECK(validation(cb().check_input("StartBuild", json(nullptr))) ==
        "1 validation error detected: Value null at 'projectName' failed to satisfy constraint: "
        "Member must not be null");
  // An explicit JSON null counts as absent.
  CHECK(validation(cb().check_input("StartBuild", json{{"projectName", nullptr}})) ==
        "1 validation error detected: Value null at 'projectName' failed to satisfy constraint: "
        "Member must not be null");
}

TEST_CASE("nested required member and several violations in model order") {
  // Multiple violations are joined with "; " after an "N validation errors detected" prefix.
  auto body = create_project();
  body["environment"].erase("computeType");
  body["timeoutInMinutes"] = 1;
  body.erase("serviceRole");
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "3 validation errors detected: "
        "Value null at 'environment.computeType' failed to satisfy constraint: Member must not be "
        "null; "
        "Value null at 'serviceRole' failed to satisfy constraint: Member must not be null; "
        "Value '1' at 'timeoutInMinutes' failed to satisfy constraint: Member must have value "
        "greater than or equal to 5");
}

TEST_CASE("enum violation lists the model's values in model order") {
  // computeType FOO must produce the enum-set message (botocore does not check enums).
  auto body = create_project();
  body["environment"]["computeType"] = "FOO";
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "1 validation error detected: Value 'FOO' at 'environment.computeType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [BUILD_GENERAL1_SMALL, "
        "BUILD_GENERAL1_MEDIUM, BUILD_GENERAL1_LARGE, BUILD_GENERAL1_XLARGE, "
        "BUILD_GENERAL1_2XLARGE, BUILD_LAMBDA_1GB, BUILD_LAMBDA_2GB, BUILD_LAMBDA_4GB, "
        "BUILD_LAMBDA_8GB, BUILD_LAMBDA_10GB, ATTRIBUTE_BASED_COMPUTE, CUSTOM_INSTANCE_TYPE]");
}

TEST_CASE("project name length and pattern") {
  // ProjectName is 2..150 with pattern [A-Za-z0-9][A-Za-z0-9\-_]{1,149}; matched as a whole.
  auto body = create_project();
  body["name"] = "-bad";
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "1 validation error detected: Value '-bad' at 'name' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}");
  body["name"] = "a";
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "2 validation errors detected: Value 'a' at 'name' failed to satisfy constraint: Member "
        "must have length greater than or equal to 2; Value 'a' at 'name' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "[A-Za-z0-9][A-Za-z0-9\\-_]{1,149}");
  body["name"] = std::string(151, 'a');
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "2 validation errors detected: Value '" + std::string(151, 'a') +
            "' at 'name' failed to satisfy constraint: Member must have length less than or "
            "equal to 150; Value '" +
            std::string(151, 'a') +
            "' at 'name' failed to satisfy constraint: Member must satisfy regular expression "
            "pattern: [A-Za-z0-9][A-Za-z0-9\\-_]{1,149}");
  body["name"] = "ok_name-1";
  CHECK_FALSE(cb().check_input("CreateProject", body));
  body["name"] = "has space";  // a prefix matches, the whole value does not
  CHECK(cb().check_input("CreateProject", body).has_value());
}

TEST_CASE("string length counts code points, not bytes") {
  // Multi-byte UTF-8 must not inflate lengths (SFN name max 80).
  std::string name;
  for (int i = 0; i < 80; ++i) name += "\xC3\xA9";  // U+00E9, 2 bytes
  CHECK_FALSE(sfn().check_input("StartExecution",
                                json{{"stateMachineArn", "arn:aws:states:x"}, {"name", name}}));
  name += "\xC3\xA9";
  CHECK(validation(sfn().check_input(
            "StartExecution", json{{"stateMachineArn", "arn:aws:states:x"}, {"name", name}})) ==
        "1 validation error detected: Value '" + name +
            "' at 'name' failed to satisfy constraint: Member must have length less than or "
            "equal to 80");
  // Empty string below min 1.
  CHECK(validation(cb().check_input("StartBuild", json{{"projectName", ""}})) ==
        "1 validation error detected: Value '' at 'projectName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1");
}

TEST_CASE("SFN maxResults 1001 (F-121)") {
  // Recorded AWS message, reference F-121.
  CHECK(validation(sfn().check_input("ListStateMachines", json{{"maxResults", 1001}})) ==
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1000");
  CHECK_FALSE(sfn().check_input("ListStateMachines", json{{"maxResults", 1000}}));
  CHECK_FALSE(sfn().check_input("ListStateMachines", json{{"maxResults", 0}}));
}

TEST_CASE("SFN statusFilter enum") {
  // Reference 1.2 records this message; NOTE: AWS listed the set in another order than the
  // model, we use model order (documented in service_model.hpp).
  CHECK(validation(sfn().check_input("ListExecutions", json{{"statusFilter", "succeeded"}})) ==
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy "
        "constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, "
        "ABORTED, PENDING_REDRIVE]");
}

TEST_CASE("sensitive values are not echoed") {
  // coral omits values of sensitive shapes (SFN definition, input) from messages.
  CHECK(validation(sfn().check_input(
            "CreateStateMachine",
            json{{"name", "sm"}, {"definition", ""}, {"roleArn", "arn:aws:iam::1:role/r"}})) ==
        "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  CHECK(
      validation(sfn().check_input("StartExecution", json{{"stateMachineArn", "arn"},
                                                          {"input", std::string(262145, 'x')}})) ==
      "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must "
      "have length less than or equal to 262144");
}

TEST_CASE("nested list paths use .N.member, 1-based") {
  // coral path style, e.g. environmentVariablesOverride.1.member.name.
  const json body{
      {"projectName", "p"},
      {"environmentVariablesOverride",
       json::array({{{"name", "OK"}, {"value", "v"}}, {{"value", "v"}, {"type", "SECRET"}}})}};
  CHECK(validation(cb().check_input("StartBuild", body)) ==
        "2 validation errors detected: Value null at 'environmentVariablesOverride.2.member.name' "
        "failed to satisfy constraint: Member must not be null; Value 'SECRET' at "
        "'environmentVariablesOverride.2.member.type' failed to satisfy constraint: Member must "
        "satisfy enum value set: [PLAINTEXT, PARAMETER_STORE, SECRETS_MANAGER]");
}

TEST_CASE("null list elements and map values are violations, not passed through") {
  // {"ids": [null]} used to pass the check and reach BatchGetBuilds, which answered 500.
  CHECK(validation(cb().check_input("BatchGetBuilds", json{{"ids", json::array({"a", nullptr})}})) ==
        "1 validation error detected: Value '[a, null]' at 'ids' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length greater than or equal to 1, "
        "Member must not be null]");
  CHECK(validation(cb().check_input(
            "StartBuild", json{{"projectName", "p"},
                               {"environmentVariablesOverride", json::array({nullptr})}})) ==
        "1 validation error detected: Value null at 'environmentVariablesOverride.1.member' "
        "failed to satisfy constraint: Member must not be null");
  CHECK(validation(sfn().check_input(
            "TagResource", json{{"resourceArn", "arn:aws:states:us-east-1:123456789012:stateMachine:x"},
                                {"tags", json::array({nullptr})}})) ==
        "1 validation error detected: Value null at 'tags.1.member' failed to satisfy constraint: "
        "Member must not be null");
}

TEST_CASE("list of lists nests the .N.member segments") {
  // CreateWebhook filterGroups is a list of lists of structures.
  const json body{{"projectName", "pp"},
                  {"filterGroups", json::array({json::array({{{"type", "EVENT"}}})})}};
  CHECK(validation(cb().check_input("CreateWebhook", body)) ==
        "1 validation error detected: Value null at 'filterGroups.1.member.1.member.pattern' "
        "failed to satisfy constraint: Member must not be null");
}

TEST_CASE("list length and scalar element constraints") {
  // List min/max use "length"; bad scalar elements give one coral-style "Member must satisfy
  // constraint: [...]" at the list path with the whole list as value.
  CHECK(validation(cb().check_input("BatchGetBuilds", json{{"ids", json::array()}})) ==
        "1 validation error detected: Value '[]' at 'ids' failed to satisfy constraint: Member "
        "must have length greater than or equal to 1");
  CHECK(validation(cb().check_input("BatchGetBuilds", json{{"ids", json::array({"a:1", ""})}})) ==
        "1 validation error detected: Value '[a:1, ]' at 'ids' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must have length greater than or equal to 1, "
        "Member must not be null]");
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back("b:" + std::to_string(i));
  const auto message = validation(cb().check_input("BatchGetBuilds", json{{"ids", many}}));
  CHECK(message.find("at 'ids' failed to satisfy constraint: Member must have length less than "
                     "or equal to 100") != std::string::npos);
  CHECK(message.starts_with("1 validation error detected: Value '[b:0, b:1, "));
}

TEST_CASE("tag key pattern with Java Unicode classes") {
  // CodeBuild tag keys use [\p{L}\p{Z}\p{N}_.:/=@+\-]; non-ASCII letters must pass.
  auto body = create_project();
  body["tags"] = json::array({{{"key", "team name"}, {"value", "\xC3\xA9quipe"}},
                              {{"key", "k\xC3\xA9y"}, {"value", "v"}}});
  CHECK_FALSE(cb().check_input("CreateProject", body));
  body["tags"] = json::array({{{"key", "bad*key"}, {"value", "v"}}});
  CHECK(validation(cb().check_input("CreateProject", body)) ==
        "1 validation error detected: Value 'bad*key' at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^([\\p{L}\\p{Z}\\p{N}_.:/=@+\\-]*)$");
  CHECK_FALSE(cb().pattern_skipped("KeyInput"));
  CHECK_FALSE(sfn().pattern_skipped("TraceHeader"));
  CHECK_FALSE(sfn().pattern_skipped("CharacterRestrictedName"));
}

TEST_CASE("wrong JSON types are serialization problems") {
  // coral fails deserialization before validating; the SDK sees SerializationException.
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", "60"}})) ==
        "STRING_VALUE can not be converted to an Integer");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", true}})) ==
        "TRUE_VALUE can not be converted to an Integer");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", 60.5}})) ==
        "NUMBER_VALUE can not be converted to an Integer");
  CHECK(
      serialization(cb().check_input(
          "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", 4294967296LL}})) ==
      "NUMBER_VALUE can not be converted to an Integer");
  CHECK(serialization(cb().check_input("StartBuild", json{{"projectName", 5}})) ==
        "NUMBER_VALUE can not be converted to a String");
  CHECK(serialization(cb().check_input("StartBuild", json{{"projectName", false}})) ==
        "FALSE_VALUE can not be converted to a String");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"privilegedModeOverride", "true"}})) ==
        "STRING_VALUE can not be converted to a Boolean");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"privilegedModeOverride", 1}})) ==
        "NUMBER_VALUE can not be converted to a Boolean");
  CHECK(serialization(cb().check_input("StartBuild", json{{"projectName", {{"a", 1}}}})) ==
        "Start of structure or map found where not expected.");
  CHECK(serialization(cb().check_input("StartBuild", json{{"projectName", json::array()}})) ==
        "Start of list found where not expected");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"environmentVariablesOverride", "x"}})) ==
        "Expected list or null");
  CHECK(serialization(cb().check_input(
            "StartBuild",
            json{{"projectName", "p"}, {"environmentVariablesOverride", {{"a", 1}}}})) ==
        "Start of structure or map found where not expected.");
  CHECK(serialization(cb().check_input("StartBuild",
                                       json{{"projectName", "p"}, {"artifactsOverride", "S3"}})) ==
        "Expected null");
  CHECK(serialization(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"artifactsOverride", json::array()}})) ==
        "Start of list found where not expected");
  CHECK(serialization(cb().check_input("ListProjects", json::array())) ==
        "Start of list found where not expected");
}

TEST_CASE("a serialization problem wins over validation problems") {
  // coral deserializes the whole body before validating it.
  CHECK(serialization(cb().check_input("StartBuild", json{{"timeoutInMinutesOverride", 3000},
                                                          {"privilegedModeOverride", 1}})) ==
        "NUMBER_VALUE can not be converted to a Boolean");
}

TEST_CASE("numbers: integral floats and longs") {
  // 60.0 is an integer value (rendered as one in messages); long shapes take 64-bit values.
  CHECK_FALSE(cb().check_input("StartBuild",
                               json{{"projectName", "p"}, {"timeoutInMinutesOverride", 60.0}}));
  CHECK(validation(cb().check_input(
            "StartBuild", json{{"projectName", "p"}, {"timeoutInMinutesOverride", 3000.0}})) ==
        "1 validation error detected: Value '3000' at 'timeoutInMinutesOverride' failed to "
        "satisfy constraint: Member must have value less than or equal to 2160");
  CHECK_FALSE(
      sfn().check_input("GetExecutionHistory",
                        json{{"executionArn", "arn"}, {"maxResults", 10}, {"reverseOrder", true}}));
}

TEST_CASE("timestamps accept epoch numbers and ISO-8601 strings") {
  // botocore sends epoch seconds; other clients may send ISO strings.
  const auto check = [](const json& ts) {
    return cb().check_shape("Report", json{{"created", ts}});
  };
  CHECK_FALSE(check(1479832474.764));
  CHECK_FALSE(check(1479832474));
  CHECK_FALSE(check("2016-11-22T16:34:34Z"));
  CHECK_FALSE(check("2016-11-22T16:34:34.764+01:00"));
  CHECK(serialization(check("yesterday")) == "STRING_VALUE can not be converted to a Timestamp");
  CHECK(serialization(check(true)) == "TRUE_VALUE can not be converted to a Timestamp");
}

TEST_CASE("map shapes: keys are data, values are checked") {
  // ReportStatusCounts is CodeBuild's map (String -> Integer); keys are never constrained here.
  CHECK_FALSE(cb().check_shape("ReportStatusCounts", json{{"SUCCEEDED", 3}, {"any key", 0}}));
  CHECK(serialization(cb().check_shape("ReportStatusCounts", json{{"SUCCEEDED", "3"}})) ==
        "STRING_VALUE can not be converted to an Integer");
  CHECK(serialization(cb().check_shape("ReportStatusCounts", json::array())) ==
        "Start of list found where not expected");
}

TEST_CASE("map key and value constraints use coral's Map keys/Map value wording") {
  // No map in the two models has constrained keys; a small model exercises the branch.
  const auto model = ServiceModel::parse(R"({
    "metadata": {"targetPrefix": "T", "jsonVersion": "1.1", "serviceId": "T"},
    "operations": {"Op": {"input": "In", "errors": []}},
    "shapes": {
      "In": {"type": "structure", "members": [{"name": "vars", "shape": "Vars"}]},
      "Vars": {"type": "map", "key": "Key", "value": "Val", "max": 2},
      "Key": {"type": "string", "min": 1, "max": 3, "pattern": "[a-z]+"},
      "Val": {"type": "integer", "max": 9}
    }})");
  CHECK_FALSE(model.check_input("Op", json{{"vars", {{"ab", 1}}}}));
  CHECK(validation(model.check_input("Op", json{{"vars", {{"ABCD", 1}}}})) ==
        "1 validation error detected: Value '{ABCD=1}' at 'vars' failed to satisfy constraint: Map "
        "keys must satisfy constraint: [Member must have length less than or equal to 3, Member "
        "must have length greater than or equal to 1, Member must satisfy regular expression "
        "pattern: [a-z]+, Member must not be null]");
  CHECK(validation(model.check_input("Op", json{{"vars", {{"a", 10}, {"b", 1}, {"c", 2}}}})) ==
        "2 validation errors detected: Value '{a=10, b=1, c=2}' at 'vars' failed to satisfy "
        "constraint: Member must have length less than or equal to 2; Value '{a=10, b=1, c=2}' at "
        "'vars' failed to satisfy constraint: Map value must satisfy constraint: [Member must have "
        "value less than or equal to 9, Member must not be null]");
}

TEST_CASE("untranslatable or invalid patterns are skipped, not enforced") {
  // A Java-only construct must not make every request fail.
  const auto model = ServiceModel::parse(R"({
    "metadata": {},
    "operations": {"Op": {"input": "In"}},
    "shapes": {
      "In": {"type": "structure", "members": [{"name": "a", "shape": "A"}, {"name": "b", "shape": "B"}]},
      "A": {"type": "string", "pattern": "[a-z&&[^e]]"},
      "B": {"type": "string", "pattern": "[a-z"}
    }})");
  CHECK(model.pattern_skipped("A"));
  CHECK(model.pattern_skipped("B"));
  CHECK_FALSE(model.check_input("Op", json{{"a", "zzz"}, {"b", "!!"}}));
}

TEST_CASE("operations without input accept any object") {
  // No input shape: nothing to validate, but the body still has to be an object.
  const auto model = ServiceModel::parse(R"({
    "metadata": {}, "operations": {"Op": {"errors": []}}, "shapes": {}})");
  CHECK_FALSE(model.check_input("Op", json::object()));
  CHECK_FALSE(model.check_input("Op", json{{"x", 1}}));
  CHECK(serialization(model.check_input("Op", json::array())) ==
        "Start of list found where not expected");
}

TEST_CASE("unknown operations and shapes throw") {
  // Contract: callers check has_operation() first; misuse is a programming error.
  CHECK_THROWS_AS((void)cb().check_input("Nope", json::object()), std::invalid_argument);
  CHECK_THROWS_AS((void)cb().check_shape("Nope", json::object()), std::invalid_argument);
  CHECK_THROWS_AS((void)ServiceModel::parse(R"({"metadata": {}, "operations": {},
      "shapes": {"L": {"type": "list", "member": "Missing"}}})"),
                  std::invalid_argument);
}

TEST_CASE("concurrent first use and checks are safe") {
  // The server validates on N io_context threads; lazy load and checks must be race-free.
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        auto body = create_project();
        body["environment"]["computeType"] = (i % 2 == 0) ? "FOO" : "BUILD_GENERAL1_SMALL";
        const bool bad = ServiceModel::codebuild().check_input("CreateProject", body).has_value();
        if (bad != (i % 2 == 0)) ++failures[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(4, 0));
}

TEST_CASE("byte-table patterns behave like the regex they replace") {
  // SFN ClientToken [!-~]+ and TraceHeader \p{ASCII}* are matched without std::regex.
  const auto trace = [](const json& header) {
    return sfn().check_input("StartExecution",
                             json{{"stateMachineArn", "arn"}, {"traceHeader", header}});
  };
  CHECK_FALSE(trace("Root=1-abc;Parent=def"));
  CHECK_FALSE(trace(""));
  CHECK(validation(trace("caf\xC3\xA9")) ==
        "1 validation error detected: Value 'caf\xC3\xA9' at 'traceHeader' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: \\p{ASCII}*");
  // Very long values are still pattern-checked on the table path.
  const std::string long_value = std::string(5000, 'a') + "\xC3\xA9";
  CHECK(validation(trace(long_value)).starts_with("2 validation errors detected: "));
  const auto redrive = [](const json& t) {
    return sfn().check_input("RedriveExecution", json{{"executionArn", "arn"}, {"clientToken", t}});
  };
  CHECK_FALSE(redrive("abc-123_~!"));
  CHECK(validation(redrive("has space")) ==
        "1 validation error detected: Value 'has space' at 'clientToken' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [!-~]+");
  CHECK(validation(redrive("")) ==
        "2 validation errors detected: Value '' at 'clientToken' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'clientToken' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [!-~]+");
}
