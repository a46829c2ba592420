#pragma once
// Message digests and Base64 for the States.Hash / States.Base64* intrinsics. The digests are
// OpenSSL's (EVP API, libcrypto); Base64 is the few lines below, strict as AWS decodes it.

#include <optional>
#include <string>
#include <string_view>

namespace scl::asl::digest {

/// Lower-case hex digests of the bytes of `data`. Never throw (except std::bad_alloc).
std::string md5_hex(std::string_view data);
std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
std::string sha384_hex(std::string_view data);
std::string sha512_hex(std::string_view data);

/// Standard Base64 (RFC 4648 section 4) with '=' padding.
std::string base64_encode(std::string_view data);
/// Strict decode of padded standard Base64; nullopt for any invalid input.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace scl::asl::digest
