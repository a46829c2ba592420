#include "engine/asl/compiler.hpp"

#include <doctest/doctest.h>

#include <string>

using scl::asl::compile;
using scl::asl::CompileOptions;
using scl::asl::Diagnostic;

namespace {
// All rendered diagnostics joined, for substring checks.
std::string diags(const std::string& def, const CompileOptions& o = {}) {
  auto r = compile(def, o);
  std::string out;
  for (const auto& d : r.diagnostics) out += d.render() + "\n";
  return out;
}
bool has(const std::string& def, const std::string& needle, const CompileOptions& o = {}) {
  const auto d = diags(def, o);
  if (d.find(needle) == std::string::npos) {
    MESSAGE("diagnostics were: " << d);
    return false;
  }
  return true;
}
}  // namespace

// Why: a full, valid definition exercising every state type must compile without diagnostics.
TEST_CASE("valid definition compiles") {
  const std::string def = R"J({
    "Comment": "all types", "TimeoutSeconds": 60,
    "StartAt": "P",
    "States": {
      "P": {"Type": "Pass", "Result": {"a": 1}, "ResultPath": "$.r", "Next": "T"},
      "T": {"Type": "Task", "Resource": "arn:aws:states:::codebuild:startBuild.sync",
            "Parameters": {"ProjectName.$": "$.p"}, "ResultSelector": {"Id.$": "$.Build.Id"},
            "TimeoutSeconds": 10, "HeartbeatSeconds": 5,
            "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 1.5,
                       "MaxDelaySeconds": 5, "JitterStrategy": "FULL"},
                      {"ErrorEquals": ["States.ALL"]}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F", "ResultPath": "$.err"}],
            "Next": "C"},
      "C": {"Type": "Choice", "Choices": [
              {"Variable": "$.n", "NumericGreaterThanPath": "$.m", "Next": "W"},
              {"And": [{"Variable": "$.s", "StringMatches": "a*b"},
                       {"Not": {"Variable": "$.t", "IsPresent": true}}], "Next": "Par"}],
            "Default": "S"},
      "W": {"Type": "Wait", "Timestamp": "2024-01-01T00:00:00Z", "Next": "Par"},
      "Par": {"Type": "Parallel", "Next": "M", "Branches": [
               {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "End": true}}},
               {"StartAt": "B2", "States": {"B2": {"Type": "Succeed"}}}]},
      "M": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
            "ItemSelector": {"v.$": "$$.Map.Item.Value"},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "I",
                              "States": {"I": {"Type": "Pass", "End": true}}},
            "End": true},
      "S": {"Type": "Succeed"},
      "F": {"Type": "Fail", "ErrorPath": "$.err.Error", "CausePath": "States.Format('x{}', $.a)"}
    }})J";
  auto r = compile(def);
  CHECK(diags(def).empty());
  REQUIRE(r.ok());
  CHECK(r.machine->definition == def);
  CHECK(r.machine->timeout_seconds == 60);
  CHECK(r.machine->top->states.size() == 8);
  CHECK(r.machine->graph("/States/Par/Branches/1") != nullptr);
  CHECK(r.machine->graph("/States/M/ItemProcessor") != nullptr);
  const auto& t = std::get<scl::asl::TaskState>(r.machine->top->find("T")->body);
  CHECK(t.resource.service == "codebuild");
  CHECK(t.resource.history_resource() == "startBuild.sync");
  CHECK(t.retry.at(0).jitter_full);
}

// Why: F-115 and the validation snapshots pin these exact texts.
TEST_CASE("top-level structure errors use AWS wording") {
  auto r = compile(R"({"StartAt": "A"})");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.invalid_definition_message() ==
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: "
        "[States] at /'");
  CHECK(has("{}", "These fields are required: [States, StartAt] at /"));
  CHECK(has("", "Definition must be a valid JSON object"));
  CHECK(has("[1]", "Definition must be a valid JSON object"));
  CHECK(has("{not json", "INVALID_JSON_DESCRIPTION"));
}

