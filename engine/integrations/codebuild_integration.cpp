#include "engine/integrations/codebuild_integration.hpp"

#include <ctime>
#include <set>

#include "engine/core/aws_error.hpp"
#include "engine/core/json_convert.hpp"
#include "engine/core/json_text.hpp"
#include "engine/core/log.hpp"
#include "engine/model/service_model.hpp"

namespace scl::integrations {
namespace {
using json = nlohmann::json;

const model::ServiceModel& model() { return model::ServiceModel::codebuild(); }

// Modeled CodeBuild exceptions (reference 2.12); anything else is "unmodeled".
bool modeled(const std::string& code) {
  static const std::set<std::string> kModeled = {
      "AccountLimitExceededException", "AccountSuspendedException", "InvalidInputException",
      "OAuthProviderException", "ResourceAlreadyExistsException", "ResourceNotFoundException"};
  return kModeled.count(code) != 0;
}

std::string operation_of(const std::string& action) {
  std::string op = action;
  if (!op.empty()) op[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(op[0])));
  return op;
}

core::Scope scope_of(const std::string& execution_arn, const std::string& fallback_region) {
  // arn:aws:states:<region>:<account>:execution:...
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    auto colon = execution_arn.find(':', start);
    if (colon == std::string::npos) break;
    parts.push_back(execution_arn.substr(start, colon - start));
    start = colon + 1;
  }
  if (parts.size() < 5) return core::Scope{"123456789012", fallback_region};
  return core::Scope{parts[4], parts[3]};
}

// NOTE(emulator): builds started by Step Functions show "<role name>/<execution name>" as
// initiator (AWS shows the assumed-role session; its exact form is not evidenced).
std::string initiator_of(const asl::TaskRequest& r) {
  std::string role = r.role_arn.substr(r.role_arn.rfind('/') + 1);
  std::string exec = r.execution_arn;
  auto pos = exec.find(":execution:");
  if (pos == std::string::npos) pos = exec.find(":express:");
  if (pos != std::string::npos) {
    exec = exec.substr(exec.find(':', pos + 1) + 1);  // <sm>:<name>[:uuid]
    exec = exec.substr(exec.find(':') + 1);
    exec = exec.substr(0, exec.find(':'));
  }
  if (role.empty()) role = "StepFunctions";
  return role + "/" + exec;
}

std::string http_date(core::TimeMs ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

asl::Json to_asl(const json& j) { return core::json_convert<asl::Json>(j); }
json from_asl(const asl::Json& j) { return core::json_convert<json>(j); }

// "sfn-" and 16 hex digits of FNV-1a over the invocation key.
std::string invocation_token(const std::string& key) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sfn-";
  for (int shift = 60; shift >= 0; shift -= 4) out += kHex[(h >> shift) & 0xF];
  return out;
}

// Which optimized resources exist, and with which patterns (reference 3.1).
struct Optimized {
  const char* action;
  bool request_response;
  bool sync;
};
constexpr Optimized kOptimized[] = {
    {"startBuild", true, true},        {"stopBuild", true, false},
    {"batchDeleteBuilds", true, false}, {"batchGetReports", true, false},
    {"startBuildBatch", true, true},   {"stopBuildBatch", true, false},
    {"retryBuildBatch", true, true},   {"deleteBuildBatch", true, false},
};

}  // namespace

asl::Failure optimized_failure(const std::string& code, const std::string& message,
                               const std::string& request_id) {
  const std::string error = modeled(code) ? "CodeBuild." + code : "CodeBuild.AWSCodeBuildException";
  return asl::Failure{error, message + " (Service: AWSCodeBuild; Status Code: 400; Error Code: " +
                                 code + "; Request ID: " + request_id + "; Proxy: null)"};
}

asl::Failure sdk_failure(const std::string& code, const std::string& message,
                         const std::string& request_id) {
  const std::string error = modeled(code) ? "CodeBuild." + code : "CodeBuild.CodeBuildException";
  return asl::Failure{error, message + " (Service: CodeBuild, Status Code: 400, Request ID: " +
                                 request_id + ")"};
}

CodeBuildIntegration::CodeBuildIntegration(CodeBuildBackend backend, core::Scheduler& scheduler,
                                           core::IdSource& ids, CodeBuildIntegrationOptions options)
    : backend_(std::move(backend)), scheduler_(scheduler), ids_(ids), options_(options) {}

