#pragma once
// How a build's outcome and timing are chosen: server defaults (flags), an optional rules file
// keyed by project name, and the build's SIMULATE_* environment variables (project environment,
// then StartBuild overrides; the last one wins).

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/codebuild/timeline.hpp"

namespace scl::codebuild {

using EnvMap = std::map<std::string, std::string, std::less<>>;

/// Server-wide defaults (flags --phase-seconds, --finalize-seconds).
struct SimulationDefaults {
  std::array<TimeMs, kPhaseCount> duration_ms{};
  TimeMs stop_finalize_ms = 3'000;
  SimulationDefaults();  // QUEUED 1, PROVISIONING 1, DOWNLOAD_SOURCE 1, BUILD 2, FINALIZING 1 s
};

/// Parses "BUILD=30,INSTALL=0.5" into `durations` (seconds, fractions allowed, QUEUED..FINALIZING).
/// Throws std::invalid_argument with a message naming the bad entry.
void parse_phase_seconds(std::string_view spec, std::array<TimeMs, kPhaseCount>& durations);
/// Parses a non-negative number of seconds into milliseconds. Throws std::invalid_argument.
TimeMs parse_seconds(std::string_view text, std::string_view what);

/// Rules file (JSON): {"defaults": {VAR: value}, "rules": [{"project": "glob*", "env": {...}}]}.
/// The first rule whose glob matches the project name applies, over the defaults.
class SimulationRules {
 public:
  SimulationRules() = default;
  /// Throws std::runtime_error with a readable message if the file is missing or malformed.
  static SimulationRules load_file(const std::string& path);
  static SimulationRules parse(std::string_view json_text);
  [[nodiscard]] EnvMap env_for(std::string_view project) const;
  [[nodiscard]] bool empty() const { return defaults_.empty() && rules_.empty(); }

 private:
  EnvMap defaults_;
  std::vector<std::pair<std::string, EnvMap>> rules_;
};

/// `*` matches any run of characters, everything else literally.
bool glob_match(std::string_view pattern, std::string_view text);

/// Builds the plan. `env` holds the merged variables (rules, project, overrides). Throws
/// core::AwsError InvalidInputException when a SIMULATE_* value is not understood.
BuildPlan make_plan(TimeMs start_ms, const SimulationDefaults& defaults, const EnvMap& env,
                    int timeout_minutes, int queued_timeout_minutes);

std::string plan_to_json(const BuildPlan& plan);
/// Throws std::runtime_error on corrupt text.
BuildPlan plan_from_json(std::string_view text);

}  // namespace scl::codebuild
