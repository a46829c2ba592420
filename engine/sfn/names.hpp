#pragma once
// Step Functions names and ARNs (reference 4.1).

#include <optional>
#include <string>
#include <string_view>

#include "engine/core/scope.hpp"

namespace scl::sfn {

/// 1–80 characters, none of: white space, < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /,
/// control characters U+0000–001F, U+007F–009F.
bool valid_name(std::string_view name);

std::string state_machine_arn(const core::Scope& s, const std::string& name);
std::string execution_arn(const core::Scope& s, const std::string& sm, const std::string& name);
std::string express_execution_arn(const core::Scope& s, const std::string& sm,
                                  const std::string& name, const std::string& uuid);

struct ParsedArn {
  core::Scope scope;
  std::string resource_type;  // "stateMachine", "execution", "express", ...
  std::string rest;           // after "<type>:"
};
/// Parses arn:<partition>:states:<region>:<account>:<type>:<rest>. Throws AwsError InvalidArn
/// with AWS's texts ("Invalid ARN prefix: <value>", "Resource type not valid in this context:
/// <type>") when it is not of `expected_type` (any of them, '|'-separated).
ParsedArn parse_states_arn(const std::string& arn, std::string_view expected_types);

/// The state machine ARN of an execution ARN (standard or express).
std::string state_machine_of_execution(const ParsedArn& execution);

}  // namespace scl::sfn
