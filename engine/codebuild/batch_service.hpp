#pragma once
// CodeBuild build batches (reference 2.10): StartBuildBatch and friends over the store, with the
// batch's builds started as real builds of CodeBuildService. Thread-safe: any thread may call
// any method.
//
// How a batch moves: SUBMITTED -> DOWNLOAD_BATCHSPEC (a timer; at its end the buildspec's
// `batch` section is parsed and the build groups are created) -> IN_PROGRESS (builds start when
// their dependencies succeeded; every change is a reaction to a build's completion, received
// through CodeBuildService::on_build_complete) -> COMBINE_ARTIFACTS (a timer, only with
// buildBatchConfig.combineArtifacts) -> SUCCEEDED | FAILED | STOPPED. The batch's state (phase
// records and build groups) is a JSON document in the `build_batches` row, written in the same
// transaction as the builds it starts; recover() re-arms the batch's timer and re-subscribes to
// its running builds after a restart.

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/codebuild/service.hpp"
#include "store/batch_repo.hpp"

namespace scl::codebuild {

struct BatchOptions {
  SimulationDefaults defaults;  // used to check SIMULATE_* values of the batch's builds
  SimulationRules rules;        // the same rules file as builds
  core::TimeMs download_batchspec_ms = 1'000;
  core::TimeMs combine_artifacts_ms = 1'000;
  core::TimeMs idempotency_window_ms = 5 * 60'000;
};

class BatchService {
 public:
  /// Called once when a batch completes, with the BuildBatch document (wire JSON).
  using CompletionCallback = std::function<void(const json& batch)>;

  /// `builds` must outlive this service.
  BatchService(store::Database& db, core::Scheduler& scheduler, core::IdSource& ids,
               CodeBuildService& builds, BatchOptions options);
  ~BatchService();
  BatchService(const BatchService&) = delete;
  BatchService& operator=(const BatchService&) = delete;

  /// After CodeBuildService::recover(): re-arms the timer of every open batch and subscribes
  /// to its running builds. Returns how many batches were resumed.
  std::size_t recover();

  // Operations: request bodies already checked against the model. Throw core::AwsError.
  json start_build_batch(const Caller& caller, const json& input);
  json batch_get_build_batches(const Caller& caller, const json& input);
  json list_build_batches(const Caller& caller, const json& input);
  json list_build_batches_for_project(const Caller& caller, const json& input);
  json stop_build_batch(const Caller& caller, const json& input);
  json retry_build_batch(const Caller& caller, const json& input);
  json delete_build_batch(const Caller& caller, const json& input);

  /// Calls `cb` once when the batch completes (at once, on this thread, if it already has).
  /// Returns false if no such batch exists. The callback may run on a scheduler thread.
  bool on_batch_complete(const core::Scope& scope, const std::string& id_or_arn,
                         CompletionCallback cb);
  /// The BuildBatch document as seen now, if it exists.
  std::optional<json> get_batch(const core::Scope& scope, const std::string& id_or_arn);

  /// Deletes every batch and cancels every batch timer (test control; call before
  /// CodeBuildService::reset()).
  void reset();

  /// "<project>:<uuid>" from a batch id or a build-batch ARN.
  static std::string batch_id_from(const std::string& id_or_arn);

 private:
  enum class View { kNormal, kStart, kRetry };
  struct Effects {
    std::vector<store::BuildRow> started;  // builds to track() after the commit
    std::vector<std::string> stop;         // builds to stop after the commit
    std::vector<std::string> watch;        // builds whose completion to subscribe to
  };
  using Mutation = std::function<void(store::Tx&, store::BatchRow&, json& state, Effects&)>;

  json render(const store::BatchRow& row, View view = View::kNormal) const;
  /// Applies `fn` to the batch's state in one transaction, then the effects. Returns the row as
  /// written (nullopt if the batch does not exist).
  std::optional<store::BatchRow> mutate(const core::Scope& scope, const std::string& id,
                                        const Mutation& fn);
  void on_timer(const core::Scope& scope, const std::string& id);
  void on_build_done(const core::Scope& scope, const std::string& batch_id, const json& build);
  void watch(const core::Scope& scope, const std::string& batch_id, const std::string& build_id);
  void arm_locked(const core::Scope& scope, const std::string& id,
                  std::optional<core::TimeMs> when);

  // State transitions (inside mutate).
  void fan_out(store::Tx& tx, store::BatchRow& row, json& st, Effects& fx);
  void drive(store::Tx& tx, store::BatchRow& row, json& st, Effects& fx);
  void finish(json& st, const std::string& terminal, const std::string& status) const;
  void time_out(json& st, Effects& fx) const;

  [[nodiscard]] core::TimeMs now() const { return scheduler_.clock().now_ms(); }
  static std::string key_of(const core::Scope& scope, const std::string& id);

  store::Database& db_;
  core::Scheduler& scheduler_;
  core::IdSource& ids_;
  CodeBuildService& builds_;
  BatchOptions options_;

  std::mutex mu_;  // serialises batch mutations and guards the maps below
  std::unordered_map<std::string, core::TimerId> timers_;
  std::unordered_map<std::string, std::vector<CompletionCallback>> waiters_;
};

}  // namespace scl::codebuild