void CodeBuildIntegration::register_all(asl::IntegrationRegistry& registry,
                                        const std::shared_ptr<CodeBuildIntegration>& self) {
  for (const auto& o : kOptimized) {
    if (!self->backend_.has_operation(operation_of(o.action))) continue;
    if (o.request_response)
      registry.add("codebuild", o.action, asl::IntegrationPattern::kRequestResponse, self);
    const bool batch = std::string(o.action).find("Batch") != std::string::npos;
    if (o.sync && (!batch || self->backend_.on_batch_complete))
      registry.add("codebuild", o.action, asl::IntegrationPattern::kSync, self);
  }
  for (auto op : model().operation_names()) {
    std::string name(op);
    if (!self->backend_.has_operation(name)) continue;
    std::string action = name;
    action[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(action[0])));
    registry.add("codebuild", action, asl::IntegrationPattern::kRequestResponse, self, true);
    registry.add("codebuild", action, asl::IntegrationPattern::kWaitForTaskToken, self, true);
  }
}

asl::Json CodeBuildIntegration::with_metadata(asl::Json pascal, const json& camel,
                                              const std::string& request_id) const {
  if (!options_.sdk_metadata || !pascal.is_object()) return pascal;
  const std::string date = http_date(scheduler_.clock().now_ms());
  const std::string len = std::to_string(core::json_text(camel).size());
  // Member order as a sorted object holds them (the task result's text is compared by users).
  const json meta = {
      {"SdkHttpMetadata",
       {{"AllHttpHeaders",
         {{"x-amzn-RequestId", {request_id}},
          {"Content-Length", {len}},
          {"Date", {date}},
          {"Content-Type", {"application/x-amz-json-1.1"}}}},
        {"HttpHeaders",
         {{"x-amzn-RequestId", request_id},
          {"Content-Length", len},
          {"Date", date},
          {"Content-Type", "application/x-amz-json-1.1"}}},
        {"HttpStatusCode", 200}}},
      {"SdkResponseMetadata", {{"RequestId", request_id}}}};
  asl::Json out = asl::Json::object();
  // Reserved: a growing ordered_map copies (not moves) its members, Build document and all.
  out.get_ref<asl::Json::object_t&>().reserve(pascal.size() + meta.size());
  auto m = meta.begin();
  for (auto it = pascal.begin(); it != pascal.end(); ++it) {
    for (; m != meta.end() && m.key() < it.key(); ++m) out[m.key()] = to_asl(m.value());
    if (m != meta.end() && m.key() == it.key()) continue;  // the metadata member wins
    out[it.key()] = std::move(it.value());
  }
  for (; m != meta.end(); ++m) out[m.key()] = to_asl(m.value());
  return out;
}

void CodeBuildIntegration::start(const asl::TaskRequest& request, Reply reply) {
  {
    std::lock_guard lock(mu_);
    running_[request.task_id] = Running{};
  }
  if (request.resource.kind == asl::ResourceRef::Kind::kAwsSdk) run_sdk(request, reply);
  else run_optimized(request, reply);
}

void CodeBuildIntegration::resume(const asl::TaskRequest& request,
                                  const std::optional<asl::Json>& submitted, Reply reply) {
  // `.waitForTaskToken`: the API call was made before the restart; the answer comes from
  // SendTaskSuccess/Failure, so nothing is called again.
  if (request.resource.pattern == asl::IntegrationPattern::kWaitForTaskToken) return;
  // A `.sync` task that was already submitted re-subscribes instead of starting a second build.
  if (submitted && request.resource.pattern == asl::IntegrationPattern::kSync) {
    const core::Scope scope = scope_of(request.execution_arn, "us-east-1");
    const bool batch = submitted->contains("BuildBatch");
    const auto& doc = batch ? (*submitted)["BuildBatch"] : submitted->value("Build", asl::Json::object());
    const std::string id = doc.value("Id", std::string());
    if (!id.empty()) {
      {
        std::lock_guard lock(mu_);
        running_[request.task_id] = Running{};
      }
      watch(request, reply, scope, batch, id, operation_of(request.resource.action));
      return;
    }
  }
  start(request, std::move(reply));
}

