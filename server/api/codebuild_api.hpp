#pragma once
// CodeBuild JSON 1.1 operations: one handler per operation, mapping request bodies to the
// CodeBuild service.

#include "server/protocol/router.hpp"

namespace scl::codebuild {
class CodeBuildService;
}

namespace scl::server {

/// The CodeBuild API (target prefix CodeBuild_20161006) over `service`, which must outlive it.
ServiceApi codebuild_api(codebuild::CodeBuildService& service);

}  // namespace scl::server
