#pragma once
// Caller identity from the SigV4 Authorization header (reference 1.4). Signatures are not
// verified: region and access key come from the credential scope, the account from the key.

#include <string>
#include <string_view>

#include "engine/core/scope.hpp"

namespace scl::server {

struct Identity {
  core::Scope scope;
  std::string access_key;  // "" when the request was not signed
};

struct IdentityDefaults {
  std::string account = "123456789012";
  std::string region = "us-east-1";
};

/// A 12-digit access key id is the account id; any other key (or none) maps to the default
/// account. A missing or unparsable Authorization header gives the defaults.
Identity identify(std::string_view authorization, const IdentityDefaults& defaults);

}  // namespace scl::server
