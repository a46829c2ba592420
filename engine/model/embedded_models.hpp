#pragma once
// The trimmed service models (engine/model/data/*.json), compiled into scl_model by
// embed_json.cmake as chunks of raw string literals. Concatenate the chunks to get the JSON.

#include <span>
#include <string_view>

namespace scl::model::embedded {

[[nodiscard]] std::span<const std::string_view> codebuild_json() noexcept;
[[nodiscard]] std::span<const std::string_view> stepfunctions_json() noexcept;

}  // namespace scl::model::embedded