void CodeBuildIntegration::cancel(std::uint64_t task_id) {
  Running r;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(task_id);
    if (it == running_.end()) return;
    r = it->second;
    running_.erase(it);
  }
  if (r.retry_timer != 0) scheduler_.cancel(r.retry_timer);
  // Best effort (reference 3.4 step 9): stop what the task started, ignore failures.
  try {
    if (!r.build_id.empty())
      backend_.call("StopBuild", r.scope, "StepFunctions", json{{"id", r.build_id}});
    if (!r.batch_id.empty())
      backend_.call("StopBuildBatch", r.scope, "StepFunctions", json{{"id", r.batch_id}});
  } catch (const std::exception& e) {
    core::log_debug(std::string("codebuild task cancel: ") + e.what());
  }
}

void CodeBuildIntegration::finish(std::uint64_t task_id) {
  std::lock_guard lock(mu_);
  running_.erase(task_id);
}

std::optional<nlohmann::json> CodeBuildIntegration::request_body(
    const asl::TaskRequest& request, const std::string& op, const std::string& rid,
    asl::Failure (*failure)(const std::string&, const std::string&, const std::string&),
    const Reply& reply) {
  // PascalCase Parameters -> the API request, checked against the model like an HTTP request.
  auto converted = model().input_from_pascal(op, from_asl(request.parameters));
  if (!converted.ok()) {
    finish(request.task_id);
    reply(asl::task_event::Failed{asl::Failure{
        "States.Runtime", "The field \"" + converted.unknown.front().field +
                              "\" is not supported by Step Functions"}});
    return std::nullopt;
  }
  if (auto problem = model().check_input(op, converted.value)) {
    const bool ser = problem->kind == model::InputProblem::Kind::kSerialization;
    finish(request.task_id);
    reply(asl::task_event::Failed{
        failure(ser ? "SerializationException" : "InvalidInputException", problem->message, rid)});
    return std::nullopt;
  }
  return std::move(converted.value);
}

void CodeBuildIntegration::run_sdk(const asl::TaskRequest& request, const Reply& reply) {
  const std::string op = operation_of(request.resource.action);
  const std::string rid = ids_.uuid();
  const core::Scope scope = scope_of(request.execution_arn, "us-east-1");
  auto input = request_body(request, op, rid, sdk_failure, reply);
  if (!input) return;
  json out;
  try {
    out = backend_.call(op, scope, initiator_of(request), *input);
  } catch (const core::AwsError& e) {
    finish(request.task_id);
    reply(asl::task_event::Failed{sdk_failure(e.type(), e.what(), rid)});
    return;
  }
  finish(request.task_id);
  // `.waitForTaskToken`: the call is made; the result comes from SendTaskSuccess/Failure.
  if (request.resource.pattern == asl::IntegrationPattern::kWaitForTaskToken) return;
  reply(asl::task_event::Succeeded{
      model().output_to_pascal_ordered(op, out, model::TimestampFormat::kEpochMillis)});
}

void CodeBuildIntegration::run_optimized(const asl::TaskRequest& request, const Reply& reply) {
  const std::string op = operation_of(request.resource.action);
  const std::string rid = ids_.uuid();
  const core::Scope scope = scope_of(request.execution_arn, "us-east-1");
  auto input = request_body(request, op, rid, optimized_failure, reply);
  if (!input) return;
  // NOTE(emulator): a start without the user's own idempotencyToken gets one derived from the
  // task invocation, so that a task started again after a crash (before its TaskSubmitted was
  // committed) gets the build it already started instead of a second one.
  if ((op == "StartBuild" || op == "StartBuildBatch") && !input->contains("idempotencyToken") &&
      !request.invocation_key.empty()) {
    (*input)["idempotencyToken"] = invocation_token(request.invocation_key);
  }
  const std::string initiator = initiator_of(request);
  if (op == "BatchDeleteBuilds" || op == "DeleteBuildBatch") {
    attempt_delete(request, reply, op, *input, scope, initiator,
                   scheduler_.clock().now_ms() + options_.delete_retry_limit_ms);
    return;
  }
  json out;
  try {
    out = backend_.call(op, scope, initiator, *input);
  } catch (const core::AwsError& e) {
    finish(request.task_id);
    reply(asl::task_event::Failed{optimized_failure(e.type(), e.what(), rid)});
    return;
  }
  asl::Json pascal =
      model().output_to_pascal_ordered(op, out, model::TimestampFormat::kEpochMillis);
  if (request.resource.pattern != asl::IntegrationPattern::kSync) {
    finish(request.task_id);
    reply(asl::task_event::Succeeded{with_metadata(std::move(pascal), out, rid)});
    return;
  }
  reply(asl::task_event::Submitted{with_metadata(std::move(pascal), out, rid)});
  const bool batch = out.contains("buildBatch");
  const std::string id = batch ? out["buildBatch"].value("id", "") : out["build"].value("id", "");
  watch(request, reply, scope, batch, id, op);
}

