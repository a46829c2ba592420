#pragma once
// Step Functions wire errors (names from the botocore model, reference 4.3). __type carries
// AWS's namespace; botocore and the JS SDK keep what follows '#'.

#include <string>

#include "engine/core/aws_error.hpp"
#include "engine/core/echo.hpp"

namespace scl::sfn::errors {

inline constexpr const char* kNamespace = "com.amazonaws.swf.service.v2.model#";

inline core::AwsError make(const char* type, const std::string& message) {
  return core::AwsError(type, message);
}
inline core::AwsError invalid_arn(const std::string& m) { return make("InvalidArn", "Invalid Arn: '" + core::echo(m) + "'"); }
inline core::AwsError invalid_name(const std::string& name) {
  return make("InvalidName", "Invalid Name: '" + core::echo(name) + "'");
}
inline core::AwsError invalid_definition(const std::string& m) { return make("InvalidDefinition", m); }
inline core::AwsError state_machine_does_not_exist(const std::string& arn) {
  return make("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + core::echo(arn) + "'");
}
inline core::AwsError state_machine_already_exists(const std::string& arn) {
  return make("StateMachineAlreadyExists", "State Machine Already Exists: '" + core::echo(arn) + "'");
}
inline core::AwsError execution_does_not_exist(const std::string& arn) {
  return make("ExecutionDoesNotExist", "Execution Does Not Exist: '" + core::echo(arn) + "'");
}
inline core::AwsError execution_already_exists(const std::string& arn) {
  return make("ExecutionAlreadyExists", "Execution Already Exists: '" + core::echo(arn) + "'");
}
inline core::AwsError invalid_execution_input(const std::string& m) {
  return make("InvalidExecutionInput", "Invalid State Machine Execution Input: '" + core::echo(m) + "'");
}
inline core::AwsError type_not_supported() {
  return make("StateMachineTypeNotSupported",
              "This operation is not supported by this type of state machine");
}
inline core::AwsError invalid_logging(const std::string& m) {
  return make("InvalidLoggingConfiguration", "Invalid Logging Configuration: " + core::echo(m));
}
inline core::AwsError missing_required_parameter(const std::string& m) {
  return make("MissingRequiredParameter", m);
}
inline core::AwsError invalid_token(const std::string& m) { return make("InvalidToken", m); }
inline core::AwsError resource_not_found(const std::string& arn) {
  return make("ResourceNotFound", "Resource not found: '" + core::echo(arn) + "'");
}
inline core::AwsError too_many_tags(const std::string& arn) {
  return make("TooManyTags", "Too many tags for resource: '" + core::echo(arn) + "'");
}
inline core::AwsError validation(const std::string& m) { return make("ValidationException", m); }
inline core::AwsError task_does_not_exist(const std::string& m) { return make("TaskDoesNotExist", m); }

}  // namespace scl::sfn::errors
