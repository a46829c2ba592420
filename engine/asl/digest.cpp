#include "engine/asl/digest.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <memory>
#include <new>
#include <string>

namespace scl::asl::digest {
namespace {

// One EVP digest over `data`, as lower-case hex. The EVP calls only fail on allocation failure
// (or a digest the OpenSSL build lacks); that is reported as std::bad_alloc, the one exception the
// intrinsic evaluator lets through.
std::string evp_hex(const EVP_MD* md, std::string_view data) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                    &EVP_MD_CTX_free);
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (md == nullptr || !ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    throw std::bad_alloc();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    hex.push_back(kHex[out[i] >> 4U]);
    hex.push_back(kHex[out[i] & 15U]);
  }
  return hex;
}

}  // namespace

std::string md5_hex(std::string_view data) { return evp_hex(EVP_md5(), data); }
std::string sha1_hex(std::string_view data) { return evp_hex(EVP_sha1(), data); }
std::string sha256_hex(std::string_view data) { return evp_hex(EVP_sha256(), data); }
std::string sha384_hex(std::string_view data) { return evp_hex(EVP_sha384(), data); }
std::string sha512_hex(std::string_view data) { return evp_hex(EVP_sha512(), data); }

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const std::uint32_t n = (static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i])) << 16U) |
                            (static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i + 1])) << 8U) |
                            static_cast<std::uint8_t>(data[i + 2]);
    out.push_back(kB64[(n >> 18U) & 63U]);
    out.push_back(kB64[(n >> 12U) & 63U]);
    out.push_back(kB64[(n >> 6U) & 63U]);
    out.push_back(kB64[n & 63U]);
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i])) << 16U;
    if (rest == 2) n |= static_cast<std::uint32_t>(static_cast<std::uint8_t>(data[i + 1])) << 8U;
    out.push_back(kB64[(n >> 18U) & 63U]);
    out.push_back(kB64[(n >> 12U) & 63U]);
    out.push_back(rest == 2 ? kB64[(n >> 6U) & 63U] : '=');
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    int pads = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pads;
        continue;
      }
      if (pads > 0) return std::nullopt;  // data after padding
      v[k] = b64_value(c);
      if (v[k] < 0) return std::nullopt;
    }
    const auto n = (static_cast<std::uint32_t>(v[0]) << 18U) | (static_cast<std::uint32_t>(v[1]) << 12U) |
                   (static_cast<std::uint32_t>(v[2]) << 6U) | static_cast<std::uint32_t>(v[3]);
    out.push_back(static_cast<char>((n >> 16U) & 0xffU));
    if (pads < 2) out.push_back(static_cast<char>((n >> 8U) & 0xffU));
    if (pads < 1) out.push_back(static_cast<char>(n & 0xffU));
  }
  return out;
}

}  // namespace scl::asl::digest
