#pragma once
// The partition every resource lives in: AWS account id and region, taken from the request's
// SigV4 credential scope.

#include <string>

namespace scl::core {

struct Scope {
  std::string account;
  std::string region;
  bool operator==(const Scope&) const = default;
};

}  // namespace scl::core
