#pragma once
// CodeBuild projects and builds: the rules of reference section 2 over the store, with the build
// simulator driven by the injected Scheduler. Thread-safe: any thread may call any method.
//
// NOTE(emulator): Project and Build documents are kept as wire JSON (nlohmann) inside this layer
// instead of mirroring ~60 model shapes as structs; they are echo-only documents (STYLE "Store":
// echo-only blobs as JSON text). Their member names therefore appear here and in server/api.

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/codebuild/simulation.hpp"
#include "engine/core/id_source.hpp"
#include "engine/core/scheduler.hpp"
#include "engine/core/scope.hpp"
#include "store/build_repo.hpp"
#include "store/project_repo.hpp"

namespace scl::codebuild {

using json = nlohmann::json;

/// Who is calling: the partition and the identity shown as a build's `initiator`.
struct Caller {
  core::Scope scope;
  std::string initiator;
};

struct ServiceOptions {
  SimulationDefaults defaults;
  SimulationRules rules;
  /// How long an idempotencyToken is remembered (model doc: 5 minutes).
  core::TimeMs idempotency_window_ms = 5 * 60'000;
  /// BatchDeleteBuilds statusCode for ids that do not exist (not evidenced, reference 2.9).
  std::string not_found_status_code = "BUILD_NOT_FOUND";
};

class CodeBuildService {
 public:
  /// Called once when a build completes, with the final Build document (wire JSON).
  using CompletionCallback = std::function<void(const json& build)>;

  CodeBuildService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
                   ServiceOptions options);
  ~CodeBuildService();
  CodeBuildService(const CodeBuildService&) = delete;
  CodeBuildService& operator=(const CodeBuildService&) = delete;

  /// Re-arms one completion timer per build still in flight (after a restart). Returns how many.
  std::size_t recover();

  // Operations. Inputs are request bodies already checked against the model (types, required,
  // ranges); these add the semantic rules. Throw core::AwsError; return response bodies.
  json create_project(const Caller& caller, const json& input);
  json update_project(const Caller& caller, const json& input);
  json delete_project(const Caller& caller, const json& input);
  json batch_get_projects(const Caller& caller, const json& input);
  json list_projects(const Caller& caller, const json& input);
  json start_build(const Caller& caller, const json& input);
  json batch_get_builds(const Caller& caller, const json& input);
  json list_builds(const Caller& caller, const json& input);
  json list_builds_for_project(const Caller& caller, const json& input);
  json stop_build(const Caller& caller, const json& input);
  json retry_build(const Caller& caller, const json& input);
  json batch_delete_builds(const Caller& caller, const json& input);

  /// Calls `cb` once when the build completes (at once, on this thread, if it already has).
  /// Returns false if no such build exists. The callback runs on a scheduler thread.
  bool on_build_complete(const core::Scope& scope, const std::string& id_or_arn,
                         CompletionCallback cb);
  /// The Build document as seen now, if it exists.
  std::optional<json> get_build(const core::Scope& scope, const std::string& id_or_arn);

  /// Deletes every project and build and cancels every timer (test control).
  void reset();
  [[nodiscard]] std::size_t builds_in_flight() const;

  /// "<project>:<uuid>" from an id or a build ARN (reference 2.1: ids and ARNs are accepted).
  static std::string build_id_from(const std::string& id_or_arn);

 private:
  struct InFlight {
    core::TimerId timer = 0;
    core::Scope scope;
    std::string id;
    std::vector<CompletionCallback> waiters;
  };

  json render_build(const store::BuildRow& row, core::TimeMs now, bool initial = false) const;
  json start_build_locked(store::Tx& tx, const Caller& caller, const json& project,
                          const store::ProjectRow& prow, const json& input, core::TimeMs now,
                          std::optional<std::string> token, std::optional<std::string> hash,
                          store::BuildRow& out_row);
  void arm(const core::Scope& scope, const std::string& id, core::TimeMs completes_ms);
  void on_timer(const std::string& key);
  [[nodiscard]] core::TimeMs now() const { return scheduler_.clock().now_ms(); }
  static std::string key_of(const core::Scope& scope, const std::string& id);

  store::Database& db_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  ServiceOptions options_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, InFlight> in_flight_;
};

}  // namespace scl::codebuild
