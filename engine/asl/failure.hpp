#pragma once
// A language-level error value: what Retry and Catch match on and what ends an execution as
// FAILED. Never thrown; passed by value (STYLE.md "Errors").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scl::asl {

struct Failure {
  /// Error name, e.g. "States.TaskFailed". Empty only for a Fail state without Error/ErrorPath
  /// (ExecutionFailed then carries no `error` member).
  std::string error;
  /// Human-readable cause; absent for e.g. TaskTimedOut and a Fail state without Cause.
  std::optional<std::string> cause;

  friend bool operator==(const Failure&, const Failure&) = default;
};

/// Predefined error names (States Language "Errors"; aws-behaviour.md 4.5).
namespace errors {
inline constexpr std::string_view kAll = "States.ALL";
inline constexpr std::string_view kTaskFailed = "States.TaskFailed";
inline constexpr std::string_view kTimeout = "States.Timeout";
inline constexpr std::string_view kHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr std::string_view kRuntime = "States.Runtime";
inline constexpr std::string_view kDataLimitExceeded = "States.DataLimitExceeded";
inline constexpr std::string_view kBranchFailed = "States.BranchFailed";
inline constexpr std::string_view kResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr std::string_view kParameterPathFailure = "States.ParameterPathFailure";
inline constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr std::string_view kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr std::string_view kPermissions = "States.Permissions";
inline constexpr std::string_view kExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
}  // namespace errors

/// True when `error` is matched by the ErrorEquals entry `pattern`: exact (case-sensitive) name,
/// or `States.ALL` (everything except States.Runtime and States.DataLimitExceeded), or
/// `States.TaskFailed` (like States.ALL, minus States.Timeout). States.Runtime is matched by no
/// pattern at all: "A States.Runtime error isn't retriable, and will always cause the execution to
/// fail" (error-handling docs); States.DataLimitExceeded only by its own name.
bool error_pattern_matches(std::string_view pattern, std::string_view error);

/// True when any entry of `error_equals` matches `error`.
bool error_equals_matches(const std::vector<std::string>& error_equals, std::string_view error);

/// True for errors no Retry/Catch may handle (States.Runtime).
bool is_terminal_error(std::string_view error);

}  // namespace scl::asl