// Why: transition checks are the most common user mistakes.
TEST_CASE("graph checks") {
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"}}})",
            "MISSING_TRANSITION_TARGET: Missing 'Next' target: B at /States/A/Next"));
  CHECK(has(R"({"StartAt":"X","States":{"A":{"Type":"Pass","End":true}}})",
            "Missing 'StartAt' target: X at /StartAt"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"B":{"Type":"Pass","End":true}}})",
            "UNREACHABLE_STATE: State \"B\" is not reachable at /States/B"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"A"}}})",
            "NO_TERMINAL_STATE"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass"}}})", "Either 'Next' or 'End' must be specified at /States/A"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Next":"A"}}})", "Only one of 'Next' or 'End'"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}]}}})",
            "DUPLICATE_STATE_NAME"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"Z","States":{"B":{"Type":"Succeed"}}}]}}})",
            "Missing 'StartAt' target: Z at /States/A/Branches/0/StartAt"));
}

// Why: field-level type and name validation with JSON-pointer locations.
TEST_CASE("field checks") {
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","End":true,"Foo":1}}})",
            "The field \"Foo\" is not supported by Step Functions at /States/A"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Nope","End":true}}})", "at /States/A/Type"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":"x","End":true}}})",
            "Expected value of type Integer at /States/A/Seconds"));
  CHECK(has(R"({"StartAt":"WaitUntil","States":{"WaitUntil":{"Type":"Wait","Timestamp":"tomorrow","End":true}}})",
            "String does not match RFC3339 timestamp at /States/WaitUntil/Timestamp"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,"SecondsPath":"$.x","End":true}}})",
            "Exactly one of"));
  CHECK(has(R"({"StartAt":"IntrinsicEscape","States":{"IntrinsicEscape":{"Type":"Pass","Parameters":{"parsed.$":"States.StringToJson('x'"},"End":true}}})",
            "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call at /States/IntrinsicEscape/Parameters"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$..x","End":true}}})",
            "at /States/A/ResultPath"));
  CHECK(has(R"({"StartAt":"State0","States":{"State0":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild","Credentials":{},"End":true}}})",
            "The field 'RoleArn' is required but was missing at /States/State0/Credentials"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::x:y","TimeoutSeconds":5,"HeartbeatSeconds":5,"End":true}}})",
            "HeartbeatSeconds must be smaller than TimeoutSeconds"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","StringEquals":1,"Next":"A"}]}}})",
            "Expected value of type String at /States/A/Choices/0/StringEquals"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Choice","Choices":[{"Variable":"$.x","Next":"A"}]}}})",
            "exactly one comparison operator"));
  CHECK(has(R"({"StartAt":"A","QueryLanguage":"JSONata","States":{"A":{"Type":"Pass","End":true}}})",
            "JSONata is not supported"));
}

// Why: ErrorEquals rules (States.ALL alone and last) are checked at definition time.
TEST_CASE("retry and catch checks") {
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Pass","End":true}, "B":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true}}})",
            "UNREACHABLE_STATE"));
  const std::string not_last = R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
      "Retry":[{"ErrorEquals":["States.ALL"]},{"ErrorEquals":["X"]}]}}})";
  CHECK(has(not_last, "States.ALL must appear in the last Retrier at /States/A/Retry/0/ErrorEquals"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
      "Catch":[{"ErrorEquals":["States.ALL","X"],"Next":"A"}]}}})", "States.ALL must appear alone"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
      "Retry":[{"ErrorEquals":["X"],"BackoffRate":0.5}]}}})", "at /States/A/Retry/0/BackoffRate"));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::x:y","End":true,
      "Catch":[{"ErrorEquals":["X"],"Next":"Nope"}]}}})", "Missing 'Next' target: Nope at /States/A/Catch/0/Next"));
}