void CodeBuildIntegration::watch(const asl::TaskRequest& request, const Reply& reply,
                                 const core::Scope& scope, bool batch, const std::string& id,
                                 const std::string& op) {
  const std::uint64_t task = request.task_id;
  {
    std::lock_guard lock(mu_);
    auto it = running_.find(task);
    if (it == running_.end()) return;  // cancelled meanwhile
    it->second.scope = scope;
    (batch ? it->second.batch_id : it->second.build_id) = id;
  }
  // `.sync` (reference 3.4): SUCCEEDED → TaskSucceeded with the final document; FAILED, FAULT,
  // STOPPED, TIMED_OUT → States.TaskFailed with that document as cause.
  auto done = [this, task, reply, batch, op](const json& doc) {
    {
      std::lock_guard lock(mu_);
      if (running_.erase(task) == 0) return;  // cancelled
    }
    asl::Json pascal = model().output_member_to_pascal_ordered(
        op, batch ? "buildBatch" : "build", doc, model::TimestampFormat::kEpochMillis);
    const std::string status = batch ? doc.value("buildBatchStatus", "") : doc.value("buildStatus", "");
    if (status == "SUCCEEDED") {
      reply(asl::task_event::Succeeded{std::move(pascal)});
    } else {
      reply(asl::task_event::Failed{asl::Failure{"States.TaskFailed", asl::to_text(pascal)}});
    }
  };
  const auto& w = batch ? backend_.on_batch_complete : backend_.on_build_complete;
  if (!w || !w(scope, id, done)) {
    {
      std::lock_guard lock(mu_);
      running_.erase(task);
    }
    reply(asl::task_event::Failed{optimized_failure(
        "ResourceNotFoundException", (batch ? "Build batch not found: " : "Build not found: ") + id,
        ids_.uuid())});
  }
}

void CodeBuildIntegration::attempt_delete(const asl::TaskRequest& request, Reply reply,
                                          const std::string& op, json input, core::Scope scope,
                                          std::string initiator, core::TimeMs deadline) {
  const std::string rid = ids_.uuid();
  json out;
  try {
    out = backend_.call(op, scope, initiator, input);
  } catch (const core::AwsError& e) {
    finish(request.task_id);
    reply(asl::task_event::Failed{optimized_failure(e.type(), e.what(), rid)});
    return;
  }
  // Internal retry (reference 3.5): again while a build that was stopped is still finalizing.
  bool finalizing = false;
  json ids = json::array();
  for (const auto& nd : out.value("buildsNotDeleted", json::array()))
    if (nd.value("statusCode", "") == "BUILD_IN_PROGRESS") ids.push_back(nd.value("id", ""));
  if (!ids.empty()) {
    try {
      const json got = backend_.call("BatchGetBuilds", scope, initiator, json{{"ids", ids}});
      for (const auto& b : got.value("builds", json::array()))
        if (b.value("buildStatus", "") == "STOPPED" && !b.value("buildComplete", false))
          finalizing = true;
    } catch (const core::AwsError&) {
    }
  }
  const core::TimeMs now = scheduler_.clock().now_ms();
  if (finalizing && now < deadline) {
    std::lock_guard lock(mu_);
    auto it = running_.find(request.task_id);
    if (it == running_.end()) return;  // cancelled
    it->second.scope = scope;
    const auto at = std::min(deadline, now + options_.delete_retry_interval_ms);
    it->second.retry_timer = scheduler_.schedule_at(
        at, [this, request, reply, op, input, scope, initiator, deadline] {
          {
            std::lock_guard l(mu_);
            auto r = running_.find(request.task_id);
            if (r == running_.end()) return;
            r->second.retry_timer = 0;
          }
          attempt_delete(request, reply, op, input, scope, initiator, deadline);
        });
    return;
  }
  finish(request.task_id);
  reply(asl::task_event::Succeeded{with_metadata(
      model().output_to_pascal_ordered(op, out, model::TimestampFormat::kEpochMillis), out, rid)});
}

}  // namespace scl::integrations
