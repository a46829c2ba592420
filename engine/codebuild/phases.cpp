#include "engine/codebuild/phases.hpp"

namespace scl::codebuild {
namespace {
constexpr std::array<std::string_view, kPhaseCount> kPhaseNames = {
    "SUBMITTED", "QUEUED",     "PROVISIONING",     "DOWNLOAD_SOURCE", "INSTALL",  "PRE_BUILD",
    "BUILD",     "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING",      "COMPLETED"};
constexpr std::array<std::string_view, 6> kStatusNames = {"SUCCEEDED", "FAILED",      "FAULT",
                                                          "TIMED_OUT", "IN_PROGRESS", "STOPPED"};
}  // namespace

std::string_view to_wire(Phase p) { return kPhaseNames[static_cast<std::size_t>(p)]; }
std::string_view to_wire(Status s) { return kStatusNames[static_cast<std::size_t>(s)]; }

std::optional<Phase> phase_from_wire(std::string_view s) {
  for (std::size_t i = 0; i < kPhaseNames.size(); ++i)
    if (kPhaseNames[i] == s) return static_cast<Phase>(i);
  return std::nullopt;
}

std::optional<Status> status_from_wire(std::string_view s) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i)
    if (kStatusNames[i] == s) return static_cast<Status>(i);
  return std::nullopt;
}

}  // namespace scl::codebuild
