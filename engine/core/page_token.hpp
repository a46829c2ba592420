#pragma once
// Opaque pagination tokens around an integer cursor (offset, sequence number or id).

#include <cstdint>
#include <optional>
#include <string>

namespace scl::core {

std::string encode_page_token(std::int64_t cursor);
/// nullopt for text that encode_page_token did not produce.
std::optional<std::int64_t> decode_page_token(const std::string& token);

}  // namespace scl::core
