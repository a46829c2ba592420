#pragma once
// CodeBuild wire errors (names from the botocore model, reference 2.12). CodeBuild's __type has
// no namespace prefix.

#include <string>

#include "engine/core/aws_error.hpp"

namespace scl::codebuild::errors {

inline core::AwsError invalid_input(const std::string& m) {
  return core::AwsError("InvalidInputException", m);
}
inline core::AwsError resource_not_found(const std::string& m) {
  return core::AwsError("ResourceNotFoundException", m);
}
inline core::AwsError resource_already_exists(const std::string& m) {
  return core::AwsError("ResourceAlreadyExistsException", m);
}
inline core::AwsError account_limit_exceeded(const std::string& m) {
  return core::AwsError("AccountLimitExceededException", m);
}

}  // namespace scl::codebuild::errors
