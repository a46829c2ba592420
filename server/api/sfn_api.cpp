#include "server/api/sfn_api.hpp"

#include <tuple>

#include "engine/asl/nesting.hpp"
#include "engine/model/service_model.hpp"
#include "engine/sfn/errors.hpp"
#include "engine/sfn/service.hpp"
#include "server/protocol/router.hpp"

namespace scl::server {
namespace {
// JSON payloads inside the request (StartExecution `input`, SendTaskSuccess `output`) become the
// engine's values, which nlohmann copies, compares and prints recursively: an input of 262,144
// characters can nest 131,072 levels, enough to overflow a server thread's stack (a crash seen at
// ~80,000). Such payloads are refused here, at the limit the engine applies to everything else it
// parses (engine/asl/nesting.hpp, kMaxNesting). NOTE(emulator): AWS's Jackson parser refuses
// documents nested deeper than 1000 levels too; its exact message is not evidenced.
constexpr int kMaxPayloadNesting = asl::kMaxNesting;

bool nests_too_deep(const nlohmann::json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() &&
         json_nesting_depth(it->get_ref<const std::string&>(), kMaxPayloadNesting + 1) >
             kMaxPayloadNesting;
}

const std::string kTooDeep = "Document nesting depth exceeds the maximum allowed (" +
                             std::to_string(kMaxPayloadNesting) + ")";

void check_input(const nlohmann::json& in) {
  if (nests_too_deep(in, "input")) throw sfn::errors::invalid_execution_input(kTooDeep);
}

void check_output(const nlohmann::json& in) {
  if (nests_too_deep(in, "output"))
    throw sfn::errors::make("InvalidOutput", "Invalid Output: '" + kTooDeep + "'");
}
}  // namespace

ServiceApi sfn_api(sfn::StepFunctionsService& svc) {
  using Method = nlohmann::json (sfn::StepFunctionsService::*)(const core::Scope&,
                                                               const nlohmann::json&);
  ServiceApi api;
  api.target_prefix = "AWSStepFunctions";
  api.content_type = "application/x-amz-json-1.0";
  api.model = &model::ServiceModel::stepfunctions();
  api.validation_error = "ValidationException";
  // Reference 1.2: service errors carry the SWF model namespace; protocol-level errors coral's.
  api.error_prefix = [](const std::string& type) -> std::string {
    if (type == "ValidationException") return "com.amazon.coral.validate#";
    if (type == "SerializationException" || type == "UnknownOperationException")
      return "com.amazon.coral.service#";
    if (type == "InternalFailure") return "";
    return sfn::errors::kNamespace;
  };
  const std::pair<const char*, Method> table[] = {
      {"CreateStateMachine", &sfn::StepFunctionsService::create_state_machine},
      {"DescribeStateMachine", &sfn::StepFunctionsService::describe_state_machine},
      {"UpdateStateMachine", &sfn::StepFunctionsService::update_state_machine},
      {"DeleteStateMachine", &sfn::StepFunctionsService::delete_state_machine},
      {"ListStateMachines", &sfn::StepFunctionsService::list_state_machines},
      {"ValidateStateMachineDefinition",
       &sfn::StepFunctionsService::validate_state_machine_definition},
      {"DescribeExecution", &sfn::StepFunctionsService::describe_execution},
      {"DescribeStateMachineForExecution",
       &sfn::StepFunctionsService::describe_state_machine_for_execution},
      {"ListExecutions", &sfn::StepFunctionsService::list_executions},
      {"GetExecutionHistory", &sfn::StepFunctionsService::get_execution_history},
      {"TagResource", &sfn::StepFunctionsService::tag_resource},
      {"UntagResource", &sfn::StepFunctionsService::untag_resource},
      {"ListTagsForResource", &sfn::StepFunctionsService::list_tags_for_resource},
  };
  for (const auto& [name, method] : table) {
    api.operations.emplace(name, [&svc, method = method](const RequestContext& ctx,
                                                         const nlohmann::json& body) {
      return (svc.*method)(ctx.identity.scope, body);
    });
  }
  // Operations that answer once their step is committed, without holding an I/O thread while
  // the execution's worker computes it.
  using AsyncMethod = void (sfn::StepFunctionsService::*)(
      const core::Scope&, const nlohmann::json&, sfn::StepFunctionsService::Respond);
  const std::tuple<const char*, AsyncMethod, void (*)(const nlohmann::json&)> async_table[] = {
      {"StartExecution", &sfn::StepFunctionsService::start_execution_async, check_input},
      {"StopExecution", &sfn::StepFunctionsService::stop_execution_async, nullptr},
      {"SendTaskSuccess", &sfn::StepFunctionsService::send_task_success_async, check_output},
      {"SendTaskFailure", &sfn::StepFunctionsService::send_task_failure_async, nullptr},
      {"SendTaskHeartbeat", &sfn::StepFunctionsService::send_task_heartbeat_async, nullptr},
  };
  for (const auto& [name, method, check] : async_table) {
    api.async_operations.emplace(
        name, [&svc, method = method, check = check](const RequestContext& ctx,
                                                     const nlohmann::json& body,
                                                     std::function<void(Producer)> complete) {
          try {
            if (check != nullptr) check(body);
          } catch (const core::AwsError& e) {
            complete([e]() -> nlohmann::json { throw e; });
            return;
          }
          (svc.*method)(ctx.identity.scope, body, std::move(complete));
        });
  }
  api.async_operations.emplace(
      "StartSyncExecution",
      [&svc](const RequestContext& ctx, const nlohmann::json& body,
             std::function<void(Producer)> complete) {
        try {
          check_input(body);
        } catch (const core::AwsError& e) {
          complete([e]() -> nlohmann::json { throw e; });
          return;
        }
        svc.start_sync_execution(ctx.identity.scope, body, std::move(complete));
      });
  return api;
}

}  // namespace scl::server