// Why: the host decides which resources exist (F-090) and applies EXPRESS rules (F-089).
TEST_CASE("resource validation") {
  CompileOptions opts;
  opts.resource_validator = [](const scl::asl::ResourceRef& r) -> std::optional<Diagnostic> {
    if (auto d = scl::asl::express_resource_rule(r)) return d;
    if (r.service != "codebuild") return scl::asl::unrecognized_resource(r.arn);
    return std::nullopt;
  };
  auto r = compile(R"({"StartAt":"Query","States":{"Query":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:query","End":true}}})", opts);
  REQUIRE_FALSE(r.ok());
  CHECK(r.invalid_definition_message() ==
        "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The resource provided "
        "arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource "
        "ARN, or the resource is not available in this region. at /States/Query/Resource'");
  CHECK(has(R"({"StartAt":"StartExecution","States":{"StartExecution":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild.sync","End":true}}})",
            "SCHEMA_VALIDATION_FAILED: Express state machine does not support '.sync' service integration at /States/StartExecution/Resource", opts));
  CHECK(has(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"not-an-arn","End":true}}})",
            "The resource provided not-an-arn is not recognized"));
  CHECK(compile(R"({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::codebuild:startBuild","End":true}}})", opts).ok());
}

// Why (found by tests/fuzz/fuzz_asl): the compiler walks the document recursively, so a
// definition nested 100000 levels deep (here in an unused Comment) overflowed the stack of the
// server thread and killed the process; it must be an INVALID_JSON_DESCRIPTION diagnostic.
TEST_CASE("deeply nested definitions are rejected, not a stack overflow") {
  const std::string deep(100000, '[');
  const auto r = compile(R"({"Comment":)" + deep + std::string(100000, ']') +
                         R"(,"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "INVALID_JSON_DESCRIPTION");
  CHECK(r.diagnostics[0].message == "Definition nests deeper than 1000 levels");
  CHECK(has(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"a":)" + deep + "}}}",
            "INVALID_JSON_DESCRIPTION: Definition nests deeper than 1000 levels"));
  // Brackets inside strings do not count; 900 levels are fine.
  CHECK(compile(R"({"Comment":")" + deep + R"(","StartAt":"P","States":{"P":{"Type":"Pass",)" +
                R"("Result":)" + std::string(900, '[') + std::string(900, ']') + R"(,"End":true}}})")
            .ok());
}

// Why (found by tests/fuzz/fuzz_asl): a number too large for a double (1e999) makes the JSON
// parser report out_of_range, not parse_error; compile() let it escape, and CreateStateMachine
// answered 500 InternalFailure instead of INVALID_JSON_DESCRIPTION.
TEST_CASE("number overflow in the definition is a diagnostic") {
  const auto r = compile(R"({"StartAt":"P","States":{"P":{"Type":"Pass","Result":1e999,"End":true}}})");
  REQUIRE(r.diagnostics.size() == 1);
  CHECK(r.diagnostics[0].code == "INVALID_JSON_DESCRIPTION");
  CHECK(r.diagnostics[0].message.find("number overflow") != std::string::npos);
}

// Why (aws-fidelity-jsonpath.md M4, D1, D2): AWS accepts ProcessorConfig inside the legacy
// Iterator (a full alias of ItemProcessor), with Parameters or ItemSelector; the emulator
// rejected it as an unsupported field. Mode DISTRIBUTED stays a clear definition error in both
// forms (the emulator has no distributed Map). Unknown error names such as State.ALL are fine.
TEST_CASE("legacy Iterator takes ProcessorConfig") {
  auto map = [](const std::string& key, const std::string& mode, const std::string& sel) {
    return R"({"StartAt":"M","States":{"M":{"Type":"Map",")" + key +
           R"(":{"ProcessorConfig":{"Mode":")" + mode +
           R"("},"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},")" + sel +
           R"(":{"v.$":"$$.Map.Item.Value"},"Retry":[{"ErrorEquals":["State.ALL"]}],"End":true}}})";
  };
  for (const char* sel : {"Parameters", "ItemSelector"}) {
    CAPTURE(sel);
    CHECK(diags(map("Iterator", "INLINE", sel)).empty());
    CHECK(diags(map("ItemProcessor", "INLINE", sel)).empty());
  }
  for (const char* key : {"Iterator", "ItemProcessor"}) {
    CHECK(diags(map(key, "DISTRIBUTED", "ItemSelector")) ==
          std::string("SCHEMA_VALIDATION_FAILED: Mode DISTRIBUTED is not supported by this "
                      "emulator at /States/M/") +
              key + "/ProcessorConfig/Mode\n");
  }
}
