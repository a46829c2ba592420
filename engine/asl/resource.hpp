#pragma once
// Task `Resource` ARNs -> (service, action, pattern), and how they appear in history events.
// Forms (Step Functions "Integrating services"):
//   arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]   optimized
//   arn:<partition>:states:::aws-sdk:<service>:<action>[.waitForTaskToken]         AWS SDK
//   arn:<partition>:states:<region>:<account>:activity:<name>                       activity
//   arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]           legacy Lambda

#include <optional>
#include <string>
#include <string_view>

namespace scl::asl {

enum class IntegrationPattern { kRequestResponse, kSync, kWaitForTaskToken };

/// "" / ".sync" / ".waitForTaskToken" (the registry key suffix).
std::string_view to_suffix(IntegrationPattern p);

struct ResourceRef {
  enum class Kind { kOptimized, kAwsSdk, kActivity, kLambda };
  std::string arn;
  Kind kind = Kind::kOptimized;
  std::string service;  // "codebuild" (for kAwsSdk the SDK service, e.g. "codebuild")
  std::string action;   // "startBuild"; activity/function name for kActivity/kLambda
  IntegrationPattern pattern = IntegrationPattern::kRequestResponse;
  std::string pattern_suffix;  // exactly as written: "", ".sync", ".sync:2", ".waitForTaskToken"

  /// `resourceType` of Task* history events: "codebuild", "aws-sdk:codebuild", ...
  [[nodiscard]] std::string history_resource_type() const;
  /// `resource` of Task* history events: "startBuild.sync", "startBuild", ...
  [[nodiscard]] std::string history_resource() const;
};

/// Parses one of the forms above; nullopt for anything else. Never throws.
std::optional<ResourceRef> parse_resource_arn(std::string_view arn);

}  // namespace scl::asl
