// Fuzzes the request-decoding path of the endpoint without Beast: Router::handle (content type,
// JSON nesting cap, JSON parse, botocore-model check_input) for a CodeBuild or a Step Functions
// operation, and the camelCase <-> PascalCase conversions the optimized integrations run on
// request and response bodies (to_pascal, input_from_pascal, output_to_pascal).
//
// Input: byte 0 picks the operation from kOps (modulo its size); the rest is the request body.
// Keep kOps' order: corpora and crash inputs depend on it (append new entries at the end).
//
// Checked: Router never throws and answers exactly once, synchronously, with a JSON object body
// (every failure is an AWS error with __type and message); no 500 (operations here never throw,
// so a 500 means decoding or the model threw); the model conversions never throw.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/log.hpp"
#include "engine/model/service_model.hpp"
#include "server/protocol/router.hpp"

namespace {
using nlohmann::json;
using scl::model::ServiceModel;

struct Op {
  bool sfn;
  const char* name;
};

constexpr Op kOps[] = {
    // CodeBuild (codebuild_api.cpp)
    {false, "CreateProject"}, {false, "UpdateProject"}, {false, "DeleteProject"},
    {false, "BatchGetProjects"}, {false, "ListProjects"}, {false, "StartBuild"},
    {false, "BatchGetBuilds"}, {false, "ListBuilds"}, {false, "ListBuildsForProject"},
    {false, "StopBuild"}, {false, "RetryBuild"}, {false, "BatchDeleteBuilds"},
    {false, "StartBuildBatch"}, {false, "BatchGetBuildBatches"}, {false, "ListBuildBatches"},
    {false, "ListBuildBatchesForProject"}, {false, "StopBuildBatch"}, {false, "RetryBuildBatch"},
    {false, "DeleteBuildBatch"}, {false, "CreateReportGroup"}, {false, "UpdateReportGroup"},
    {false, "DeleteReportGroup"}, {false, "BatchGetReportGroups"}, {false, "ListReportGroups"},
    {false, "BatchGetReports"}, {false, "ListReports"}, {false, "ListReportsForReportGroup"},
    {false, "DescribeTestCases"}, {false, "DeleteReport"}, {false, "GetReportGroupTrend"},
    // Step Functions (sfn_api.cpp); StartSyncExecution is the asynchronous one.
    {true, "CreateStateMachine"}, {true, "DescribeStateMachine"}, {true, "UpdateStateMachine"},
    {true, "DeleteStateMachine"}, {true, "ListStateMachines"},
    {true, "ValidateStateMachineDefinition"}, {true, "StartExecution"},
    {true, "DescribeExecution"}, {true, "DescribeStateMachineForExecution"},
    {true, "StopExecution"}, {true, "ListExecutions"}, {true, "GetExecutionHistory"},
    {true, "TagResource"}, {true, "UntagResource"}, {true, "ListTagsForResource"},
    {true, "SendTaskSuccess"}, {true, "SendTaskFailure"}, {true, "SendTaskHeartbeat"},
    {true, "StartSyncExecution"},
    // In the models but not implemented; and not in the models at all.
    {false, "CreateWebhook"}, {true, "CreateActivity"}, {false, "NoSuchOperation"},
};
constexpr std::size_t kOpCount = sizeof(kOps) / sizeof(kOps[0]);

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_request: %s: %s\n", what, detail.c_str());
  std::abort();
}

// What an operation does here: the conversions the Step Functions integrations apply to the
// body, and an echo of it as the response (so the router also serializes arbitrary strings).
json convert(const ServiceModel& model, const std::string& op, const json& body) {
  try {
    const auto* info = model.operation(op);
    if (info == nullptr) die("operation missing from the model", op);
    if (!info->input_shape.empty()) {
      const json pascal = model.to_pascal(info->input_shape, body);
      const auto back = model.input_from_pascal(op, pascal);
      (void)model.from_pascal(info->input_shape, body);  // camelCase input: all unknown
      (void)model.check_shape(info->input_shape, back.value);
    }
    json out = model.output_to_pascal(op, body, scl::model::TimestampFormat::kEpochMillis);
    (void)model.output_to_pascal(op, body, scl::model::TimestampFormat::kAsIs);
    return out;
  } catch (const std::exception& e) {
    die("model conversion threw", op + ": " + e.what());
  }
}

scl::server::ServiceApi api_of(bool sfn) {
  scl::server::ServiceApi api;
  const ServiceModel& model = sfn ? ServiceModel::stepfunctions() : ServiceModel::codebuild();
  api.model = &model;
  if (sfn) {
    api.target_prefix = "AWSStepFunctions";
    api.content_type = "application/x-amz-json-1.0";
    api.validation_error = "ValidationException";
    api.error_prefix = [](const std::string& type) -> std::string {  // as sfn_api.cpp
      if (type == "ValidationException") return "com.amazon.coral.validate#";
      if (type == "SerializationException" || type == "UnknownOperationException")
        return "com.amazon.coral.service#";
      if (type == "InternalFailure") return "";
      return "com.amazonaws.swf.service.v2.model#";
    };
  } else {
    api.target_prefix = "CodeBuild_20161006";
    api.content_type = "application/x-amz-json-1.1";
    api.validation_error = "InvalidInputException";
  }
  for (const Op& op : kOps) {
    if (op.sfn != sfn || !model.has_operation(op.name) || std::string_view(op.name) == "CreateWebhook" ||
        std::string_view(op.name) == "CreateActivity")
      continue;
    const std::string name = op.name;
    if (name == "StartSyncExecution") {
      api.async_operations.emplace(
          name, [&model, name](const scl::server::RequestContext&, const json& body,
                               const std::function<void(scl::server::Producer)>& complete) {
            complete([&model, name, body] { return convert(model, name, body); });
          });
    } else {
      api.operations.emplace(name, [&model, name](const scl::server::RequestContext&,
                                                  const json& body) {
        return convert(model, name, body);
      });
    }
  }
  return api;
}

const scl::server::Router& router() {
  static const scl::server::Router* r = [] {
    scl::core::set_log_level(scl::core::LogLevel::kError);
    auto* out = new scl::server::Router(scl::server::IdentityDefaults{});
    out->add_service(api_of(false));
    out->add_service(api_of(true));
    return out;
  }();
  return *r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const Op& op = kOps[data[0] % kOpCount];
  scl::server::HttpRequest req;
  req.method = "POST";
  req.target = "/";
  req.amz_target = std::string(op.sfn ? "AWSStepFunctions." : "CodeBuild_20161006.") + op.name;
  req.content_type = op.sfn ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
  req.authorization =
      "AWS4-HMAC-SHA256 Credential=111122223333/20240101/eu-west-1/codebuild/aws4_request, "
      "SignedHeaders=host, Signature=0";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  int calls = 0;
  scl::server::HttpResponse res;
  router().handle(std::move(req), [&](scl::server::HttpResponse r) {
    ++calls;
    res = std::move(r);
  });
  if (calls != 1) die("responses", std::to_string(calls));
  if (res.status == 500) die("500 from the router", res.body);
  const json body = json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) die("response body is not a JSON object", res.body);
  if (res.status != 200 && (!body.contains("__type") || !body.contains("message")))
    die("error response without __type/message", res.body);
  return 0;
}
