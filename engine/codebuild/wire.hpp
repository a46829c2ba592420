#pragma once
// Small wire helpers shared by the CodeBuild layer: ARNs, timestamps, page tokens.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/clock.hpp"
#include "engine/core/scope.hpp"

namespace scl::codebuild {

/// Epoch seconds with millisecond fraction, as a JSON number (reference 1.3).
inline nlohmann::json timestamp(core::TimeMs ms) { return static_cast<double>(ms) / 1000.0; }

std::string project_arn(const core::Scope& s, const std::string& name);
std::string build_arn(const core::Scope& s, const std::string& build_id);

/// Opaque pagination token around an integer cursor; decode returns nullopt for foreign text.
std::string encode_page_token(std::int64_t cursor);
std::optional<std::int64_t> decode_page_token(const std::string& token);

}  // namespace scl::codebuild
