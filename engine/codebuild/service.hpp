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
struct Buildspec;

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

/// Hooks for layers built on top of builds (test reports). Calls come from any thread.
class BuildObserver {
 public:
  virtual ~BuildObserver() = default;
  /// Inside the StartBuild/RetryBuild transaction, for a build whose inline buildspec parsed.
  /// `build` is the Build document being created, `env` the merged variables SIMULATE_* are
  /// read from. Returns the ARNs to show as the build's `reportArns`. May throw to abort.
  virtual std::vector<std::string> on_build_created(store::Tx& tx, const core::Scope& scope,
                                                    const json& build, const Buildspec& spec,
                                                    const EnvMap& env, core::TimeMs now) = 0;
  /// After that transaction committed and the build's completion timer is armed.
  virtual void on_build_started(const core::Scope& scope, const std::string& build_id) = 0;
};

/// What a batch adds to a StartBuild request for one of its builds.
struct BatchChild {
  std::string id;         // "<project>:<uuid>" reserved when the batch fanned out
  std::string batch_arn;  // shown as the build's buildBatchArn
};

/// Which request a source override set comes from: StartBuild or StartBuildBatch (the latter
/// names its report flag reportBuildBatchStatusOverride and has no buildStatusConfigOverride).
enum class SourceOverrides { kBuild, kBatch };
/// The project's source with the request's *Override members applied (reference 2.5).
json source_with_overrides(const json& project, const json& input, SourceOverrides kind);

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

  /// Starts one build of a batch inside the caller's write transaction (so the batch's own
  /// state and the build commit together). `input` is a StartBuild request body. Throws
  /// core::AwsError like start_build. After the commit, pass the row to track().
  store::BuildRow start_batch_build(store::Tx& tx, const Caller& caller, const json& input,
                                    const BatchChild& child);
  /// Arms the completion timer of a build started by start_batch_build (and tells the observer).
  void track(const store::BuildRow& row);
  /// Installs the observer (not owned). Call before serving requests.
  void set_observer(BuildObserver* observer) { observer_ = observer; }

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
  /// Throws InvalidInputException "Invalid build ID provided" for an id with no ':' (neither
  /// <project>:<uuid> nor an ARN).
  static void check_build_id(const std::string& id_or_arn);

 private:
  struct InFlight {
    core::TimerId timer = 0;
    core::Scope scope;
    std::string id;
    std::vector<CompletionCallback> waiters;
  };

  json render_build(const store::BuildRow& row, core::TimeMs now, bool initial = false) const;
  // render_build() with the row's body already parsed into `body`.
  json render_body(json body, const store::BuildRow& row, core::TimeMs now,
                   bool initial = false) const;
  json start_build_locked(store::Tx& tx, const Caller& caller, const json& project,
                          const store::ProjectRow& prow, const json& input, core::TimeMs now,
                          std::optional<std::string> token, std::optional<std::string> hash,
                          store::BuildRow& out_row, const BatchChild* child = nullptr);
  void arm(const core::Scope& scope, const std::string& id, core::TimeMs completes_ms);
  void on_timer(const std::string& key);
  [[nodiscard]] core::TimeMs now() const { return scheduler_.clock().now_ms(); }
  static std::string key_of(const core::Scope& scope, const std::string& id);

  store::Database& db_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  ServiceOptions options_;
  BuildObserver* observer_ = nullptr;

  mutable std::mutex mu_;
  std::unordered_map<std::string, InFlight> in_flight_;
};

}  // namespace scl::codebuild
