#pragma once
// Small wire helpers shared by the CodeBuild layer: ARNs, timestamps, page tokens.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/clock.hpp"
#include "engine/core/page_token.hpp"
#include "engine/core/scope.hpp"

namespace scl::codebuild {

/// Epoch seconds with millisecond fraction, as a JSON number (reference 1.3).
inline nlohmann::json timestamp(core::TimeMs ms) { return static_cast<double>(ms) / 1000.0; }

std::string project_arn(const core::Scope& s, const std::string& name);
std::string build_arn(const core::Scope& s, const std::string& build_id);

using core::decode_page_token;
using core::encode_page_token;

}  // namespace scl::codebuild
