#pragma once
// The Step Functions ⇄ CodeBuild integrations (reference section 3):
//   arn:aws:states:::codebuild:<action>[.sync]     optimized (PascalCase, SdkHttpMetadata,
//                                                  `.sync` waits for completion, internal retry of
//                                                  batchDeleteBuilds / deleteBuildBatch)
//   arn:aws:states:::aws-sdk:codebuild:<action>    AWS SDK integration (every implemented operation)
// Both call CodeBuild in-process through a CodeBuildBackend (built in main.cpp from the CodeBuild
// API's operation table, so they see exactly what HTTP clients see) and learn of completions by
// subscription: no polling loop.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/asl/task_integration.hpp"
#include "engine/core/id_source.hpp"
#include "engine/core/scheduler.hpp"
#include "engine/core/scope.hpp"
#include "engine/sfn/resumable.hpp"

namespace scl::integrations {

struct CodeBuildBackend {
  /// Runs a CodeBuild operation (e.g. "StartBuild") with a camelCase request; returns the
  /// response body or throws core::AwsError. Does not validate against the model.
  std::function<nlohmann::json(const std::string& operation, const core::Scope& scope,
                               const std::string& initiator, const nlohmann::json& input)>
      call;
  /// Calls back once with the final document (Build / BuildBatch, camelCase) when it completes
  /// (at once if it already has). Returns false if it does not exist. on_batch_complete may be
  /// empty while build batches are not available.
  using Watch = std::function<bool(const core::Scope&, const std::string& id,
                                   std::function<void(const nlohmann::json&)>)>;
  Watch on_build_complete;
  Watch on_batch_complete;
  /// Whether `call` implements an operation.
  std::function<bool(const std::string& operation)> has_operation;
};

struct CodeBuildIntegrationOptions {
  /// Add SdkHttpMetadata / SdkResponseMetadata to request-response outputs and to TaskSubmitted
  /// (reference 3.3, an [INF] choice; --sdk-metadata off removes them).
  bool sdk_metadata = true;
  /// Internal retry of batchDeleteBuilds / deleteBuildBatch while stopped builds finalize.
  core::TimeMs delete_retry_interval_ms = 1'000;
  core::TimeMs delete_retry_limit_ms = 60'000;
};

class CodeBuildIntegration final : public sfn::ResumableIntegration {
 public:
  CodeBuildIntegration(CodeBuildBackend backend, core::Scheduler& scheduler, core::IdSource& ids,
                       CodeBuildIntegrationOptions options);
  void start(const asl::TaskRequest& request, Reply reply) override;
  void resume(const asl::TaskRequest& request, const std::optional<asl::Json>& submitted,
              Reply reply) override;
  void cancel(std::uint64_t task_id) override;

  /// Registers every optimized resource (with exactly its patterns) and every aws-sdk action of
  /// the operations the backend implements.
  static void register_all(asl::IntegrationRegistry& registry,
                           const std::shared_ptr<CodeBuildIntegration>& integration);

 private:
  struct Running {
    core::Scope scope;
    std::string build_id;  // .sync build, to stop on cancel
    std::string batch_id;  // .sync batch, to stop on cancel
    core::TimerId retry_timer = 0;
    bool cancelled = false;
  };
  /// The converted, model-checked request; on a problem replies Failed and returns nullopt.
  std::optional<nlohmann::json> request_body(
      const asl::TaskRequest& request, const std::string& op, const std::string& rid,
      asl::Failure (*failure)(const std::string&, const std::string&, const std::string&),
      const Reply& reply);
  void finish(std::uint64_t task_id);
  void run_sdk(const asl::TaskRequest& request, const Reply& reply);
  void run_optimized(const asl::TaskRequest& request, const Reply& reply);
  void attempt_delete(const asl::TaskRequest& request, Reply reply, const std::string& op,
                      nlohmann::json input, core::Scope scope, std::string initiator,
                      core::TimeMs deadline);
  void watch(const asl::TaskRequest& request, const Reply& reply, const core::Scope& scope,
             bool batch, const std::string& id, const std::string& op);
  // `pascal` with the SDK's HTTP metadata members added in sorted position; `camel` is the API
  // response it was converted from (its text length is the Content-Length).
  asl::Json with_metadata(asl::Json pascal, const nlohmann::json& camel,
                          const std::string& request_id) const;

  CodeBuildBackend backend_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  CodeBuildIntegrationOptions options_;
  std::mutex mu_;
  std::map<std::uint64_t, Running> running_;
};

/// "CodeBuild.<Code>" and the Java SDK v1 style cause of an optimized integration error.
asl::Failure optimized_failure(const std::string& code, const std::string& message,
                               const std::string& request_id);
/// "CodeBuild.<Code>" and the Java SDK v2 style cause of an aws-sdk integration error.
asl::Failure sdk_failure(const std::string& code, const std::string& message,
                         const std::string& request_id);

}  // namespace scl::integrations
