#pragma once
// CodeBuild JSON 1.1 operations: one handler per operation, mapping request bodies to the
// CodeBuild services (projects and builds, build batches, test reports).

#include "server/protocol/router.hpp"

namespace scl::codebuild {
class CodeBuildService;
class BatchService;
class ReportService;
}  // namespace scl::codebuild

namespace scl::server {

/// The CodeBuild API (target prefix CodeBuild_20161006) over the services, which must outlive
/// it. Batch and report operations are served when their service is given.
ServiceApi codebuild_api(codebuild::CodeBuildService& service,
                         codebuild::BatchService* batches = nullptr,
                         codebuild::ReportService* reports = nullptr);

}  // namespace scl::server
