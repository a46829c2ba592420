#include "engine/asl/payload_template.hpp"

#include <doctest/doctest.h>

using scl::asl::EvalScope;
using scl::asl::Json;
using scl::asl::PayloadTemplate;

// Why: Parameters with nested objects/arrays, paths, context paths and intrinsics (the CodeBuild
// integration docs use exactly these shapes).
TEST_CASE("payload template evaluation") {
  const Json input = Json::parse(R"J({"v":"x","p":{"q":[1,2]},"builds":[{"Arn":"a1"},{"Arn":"a2"}]})J");
  const Json ctx = Json::parse(R"J({"Execution":{"Id":"arn:exec"}})J");
  scl::asl::SeededRandomSource rnd(1);
  auto t = PayloadTemplate::compile(Json::parse(R"J({
    "ProjectName": "p",
    "EnvironmentVariablesOverride": [{"Name": "K", "Type": "PLAINTEXT", "Value.$": "$.v"}],
    "Ids.$": "$.builds..Arn",
    "Exec.$": "$$.Execution.Id",
    "Msg.$": "States.Format('{}!', $.v)",
    "Nested": {"Q.$": "$.p.q[1]", "Lit": [true, null]}
  })J"));
  auto r = t.evaluate(EvalScope{input, ctx, rnd});
  REQUIRE(r.ok());
  CHECK(scl::asl::to_text(r.value()) ==
        R"J({"ProjectName":"p","EnvironmentVariablesOverride":[{"Name":"K","Type":"PLAINTEXT","Value":"x"}],"Ids":["a1","a2"],"Exec":"arn:exec","Msg":"x!","Nested":{"Q":2,"Lit":[true,null]}})J");
}

// Why: a missing path is States.Runtime with AWS's wording (used in the States.Runtime cause).
TEST_CASE("payload template missing path") {
  const Json input = Json::parse(R"J({"a":1})J");
  const Json ctx = Json::object();
  scl::asl::SeededRandomSource rnd(1);
  auto t = PayloadTemplate::compile(Json::parse(R"J({"param1.$": "$.missing"})J"));
  auto r = t.evaluate(EvalScope{input, ctx, rnd});
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure().error == "States.Runtime");
  CHECK(r.failure().cause ==
        "The JSONPath '$.missing' specified for the field 'param1.$' could not be found in the "
        "input '{\"a\":1}'");
}

// Why: invalid ".$" values are definition errors with AWS's message.
TEST_CASE("payload template compile errors") {
  for (const char* bad : {R"J({"a.$": "missing"})J", R"J({"a.$": 1})J", R"J({"x": {"a.$": "$["}})J",
                          R"J({"a.$": "States.Nope()"})J"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(PayloadTemplate::compile(Json::parse(bad)), scl::asl::TemplateError);
  }
  try {
    PayloadTemplate::compile(Json::parse(R"J({"parsed.$": "nope"})J"));
  } catch (const scl::asl::TemplateError& e) {
    CHECK(std::string(e.what()) ==
          "The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic "
          "function call");
    CHECK(e.field() == "parsed.$");
  }
}
