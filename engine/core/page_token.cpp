#include "engine/core/page_token.hpp"

#include <charconv>

namespace scl::core {

std::string encode_page_token(std::int64_t cursor) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string plain = "scl1:" + std::to_string(cursor);
  std::string out;
  for (unsigned char c : plain) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::optional<std::int64_t> decode_page_token(const std::string& token) {
  if (token.size() % 2 != 0 || token.size() > 64) return std::nullopt;
  std::string plain;
  for (std::size_t i = 0; i < token.size(); i += 2) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(token.data() + i, token.data() + i + 2, v, 16);
    if (ec != std::errc() || p != token.data() + i + 2) return std::nullopt;
    plain.push_back(static_cast<char>(v));
  }
  if (plain.rfind("scl1:", 0) != 0) return std::nullopt;
  std::int64_t cursor = 0;
  auto [p, ec] = std::from_chars(plain.data() + 5, plain.data() + plain.size(), cursor);
  if (ec != std::errc() || p != plain.data() + plain.size()) return std::nullopt;
  return cursor;
}

}  // namespace scl::core
