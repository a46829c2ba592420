#pragma once
// CodeBuild phase and status enums, with the only place their wire strings live.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace scl::codebuild {

/// BuildPhaseType, in execution order (which is also the model's enum order).
enum class Phase : std::size_t {
  kSubmitted,
  kQueued,
  kProvisioning,
  kDownloadSource,
  kInstall,
  kPreBuild,
  kBuild,
  kPostBuild,
  kUploadArtifacts,
  kFinalizing,
  kCompleted,
};
inline constexpr std::size_t kPhaseCount = 11;

/// StatusType.
enum class Status { kSucceeded, kFailed, kFault, kTimedOut, kInProgress, kStopped };

std::string_view to_wire(Phase p);
std::string_view to_wire(Status s);
std::optional<Phase> phase_from_wire(std::string_view s);
std::optional<Status> status_from_wire(std::string_view s);

/// Phases whose duration a user can set (QUEUED .. FINALIZING).
inline constexpr std::array<Phase, 9> kTimedPhases = {
    Phase::kQueued,      Phase::kProvisioning, Phase::kDownloadSource,
    Phase::kInstall,     Phase::kPreBuild,     Phase::kBuild,
    Phase::kPostBuild,   Phase::kUploadArtifacts, Phase::kFinalizing};

}  // namespace scl::codebuild
