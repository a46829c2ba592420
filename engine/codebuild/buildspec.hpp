#pragma once
// Buildspec parsing: the parts of an inline buildspec (YAML) the emulator acts on. Reference:
// CodeBuild user guide "Build specification reference" (version, env.variables, phases.*.
// commands, reports) and "Batch build buildspec reference" (batch: fast-fail, build-list,
// build-graph, build-matrix). Nothing is executed: commands only name a failed command, env
// variables feed SIMULATE_*, reports create report groups and reports, batch fans out builds.

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/codebuild/phases.hpp"
#include "engine/codebuild/simulation.hpp"

namespace scl::codebuild {

/// A buildspec that cannot be used; what() names the YAML problem (shown as the message of a
/// YAML_FILE_ERROR phase context).
class BuildspecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// One entry of the `reports` section.
struct ReportSpec {
  std::string key;                        // report group name or ARN, as written
  std::string file_format = "JUNITXML";   // upper-cased
  std::vector<std::string> files;
  std::string base_directory;
  /// CLOVERXML, COBERTURAXML, JACOCOXML, SIMPLECOV are code coverage; the rest are tests.
  [[nodiscard]] bool is_coverage() const;
};

struct Buildspec {
  std::string version;
  /// env.variables (plain text values; numbers and booleans as written).
  EnvMap variables;
  /// phases.<install|pre_build|build|post_build>.commands, indexed by Phase.
  std::array<std::vector<std::string>, kPhaseCount> commands{};
  std::vector<ReportSpec> reports;
  bool has_batch = false;
};

/// One build of a batch: a build-list / build-graph entry, or one build-matrix cell.
struct BatchTask {
  std::string identifier;
  std::vector<std::string> depend_on;
  bool ignore_failure = false;
  std::optional<std::string> buildspec;  // a file name in the source (cannot be read)
  EnvMap variables;                      // env.variables of the task
  std::optional<std::string> type;
  std::optional<std::string> image;
  std::optional<std::string> compute_type;
  std::optional<bool> privileged_mode;
  bool debug_session = false;
};

enum class BatchKind { kList, kGraph, kMatrix };

struct BatchSpec {
  BatchKind kind = BatchKind::kList;
  bool fast_fail = false;  // batch/fast-fail, default false
  std::vector<BatchTask> tasks;
};

/// Matrix expansions larger than this are rejected before any other limit applies.
inline constexpr std::size_t kMaxMatrixCells = 1000;

/// True when the text is an inline buildspec; false for a file name such as `buildspec.yml`
/// (a single line without a `key: value` mapping), which names a file in the source that the
/// emulator cannot read. NOTE(emulator): such builds run as if they had no buildspec.
bool is_inline_buildspec(std::string_view text);

/// Parses an inline buildspec. The `batch` section is only checked to be a mapping (a single
/// build ignores it). Throws BuildspecError.
Buildspec parse_buildspec(std::string_view text);

/// Parses the `batch` section of an inline buildspec, expanding build-matrix cells (identifiers
/// `matrix_1`, `matrix_2`, ... in the order documented in the README). Throws BuildspecError,
/// also when the section is missing or a build-graph dependency is unknown or cyclic.
BatchSpec parse_batch(std::string_view text);

}  // namespace scl::codebuild
